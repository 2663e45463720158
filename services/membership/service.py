"""The membership service: entrypoints and dependencies only."""
from services.chassis.database import Database
from services.chassis.entrypoints import rpc
from services.chassis.operations import ServiceOperations
from services.chassis.request_pipeline import act, change, read
from services.chassis.validation import load
from services.membership import accounts, directory, memberships, schemas, sign_in, system_leaders, users
from services.membership.bootstrap import ensure_platform_admin


class MembershipService(ServiceOperations):
    name = "membership"

    db = Database(after_migrate=ensure_platform_admin)

    @rpc
    def create_region(self, scope, data, idempotency_key=None):
        return change(self.db, scope, schemas.RegionCreate(), data,
                      directory.create_region, idempotency_key, "create_region")

    @rpc
    def list_regions(self, scope, page=None):
        return read(self.db, scope, lambda tx, caller: directory.list_regions(tx, caller, page))

    @rpc
    def get_region(self, scope, region_id):
        return read(self.db, scope, lambda tx, caller: directory.get_region(tx, caller, region_id))

    @rpc
    def create_alliance(self, scope, data, idempotency_key=None):
        return change(self.db, scope, schemas.AllianceCreate(), data,
                      directory.create_alliance, idempotency_key, "create_alliance")

    @rpc
    def list_alliances(self, scope, filters=None, page=None):
        wanted = load(schemas.AllianceFilters(), filters or {})
        return read(self.db, scope, lambda tx, caller: directory.list_alliances(tx, caller, wanted, page))

    @rpc
    def get_alliance(self, scope, alliance_id):
        return read(self.db, scope, lambda tx, caller: directory.get_alliance(tx, caller, alliance_id))

    @rpc
    def update_alliance(self, scope, alliance_id, data):
        return change(self.db, scope, schemas.AllianceUpdate(), data,
                      lambda tx, caller, changes: directory.update_alliance(tx, caller, alliance_id, changes))

    @rpc
    def update_school(self, scope, urn, data):
        return change(self.db, scope, schemas.SchoolUpdate(), data,
                      lambda tx, caller, changes: directory.update_school(tx, caller, urn, changes))

    @rpc
    def register_school(self, scope, data, idempotency_key=None):
        return change(self.db, scope, schemas.SchoolCreate(), data,
                      directory.register_school, idempotency_key, "register_school")

    @rpc
    def list_schools(self, scope, filters=None, page=None):
        wanted = load(schemas.SchoolFilters(), filters or {})
        return read(self.db, scope, lambda tx, caller: directory.list_schools(tx, caller, wanted, page))

    @rpc
    def get_school(self, scope, urn):
        return read(self.db, scope, lambda tx, caller: directory.get_school(tx, caller, urn))

    @rpc
    def add_member(self, scope, alliance_id, data, idempotency_key=None):
        return change(
            self.db, scope, schemas.MembershipCreate(), data,
            lambda tx, caller, payload: memberships.add_member(tx, caller, alliance_id, payload),
            idempotency_key, f"add_member:{alliance_id}")

    @rpc
    def list_members(self, scope, alliance_id, filters=None, page=None):
        wanted = load(schemas.MemberFilters(), filters or {})
        return read(self.db, scope, lambda tx, caller: memberships.list_members(
            tx, caller, alliance_id, wanted, page))

    @rpc
    def change_member_tier(self, scope, alliance_id, urn, data):
        return change(
            self.db, scope, schemas.MembershipUpdate(), data,
            lambda tx, caller, payload: memberships.change_tier(tx, caller, alliance_id, urn, payload))

    @rpc
    def end_membership(self, scope, alliance_id, urn):
        return act(self.db, scope, lambda tx, caller: memberships.end_membership(
            tx, caller, alliance_id, urn))

    @rpc
    def accept_membership(self, scope, alliance_id, urn):
        return act(self.db, scope, lambda tx, caller: memberships.decide(tx, caller, alliance_id, urn, True))

    @rpc
    def decline_membership(self, scope, alliance_id, urn):
        return act(self.db, scope, lambda tx, caller: memberships.decide(tx, caller, alliance_id, urn, False))

    @rpc
    def list_school_memberships(self, scope, urn, filters=None, page=None):
        wanted = load(schemas.MemberFilters(), filters or {})
        return read(self.db, scope, lambda tx, caller: memberships.list_school_memberships(
            tx, caller, urn, wanted["status"], page))

    @rpc
    def designate_system_leader(self, scope, data, idempotency_key=None):
        return change(self.db, scope, schemas.SystemLeaderCreate(), data,
                      system_leaders.designate, idempotency_key, "designate_system_leader")

    @rpc
    def list_system_leaders(self, scope, filters=None, page=None):
        wanted = load(schemas.SystemLeaderFilters(), filters or {})
        return read(self.db, scope, lambda tx, caller: system_leaders.list_leaders(tx, caller, wanted, page))

    @rpc
    def get_system_leader(self, scope, leader_id):
        return read(self.db, scope, lambda tx, caller: system_leaders.get_leader(tx, caller, leader_id))

    @rpc
    def update_system_leader(self, scope, leader_id, data):
        return change(self.db, scope, schemas.SystemLeaderUpdate(), data,
                      lambda tx, caller, changes: system_leaders.update_leader(tx, caller, leader_id, changes))

    @rpc
    def create_user(self, scope, data, idempotency_key=None):
        return change(self.db, scope, schemas.UserCreate(), data,
                      users.create_user, idempotency_key, "create_user")

    @rpc
    def get_me(self, scope):
        return read(self.db, scope, users.get_user)

    @rpc
    def authenticate(self, credentials, client=None):
        payload = load(schemas.Credentials(), credentials)
        return sign_in.sign_in(self.db, payload["email"], payload["password"], client)

    @rpc
    def list_users(self, scope, filters=None, page=None):
        wanted = load(schemas.UserFilters(), filters or {})
        return read(self.db, scope, lambda tx, caller: accounts.list_users(tx, caller, wanted, page))

    @rpc
    def deactivate_user(self, scope, user_id):
        return act(self.db, scope, lambda tx, caller: accounts.deactivate_user(tx, caller, user_id))

    @rpc
    def user_is_active(self, user_id):
        with self.db.transaction() as tx:
            return accounts.is_active(tx, user_id)
