// The gateway's roles (services/chassis/scope.py), as the web app groups them.
export const PLATFORM_ADMIN = "platform_admin";
export const COORDINATOR = "regional_coordinator";
export const ALLIANCE_ADMIN = "alliance_admin";
export const ALLIANCE_STAFF = "alliance_staff";
export const SCHOOL_USER = "school_user";

export const EVERYONE = [PLATFORM_ADMIN, COORDINATOR, ALLIANCE_ADMIN, ALLIANCE_STAFF, SCHOOL_USER];
export const ALLIANCE = [ALLIANCE_ADMIN, ALLIANCE_STAFF];
export const REGION = [PLATFORM_ADMIN, COORDINATOR];

export const ROLE_NAMES = {
  [PLATFORM_ADMIN]: "Platform admin",
  [COORDINATOR]: "Regional coordinator",
  [ALLIANCE_ADMIN]: "Alliance admin",
  [ALLIANCE_STAFF]: "Alliance staff",
  [SCHOOL_USER]: "School staff",
};
