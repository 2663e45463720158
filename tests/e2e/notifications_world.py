"""Regions of their own for the notifications tests, and waiting until notifications has heard of them.

Notifications learns of users, alliances, memberships and system leaders from
membership's events, each type on a queue of its own, so an event about a
person it has not heard of yet reaches nobody. The tests wait for its copies
(read from its database) before they act, as a school would have been on the
platform long before its first booking.
"""
import itertools
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from services.notifications import models
from tests.e2e.api import Api, school
from tests.e2e.conftest import PASSWORD
from tests.waiting import wait_until

_URNS = itertools.count(1)  # schools 93xxxx belong to these tests


@dataclass(frozen=True)
class Person:
    """A signed-in user: their client, address and id."""
    api: Api
    email: str
    id: str


class Copies:
    """Notifications' database, read from outside: its copies of membership data and its mail items."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url, pool_size=2)

    def _ids(self, table: sa.Table, ids: list[str], condition: sa.ColumnElement = sa.true()) -> set[str]:
        with self.engine.connect() as conn:
            return {str(i) for i in conn.execute(sa.select(table.c.id).where(table.c.id.in_(ids), condition))
                    .scalars()}

    def wait_for(self, users: tuple[str, ...] = (), alliances: tuple[str, ...] = (),
                 active_memberships: tuple[str, ...] = (), leaders: tuple[str, ...] = ()) -> None:
        """Until notifications has a copy of each (memberships active), or fail."""
        wanted = ((models.users, users, sa.true()), (models.alliances, alliances, sa.true()),
                  (models.memberships, active_memberships, models.memberships.c.status == "active"),
                  (models.system_leaders, leaders, sa.true()))
        wait_until(lambda: all(self._ids(table, list(ids), condition) == set(ids)
                               for table, ids, condition in wanted if ids), timeout=30)

    def wait_for_membership(self, membership_id: str, status: str) -> None:
        """Until notifications' copy of the membership has ``status`` (it applies an event in one transaction)."""
        wait_until(lambda: self._ids(models.memberships, [membership_id], models.memberships.c.status == status),
                   timeout=30)

    def mail_items(self, recipient: str) -> list[dict]:
        with self.engine.connect() as conn:
            items = models.mail_items
            return [dict(row) for row in conn.execute(sa.select(items).where(
                items.c.recipient == recipient.lower()).order_by(items.c.id)).mappings()]

    def close(self) -> None:
        self.engine.dispose()


def fresh_urn() -> str:
    return f"93{next(_URNS):04d}"


def unique(text: str) -> str:
    """``text`` with a tag of its own, so a test finds its own courses and people in shared mail."""
    return f"{text} {uuid.uuid4().hex[:6]}"


class Builder:
    """Makes regions, alliances, schools and people over HTTP as the platform admin."""

    def __init__(self, admin: Api, anonymous: Api, copies: Copies) -> None:
        self.admin = admin
        self.anonymous = anonymous
        self.copies = copies

    def region(self, name: str) -> dict:
        code = f"N{uuid.uuid4().hex[:8].upper()}"
        return self.admin.created("/api/v1/regions", {"name": unique(name), "code": code})

    def alliance(self, region: dict, name: str, kind: str) -> dict:
        made = self.admin.created("/api/v1/alliances", {"name": unique(name), "region_id": region["id"],
                                                        "kind": kind})
        self.copies.wait_for(alliances=(made["id"],))
        return made

    def school(self, name: str, *members_of: dict) -> str:
        urn = fresh_urn()
        self.admin.created("/api/v1/schools", school(urn, f"{name} {urn}"))
        for alliance in members_of:
            self.join(alliance, urn)
        return urn

    def join(self, alliance: dict, urn: str) -> dict:
        joined = self.admin.created(f"/api/v1/alliances/{alliance['id']}/members",
                                    {"school_urn": urn, "tier": "partner"})
        self.copies.wait_for(active_memberships=(joined["id"],))
        return joined

    def person(self, label: str, role: str, **scope: str) -> Person:
        email = f"{label}.{uuid.uuid4().hex[:8]}@notify.test"
        made = self.admin.created("/api/v1/users", {"email": email, "name": label.title(), "role": role,
                                                    "password": PASSWORD, **scope})
        self.copies.wait_for(users=(made["id"],))
        return Person(self.anonymous.login(email, PASSWORD), email, made["id"])

    def leader(self, name: str, urn: str, alliance: dict) -> dict:
        made = self.admin.created("/api/v1/system-leaders", {
            "name": name, "email": f"leader.{uuid.uuid4().hex[:8]}@notify.test", "designation": "SLE",
            "school_urn": urn, "alliance_id": alliance["id"], "specialisms": ["maths"], "phases": ["primary"],
            "days_available": 20})
        self.copies.wait_for(leaders=(made["id"],))
        return made


@dataclass
class Place:
    """A region with a teaching school alliance and a hub, their schools and people.

    ``member`` is a school of the alliance with two users, ``hub_member`` one
    of the hub (where the hub's system leader works), ``outsider`` a school of
    the region in no alliance."""
    region: dict
    tsa: dict
    hub: dict
    member: str
    hub_member: str
    outsider: str
    tsa_admin: Person
    tsa_staff: Person
    hub_admin: Person
    coordinator: Person
    office: Person
    office2: Person
    hub_office: Person
    outsider_office: Person
    leader: dict


def build(make: Builder) -> Place:
    region = make.region("Notifications region")
    tsa = make.alliance(region, "Northfield Alliance", "teaching_school_alliance")
    hub = make.alliance(region, "Riverside Hub", "teaching_school_hub")
    member, hub_member = make.school("Member Primary", tsa), make.school("Hub Primary", hub)
    outsider = make.school("Outside Primary")
    return Place(
        region=region, tsa=tsa, hub=hub, member=member, hub_member=hub_member, outsider=outsider,
        tsa_admin=make.person("tsa-admin", "alliance_admin", alliance_id=tsa["id"]),
        tsa_staff=make.person("tsa-staff", "alliance_staff", alliance_id=tsa["id"]),
        hub_admin=make.person("hub-admin", "alliance_admin", alliance_id=hub["id"]),
        coordinator=make.person("coordinator", "regional_coordinator", region_id=region["id"]),
        office=make.person("office", "school_user", school_urn=member),
        office2=make.person("head", "school_user", school_urn=member),
        hub_office=make.person("hub-office", "school_user", school_urn=hub_member),
        outsider_office=make.person("outsider", "school_user", school_urn=outsider),
        leader=make.leader("Lena Leader", hub_member, hub),
    )
