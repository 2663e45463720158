"""The referral's needs and the region's system leaders, read from the database for matching."""
import sqlalchemy as sa

from services.chassis.transaction import Transaction
from services.support.lifecycle import LIVE
from services.support.matching import Leader, Need
from services.support.models import deployments, referrals, schools, system_leaders


def need_of(tx: Transaction, referral: dict) -> Need:
    school = tx.execute(sa.select(schools).where(schools.c.urn == referral["school_urn"])).mappings().first() or {}
    return Need(school_urn=referral["school_urn"], alliance_id=referral["alliance_id"],
                need_areas=tuple(referral["need_areas"]), phase=school.get("phase"),
                local_authority=school.get("local_authority"), trust=school.get("trust"),
                consent_to_share=referral["consent_to_share"])


def days_held(academic_year: int) -> sa.ScalarSelect:
    """Days the row's leader holds in ``academic_year`` (booked on live deployments, used on ended ones)."""
    return (sa.select(sa.func.coalesce(sa.func.sum(deployments.c.days), 0))
            .where(deployments.c.system_leader_id == system_leaders.c.id,
                   deployments.c.academic_year == academic_year)
            .correlate(system_leaders).scalar_subquery())


def _active_count() -> sa.ScalarSelect:
    return (sa.select(sa.func.count())
            .where(deployments.c.system_leader_id == system_leaders.c.id, deployments.c.status == "active")
            .correlate(system_leaders).scalar_subquery())


# What matching needs of a leader (as_leader), and the status one assignment checks.
LEADER_COLUMNS = ("id", "name", "designation", "school_urn", "alliance_id", "specialisms", "phases", "status")


def leaders_query(academic_year: int) -> sa.Select:
    """Leaders with their days left, live deployments and whether their school is under a live referral.

    Each figure is looked up for the leaders selected (by ix_deployments_leader_year and
    ix_referrals_live_school), not computed for every leader and then joined.
    """
    under_referral = sa.exists(sa.select(referrals.c.id).where(
        referrals.c.school_urn == system_leaders.c.school_urn, referrals.c.status.in_(LIVE)))
    return (sa.select(*(system_leaders.c[name] for name in LEADER_COLUMNS), schools.c.local_authority,
                      sa.func.coalesce(schools.c.trust, system_leaders.c.trust).label("school_trust"),
                      (system_leaders.c.days_available - days_held(academic_year)).label("days_left"),
                      _active_count().label("active_deployments"),
                      under_referral.label("school_under_referral"))
            .outerjoin(schools, schools.c.urn == system_leaders.c.school_urn))


def as_leader(row: dict) -> Leader:
    return Leader(id=row["id"], name=row["name"], designation=row["designation"], school_urn=row["school_urn"],
                  alliance_id=row["alliance_id"], specialisms=tuple(row["specialisms"]),
                  phases=tuple(row["phases"]), days_left=int(row["days_left"]),
                  active_deployments=int(row["active_deployments"]), local_authority=row["local_authority"],
                  trust=row["school_trust"], school_under_referral=bool(row["school_under_referral"]))


def region_leaders(tx: Transaction, referral: dict, academic_year: int) -> list[Leader]:
    """The region's active leaders with at least one of the referral's need areas."""
    query = leaders_query(academic_year).where(
        system_leaders.c.region_id == referral["region_id"], system_leaders.c.status == "active",
        system_leaders.c.specialisms.overlap(list(referral["need_areas"])))
    return [as_leader(row) for row in tx.execute(query).mappings()]


def one_leader(tx: Transaction, leader_id: str, region_id: str, academic_year: int) -> dict | None:
    """One leader of the region, its row locked so that two assignments of its last days queue."""
    locked = tx.execute(sa.select(system_leaders.c.id).where(
        system_leaders.c.id == leader_id, system_leaders.c.region_id == region_id).with_for_update()).first()
    if locked is None:
        return None
    row = tx.execute(leaders_query(academic_year).where(system_leaders.c.id == leader_id)).mappings().one()
    return dict(row)
