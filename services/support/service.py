"""The support service: entrypoints and dependencies only."""
from services.chassis.config import float_setting
from services.chassis.database import Database
from services.chassis.entrypoints import rpc
from services.chassis.inbox import idempotent_handler
from services.chassis.operations import ServiceOperations
from services.chassis.periodic import periodic
from services.chassis.request_pipeline import act, change, read
from services.chassis.validation import load
from services.membership import events as membership_events
from services.support import board, copies, deployments, escalation, referrals, reviews, schemas


def escalation_seconds() -> float:
    """How often overdue referrals are looked for; read as each container starts (default a minute)."""
    return float_setting("SUPPORT_ESCALATION_SECONDS", 60.0)


class SupportService(ServiceOperations):
    name = "support"

    db = Database()

    @rpc
    def open_referral(self, scope, data, idempotency_key=None):
        return change(self.db, scope, schemas.ReferralCreate(), data,
                      referrals.open_referral, idempotency_key, "open_referral")

    @rpc
    def list_referrals(self, scope, filters=None, page=None):
        wanted = load(schemas.ReferralFilters(), filters or {})
        return read(self.db, scope, lambda tx, caller: referrals.list_referrals(tx, caller, wanted, page))

    @rpc
    def get_referral(self, scope, referral_id):
        return read(self.db, scope, lambda tx, caller: referrals.get(tx, caller, referral_id))

    @rpc
    def record_consent(self, scope, referral_id, data):
        return change(self.db, scope, schemas.Consent(), data,
                      lambda tx, caller, payload: referrals.record_consent(tx, caller, referral_id, payload))

    @rpc
    def share_referral(self, scope, referral_id):
        return act(self.db, scope, lambda tx, caller: referrals.share(tx, caller, referral_id))

    @rpc
    def withdraw_referral(self, scope, referral_id, data):
        return change(self.db, scope, schemas.Withdrawal(), data,
                      lambda tx, caller, payload: referrals.withdraw(tx, caller, referral_id, payload))

    @rpc
    def close_referral(self, scope, referral_id, data):
        return change(self.db, scope, schemas.Closure(), data,
                      lambda tx, caller, payload: referrals.close(tx, caller, referral_id, payload))

    @rpc
    def find_matches(self, scope, referral_id, options=None):
        wanted = load(schemas.MatchOptions(), options or {})
        return read(self.db, scope, lambda tx, caller: deployments.matches(tx, caller, referral_id, wanted))

    @rpc
    def assign_leader(self, scope, referral_id, data):
        return change(self.db, scope, schemas.Assignment(), data,
                      lambda tx, caller, payload: deployments.assign(tx, caller, referral_id, payload))

    @rpc
    def log_visit(self, scope, referral_id, deployment_id, data):
        return change(self.db, scope, schemas.Visit(), data,
                      lambda tx, caller, payload: deployments.log_visit(
                          tx, caller, referral_id, deployment_id, payload))

    @rpc
    def add_review(self, scope, referral_id, data):
        return change(self.db, scope, schemas.ReviewCreate(), data,
                      lambda tx, caller, payload: reviews.add_review(tx, caller, referral_id, payload))

    @rpc
    def referral_board(self, scope, region_id):
        return read(self.db, scope, lambda tx, caller: board.referral_board(tx, caller, region_id))

    @periodic("escalate_overdue_referrals", every=escalation_seconds)
    def escalate(self, tx, now):
        escalation.escalate_overdue(tx, now)

    @idempotent_handler(membership_events.CATALOGUE, ["alliance_created", "alliance_updated"])
    def on_alliance(self, tx, envelope):
        copies.keep_alliance(tx, envelope)

    @idempotent_handler(membership_events.CATALOGUE, ["school_registered", "school_updated"])
    def on_school(self, tx, envelope):
        copies.keep_school(tx, envelope)

    @idempotent_handler(membership_events.CATALOGUE,
                        ["membership_started", "membership_changed", "membership_ended"])
    def on_membership(self, tx, envelope):
        copies.keep_membership(tx, envelope)

    @idempotent_handler(membership_events.CATALOGUE, ["system_leader_designated", "system_leader_updated"])
    def on_system_leader(self, tx, envelope):
        copies.keep_system_leader(tx, envelope)
