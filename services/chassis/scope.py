"""The caller's scope: who is asking, and which tenant they belong to.

The gateway builds it from the bearer token; services receive it as a plain
dict on every RPC and filter their queries by it.
"""
from dataclasses import asdict, dataclass
from enum import Enum

from services.chassis.errors import Forbidden, Unauthorized


class Role(str, Enum):
    PLATFORM_ADMIN = "platform_admin"
    REGIONAL_COORDINATOR = "regional_coordinator"
    ALLIANCE_ADMIN = "alliance_admin"
    ALLIANCE_STAFF = "alliance_staff"
    SCHOOL_USER = "school_user"


ALLIANCE_ROLES = (Role.ALLIANCE_ADMIN, Role.ALLIANCE_STAFF)


@dataclass(frozen=True)
class CallerScope:
    user_id: str
    role: Role
    region_id: str | None = None
    alliance_id: str | None = None
    school_urn: str | None = None

    @classmethod
    def from_dict(cls, data: dict | None) -> "CallerScope":
        if not data or "role" not in data or "user_id" not in data:
            raise Unauthorized("no caller scope")
        try:
            role = Role(data["role"])
        except ValueError:
            raise Unauthorized("unknown role")
        return cls(
            user_id=str(data["user_id"]),
            role=role,
            region_id=data.get("region_id"),
            alliance_id=data.get("alliance_id"),
            school_urn=data.get("school_urn"),
        )

    def to_dict(self) -> dict:
        data = asdict(self)
        data["role"] = self.role.value
        return data

    @property
    def is_admin(self) -> bool:
        return self.role is Role.PLATFORM_ADMIN

    @property
    def is_coordinator(self) -> bool:
        return self.role is Role.REGIONAL_COORDINATOR

    @property
    def is_alliance_user(self) -> bool:
        return self.role in ALLIANCE_ROLES

    def require(self, *roles: Role) -> None:
        """Raise Forbidden unless the caller holds one of ``roles``.

        The platform admin may do everything, so it always passes.
        """
        if self.role is Role.PLATFORM_ADMIN or self.role in roles:
            return
        raise Forbidden(f"the {self.role.value} role may not do this")


SYSTEM = CallerScope(user_id="system", role=Role.PLATFORM_ADMIN)
