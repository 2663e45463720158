"""The statuses of a referral and how each may change."""
from enum import StrEnum

from services.chassis.lifecycle import Lifecycle


class ReferralStatus(StrEnum):
    OPEN = "open"
    SHARED = "shared"
    MATCHED = "matched"
    ACTIVE = "active"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


S = ReferralStatus
REFERRAL = Lifecycle({
    S.OPEN: {S.SHARED, S.MATCHED, S.WITHDRAWN},
    S.SHARED: {S.MATCHED, S.WITHDRAWN},
    S.MATCHED: {S.ACTIVE, S.CLOSED, S.WITHDRAWN},
    S.ACTIVE: {S.CLOSED, S.WITHDRAWN},
    S.CLOSED: set(),
    S.WITHDRAWN: set(),
})
UNMATCHED = (S.OPEN.value, S.SHARED.value)  # what a time limit applies to
LIVE = (S.OPEN.value, S.SHARED.value, S.MATCHED.value, S.ACTIVE.value)
FINISHED = (S.CLOSED.value, S.WITHDRAWN.value)
SUPPORTED = (S.MATCHED.value, S.ACTIVE.value)  # a leader is deployed: more leaders and visits may be added
PRIORITIES = ("low", "medium", "high", "urgent")
SOURCES = ("local_authority", "self", "inspection", "alliance")
RAGS = ("red", "amber", "green")
OUTCOMES = ("improved", "sustained", "no_change", "escalated")
