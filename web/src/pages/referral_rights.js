// Which actions to offer on a referral, as services/support/visibility.py decides them.
// Only to hide buttons that would be refused: the API checks every action again.
import { ALLIANCE_ADMIN, ALLIANCE_STAFF, COORDINATOR, PLATFORM_ADMIN, SCHOOL_USER } from "../roles.js";

const FINISHED = ["closed", "withdrawn"];
const SUPPORTED = ["matched", "active"];
const isAllianceUser = (scope) => scope.role === ALLIANCE_ADMIN || scope.role === ALLIANCE_STAFF;

// Triage (share, match, assign, close): its home alliance, its region's coordinator, the platform admin.
export function manages({ scope }, referral) {
  if (scope.role === PLATFORM_ADMIN) return true;
  if (scope.role === COORDINATOR) return scope.region_id === referral.region_id;
  return isAllianceUser(scope) && scope.alliance_id === referral.alliance_id;
}

// Visits and reviews: those who manage it, and the alliances whose leaders are deployed on it.
function supports(me, referral) {
  return manages(me, referral) || (isAllianceUser(me.scope)
    && (referral.deployments || []).some((d) => d.leader_alliance_id === me.scope.alliance_id));
}

// Consent and withdrawal: those who manage it, and the school itself.
function speaksForSchool(me, referral) {
  return (me.scope.role === SCHOOL_USER && me.scope.school_urn === referral.school_urn) || manages(me, referral);
}

export function actionsFor(me, referral) {
  const live = !FINISHED.includes(referral.status);
  const manager = manages(me, referral);
  return {
    consent: live && !referral.consent_to_share && speaksForSchool(me, referral),
    share: manager && referral.status === "open",
    assign: manager && live,
    visit: supports(me, referral) && SUPPORTED.includes(referral.status),
    review: supports(me, referral) && live,
    close: manager && SUPPORTED.includes(referral.status),
    withdraw: live && speaksForSchool(me, referral),
  };
}
