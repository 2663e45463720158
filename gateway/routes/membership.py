"""Regions, alliances, schools, memberships and system leaders."""
from gateway.http import Call, route
from services.membership import schemas

TAG = "Membership"


class MembershipRoutes:
    @route("POST", "/api/v1/regions", "Create a region (platform admin)", TAG,
           body=schemas.RegionCreate, response=schemas.Region, status=201, idempotent=True)
    def create_region(self, call: Call) -> dict:
        return self.rpc.membership.create_region(call.caller, call.body, call.idempotency_key)

    @route("GET", "/api/v1/regions", "Regions the caller can see", TAG,
           response=schemas.Region, paginated=True)
    def list_regions(self, call: Call) -> dict:
        return self.rpc.membership.list_regions(call.caller, call.page)

    @route("GET", "/api/v1/regions/{region_id}", "One region", TAG, response=schemas.Region)
    def get_region(self, call: Call, region_id: str) -> dict:
        return self.rpc.membership.get_region(call.caller, region_id)

    @route("POST", "/api/v1/alliances", "Create an alliance or hub (coordinators)", TAG,
           body=schemas.AllianceCreate, response=schemas.Alliance, status=201, idempotent=True)
    def create_alliance(self, call: Call) -> dict:
        return self.rpc.membership.create_alliance(call.caller, call.body, call.idempotency_key)

    @route("GET", "/api/v1/alliances", "Alliances of the caller's region", TAG,
           response=schemas.Alliance, query=schemas.AllianceFilters, paginated=True)
    def list_alliances(self, call: Call) -> dict:
        return self.rpc.membership.list_alliances(call.caller, call.filters, call.page)

    @route("GET", "/api/v1/alliances/{alliance_id}", "One alliance", TAG, response=schemas.Alliance)
    def get_alliance(self, call: Call, alliance_id: str) -> dict:
        return self.rpc.membership.get_alliance(call.caller, alliance_id)

    @route("PATCH", "/api/v1/alliances/{alliance_id}",
           "Change an alliance's name or lead school (its admin or region) or kind (its region)", TAG,
           body=schemas.AllianceUpdate, response=schemas.Alliance)
    def update_alliance(self, call: Call, alliance_id: str) -> dict:
        return self.rpc.membership.update_alliance(call.caller, alliance_id, call.body)

    @route("PATCH", "/api/v1/schools/{urn}",
           "Change a school's register entry (its users or its region); open or closed (its region)", TAG,
           body=schemas.SchoolUpdate, response=schemas.School)
    def update_school(self, call: Call, urn: str) -> dict:
        return self.rpc.membership.update_school(call.caller, urn, call.body)

    @route("POST", "/api/v1/schools", "Register a school by its URN", TAG,
           body=schemas.SchoolCreate, response=schemas.School, status=201, idempotent=True)
    def register_school(self, call: Call) -> dict:
        return self.rpc.membership.register_school(call.caller, call.body, call.idempotency_key)

    @route("GET", "/api/v1/schools", "Search the register of schools", TAG,
           response=schemas.School, query=schemas.SchoolFilters, paginated=True)
    def list_schools(self, call: Call) -> dict:
        return self.rpc.membership.list_schools(call.caller, call.filters, call.page)

    @route("GET", "/api/v1/schools/{urn}", "One school", TAG, response=schemas.School)
    def get_school(self, call: Call, urn: str) -> dict:
        return self.rpc.membership.get_school(call.caller, urn)

    @route("POST", "/api/v1/alliances/{alliance_id}/members",
           "Add a member: active when the platform admin or the region's coordinator adds it; "
           "an alliance's invitation or a school's request is pending until the other side accepts", TAG,
           body=schemas.MembershipCreate, response=schemas.Membership, status=201, idempotent=True)
    def add_member(self, call: Call, alliance_id: str) -> dict:
        return self.rpc.membership.add_member(call.caller, alliance_id, call.body, call.idempotency_key)

    @route("GET", "/api/v1/alliances/{alliance_id}/members", "The alliance's members", TAG,
           response=schemas.Membership, query=schemas.MemberFilters, paginated=True)
    def list_members(self, call: Call, alliance_id: str) -> dict:
        return self.rpc.membership.list_members(call.caller, alliance_id, call.filters, call.page)

    @route("PATCH", "/api/v1/alliances/{alliance_id}/members/{urn}", "Change a member's tier", TAG,
           body=schemas.MembershipUpdate, response=schemas.Membership)
    def change_member_tier(self, call: Call, alliance_id: str, urn: str) -> dict:
        return self.rpc.membership.change_member_tier(call.caller, alliance_id, urn, call.body)

    @route("DELETE", "/api/v1/alliances/{alliance_id}/members/{urn}",
           "End a membership or withdraw a pending one (the alliance's admin or the school)", TAG,
           response=schemas.Membership)
    def end_membership(self, call: Call, alliance_id: str, urn: str) -> dict:
        return self.rpc.membership.end_membership(call.caller, alliance_id, urn)

    @route("POST", "/api/v1/alliances/{alliance_id}/members/{urn}/accept",
           "Accept a pending membership (the side that did not ask; the region for a school with no users)",
           TAG, response=schemas.Membership)
    def accept_membership(self, call: Call, alliance_id: str, urn: str) -> dict:
        return self.rpc.membership.accept_membership(call.caller, alliance_id, urn)

    @route("POST", "/api/v1/alliances/{alliance_id}/members/{urn}/decline",
           "Decline a pending membership (whoever may accept it)", TAG, response=schemas.Membership)
    def decline_membership(self, call: Call, alliance_id: str, urn: str) -> dict:
        return self.rpc.membership.decline_membership(call.caller, alliance_id, urn)

    @route("GET", "/api/v1/schools/{urn}/memberships",
           "A school's memberships and invitations, as far as the caller may see them", TAG,
           response=schemas.Membership, query=schemas.MemberFilters, paginated=True)
    def list_school_memberships(self, call: Call, urn: str) -> dict:
        return self.rpc.membership.list_school_memberships(call.caller, urn, call.filters, call.page)

    @route("POST", "/api/v1/system-leaders", "Designate a system leader (NLE, LLE, SLE)", TAG,
           body=schemas.SystemLeaderCreate, response=schemas.SystemLeader, status=201,
           idempotent=True)
    def designate_system_leader(self, call: Call) -> dict:
        return self.rpc.membership.designate_system_leader(call.caller, call.body, call.idempotency_key)

    @route("GET", "/api/v1/system-leaders", "System leaders of the region", TAG,
           response=schemas.SystemLeader, query=schemas.SystemLeaderFilters, paginated=True)
    def list_system_leaders(self, call: Call) -> dict:
        return self.rpc.membership.list_system_leaders(call.caller, call.filters, call.page)

    @route("GET", "/api/v1/system-leaders/{leader_id}", "One system leader of the region", TAG,
           response=schemas.SystemLeader)
    def get_system_leader(self, call: Call, leader_id: str) -> dict:
        return self.rpc.membership.get_system_leader(call.caller, leader_id)

    @route("PATCH", "/api/v1/system-leaders/{leader_id}",
           "Change a system leader's details or make them active or inactive (their home alliance)", TAG,
           body=schemas.SystemLeaderUpdate, response=schemas.SystemLeader)
    def update_system_leader(self, call: Call, leader_id: str) -> dict:
        return self.rpc.membership.update_system_leader(call.caller, leader_id, call.body)
