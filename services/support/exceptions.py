"""Errors the support service raises; the gateway maps them by their base."""
from services.chassis.errors import Conflict


class WrongReferralState(Conflict):
    title = "Not possible in the referral's current state"


class NoConsentToShare(Conflict):
    title = "The school has not consented to sharing"


class NotEnoughDays(Conflict):
    title = "The system leader has too few days left"


class ConflictOfInterest(Conflict):
    title = "Conflict of interest"


class AlreadyDeployed(Conflict):
    title = "The system leader is already deployed on this referral"


class LeaderUnavailable(Conflict):
    title = "The system leader is not available"
