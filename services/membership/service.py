"""The membership service: entrypoints and dependencies only."""
from typing import Callable

from services.chassis.entrypoints import rpc

from services.chassis.database import Database, Transaction
from services.chassis.idempotency import run_once
from services.chassis.operations import ServiceOperations
from services.chassis.scope import CallerScope
from services.chassis.validation import load
from services.membership import directory, memberships, schemas, system_leaders, users
from services.membership.bootstrap import ensure_platform_admin


class MembershipService(ServiceOperations):
    name = "membership"

    db = Database(after_migrate=ensure_platform_admin)

    def _create(self, scope: dict, key: str | None, operation: str, payload: dict,
                create: Callable[[Transaction, CallerScope], dict]) -> dict:
        caller = CallerScope.from_dict(scope)
        with self.db.transaction() as tx:
            return run_once(tx, caller.user_id, key, operation, payload, lambda: create(tx, caller))

    def _read(self, scope: dict, read: Callable[[Transaction, CallerScope], dict]) -> dict:
        caller = CallerScope.from_dict(scope)
        with self.db.transaction() as tx:
            return read(tx, caller)

    @rpc
    def create_region(self, scope, data, idempotency_key=None):
        payload = load(schemas.RegionCreate(), data)
        return self._create(scope, idempotency_key, "create_region", payload,
                            lambda tx, caller: directory.create_region(tx, caller, payload))

    @rpc
    def list_regions(self, scope, page=None):
        return self._read(scope, lambda tx, caller: directory.list_regions(tx, caller, page))

    @rpc
    def get_region(self, scope, region_id):
        return self._read(scope, lambda tx, caller: directory.get_region(tx, caller, region_id))

    @rpc
    def create_alliance(self, scope, data, idempotency_key=None):
        payload = load(schemas.AllianceCreate(), data)
        return self._create(scope, idempotency_key, "create_alliance", payload,
                            lambda tx, caller: directory.create_alliance(tx, caller, payload))

    @rpc
    def list_alliances(self, scope, filters=None, page=None):
        wanted = load(schemas.AllianceFilters(), filters or {})
        return self._read(scope, lambda tx, caller: directory.list_alliances(tx, caller, wanted, page))

    @rpc
    def get_alliance(self, scope, alliance_id):
        return self._read(scope, lambda tx, caller: directory.get_alliance(tx, caller, alliance_id))

    @rpc
    def register_school(self, scope, data, idempotency_key=None):
        payload = load(schemas.SchoolCreate(), data)
        return self._create(scope, idempotency_key, "register_school", payload,
                            lambda tx, caller: directory.register_school(tx, caller, payload))

    @rpc
    def list_schools(self, scope, filters=None, page=None):
        wanted = load(schemas.SchoolFilters(), filters or {})
        return self._read(scope, lambda tx, caller: directory.list_schools(tx, caller, wanted, page))

    @rpc
    def get_school(self, scope, urn):
        return self._read(scope, lambda tx, caller: directory.get_school(tx, caller, urn))

    @rpc
    def add_member(self, scope, alliance_id, data, idempotency_key=None):
        payload = load(schemas.MembershipCreate(), data)
        return self._create(scope, idempotency_key, f"add_member:{alliance_id}", payload,
                            lambda tx, caller: memberships.add_member(tx, caller, alliance_id, payload))

    @rpc
    def list_members(self, scope, alliance_id, filters=None, page=None):
        wanted = load(schemas.MemberFilters(), filters or {})
        return self._read(scope, lambda tx, caller: memberships.list_members(
            tx, caller, alliance_id, wanted["status"], page))

    @rpc
    def change_member_tier(self, scope, alliance_id, urn, data):
        payload = load(schemas.MembershipUpdate(), data)
        return self._read(scope, lambda tx, caller: memberships.change_tier(
            tx, caller, alliance_id, urn, payload))

    @rpc
    def end_membership(self, scope, alliance_id, urn):
        return self._read(scope, lambda tx, caller: memberships.end_membership(
            tx, caller, alliance_id, urn))

    @rpc
    def designate_system_leader(self, scope, data, idempotency_key=None):
        payload = load(schemas.SystemLeaderCreate(), data)
        return self._create(scope, idempotency_key, "designate_system_leader", payload,
                            lambda tx, caller: system_leaders.designate(tx, caller, payload))

    @rpc
    def list_system_leaders(self, scope, filters=None, page=None):
        wanted = load(schemas.SystemLeaderFilters(), filters or {})
        return self._read(scope, lambda tx, caller: system_leaders.list_leaders(tx, caller, wanted, page))

    @rpc
    def create_user(self, scope, data, idempotency_key=None):
        payload = load(schemas.UserCreate(), data)
        return self._create(scope, idempotency_key, "create_user",
                            {**payload, "password": None},
                            lambda tx, caller: users.create_user(tx, caller, payload))

    @rpc
    def get_me(self, scope):
        return self._read(scope, users.get_user)

    @rpc
    def authenticate(self, credentials):
        payload = load(schemas.Credentials(), credentials)
        with self.db.transaction() as tx:
            return users.authenticate(tx, payload["email"], payload["password"])
