"""Event contracts: versioned payloads of their own, checked by consumers, published as AsyncAPI."""
import re
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from gateway.asyncapi import catalogues, document
from services.chassis.envelope import make_envelope
from services.courses.events import CATALOGUE as COURSES
from services.membership.events import CATALOGUE as MEMBERSHIP
from services.registry import names
from services.support.events import CATALOGUE as SUPPORT

ARCHITECTURE = Path(__file__).resolve().parents[3] / "shared" / "ARCHITECTURE.md"
ID = str(uuid.uuid4())
AT = datetime(2026, 11, 24, 10, tzinfo=timezone.utc)


def architecture_catalogue() -> dict[str, set[str]]:
    if not ARCHITECTURE.exists():
        pytest.fail(f"{ARCHITECTURE} is missing: shared/ lies beside the project's checkout")
    text = ARCHITECTURE.read_text()
    section = text[text.index("The catalogue"):text.index("Each event type has")]
    return {service: set(re.findall(r"`(\w+)`", names))
            for service, names in re.findall(r"^- (\w+): (.*?)(?=^- |\Z)", section, flags=re.S | re.M)}


def test_every_event_architecture_names_for_a_built_service_is_in_the_asyncapi_document():
    published = {message["name"] for message in document()["components"]["messages"].values()}
    catalogue = architecture_catalogue()
    assert set(catalogue) >= {"membership", "courses", "support", "notifications"}
    for service, events in catalogue.items():
        if service in names():
            assert events - published == set(), service
    assert {c.source for c in catalogues()} == set(names()) & set(catalogue)


def test_contracts_are_their_own_schemas_never_the_http_ones():
    for catalogue in (MEMBERSHIP, COURSES, SUPPORT):
        for contract in catalogue.contracts.values():
            assert type(contract.schema).__module__.endswith(".events"), contract.event_type


SAMPLES = {
    "RegionV1": {"id": ID, "name": "EMSYH", "code": "EMSYH"},
    "AllianceV1": {"id": ID, "region_id": ID, "name": "Affinity", "kind": "teaching_school_hub",
                   "lead_school_urn": None},
    "SchoolV1": {"urn": "100001", "name": "A School", "local_authority": "Leicester", "phase": "primary",
                 "school_type": None, "trust": None, "postcode": None, "status": "open"},
    "MembershipV1": {"id": ID, "alliance_id": ID, "region_id": ID, "school_urn": "100001", "tier": "lead",
                     "status": "active", "requested_by": "alliance", "school_name": "A School"},
    "SystemLeaderV1": {"id": ID, "name": "Sam", "email": "sam@x.test", "designation": "SLE", "school_urn": "100001",
                       "trust": None, "alliance_id": ID, "region_id": ID, "specialisms": ["maths"],
                       "phases": ["primary"], "days_available": 5, "status": "active"},
    "UserV1": {"id": ID, "email": "u@x.test", "name": "U", "role": "school_user", "region_id": None,
               "alliance_id": None, "school_urn": "100001", "deactivated_at": None},
    "CourseV1": {"id": ID, "alliance_id": ID, "region_id": ID, "title": "NPQ", "programme": "npq", "area": "npq",
                 "visibility": "region", "capacity": 10, "price_member_pence": 0, "price_non_member_pence": 100,
                 "booking_closes_at": None, "cancellation_deadline_days": 7, "status": "published",
                 "confirmed_count": 3, "waitlist_count": 0, "starts_at": AT, "sessions": []},
    "BookingV1": {"id": ID, "course_id": ID, "course_title": "NPQ", "alliance_id": ID, "region_id": ID,
                  "school_urn": "100001", "school_name": "A School", "participant_name": "P",
                  "participant_email": "p@x.test", "participant_role": None, "status": "confirmed",
                  "price_pence": 100, "member_price": False, "waitlist_position": None, "fee_pence": None,
                  "cancel_reason": None},
    "AttendanceV1": {"course_id": ID, "session_index": 0, "attended": [ID]},
}
REFERRAL = {"id": ID, "school_urn": "100001", "school_name": "A School", "alliance_id": ID, "region_id": ID,
            "need_areas": ["maths"], "priority": "high", "source": "self", "status": "open",
            "consent_to_share": True, "received_on": date(2026, 11, 24), "match_due_on": date(2026, 12, 1),
            "opened_at": AT, "outcome": None, "summary": "never on the bus"}
DEPLOYMENT = {"id": ID, "system_leader_id": ID, "leader_alliance_id": ID, "cross_alliance": True, "days": 3,
              "days_used": 1, "academic_year": 2026}
SAMPLES.update({
    "ReferralV1": REFERRAL,
    "ReferralMatchedV1": {**REFERRAL, "status": "matched", "deployment": DEPLOYMENT},
    "ReferralReviewedV1": {**REFERRAL, "rag": "amber"},
    "DeploymentLoggedV1": {"referral_id": ID, "region_id": ID, "alliance_id": ID, "deployment": DEPLOYMENT,
                           "visited_on": date(2026, 11, 24), "days_used": 1},
})


def test_a_referrals_summary_never_leaves_support():
    for event_type in SUPPORT.event_types:
        contract = SUPPORT.newest[event_type]
        assert "summary" not in contract.schema.dump(SAMPLES[type(contract.schema).__name__]), event_type


@pytest.mark.parametrize("catalogue, event_type",
                         [(c, t) for c in (MEMBERSHIP, COURSES, SUPPORT) for t in c.event_types])
def test_what_a_publisher_emits_passes_its_own_contract(catalogue, event_type):
    contract = catalogue.newest[event_type]
    data = contract.schema.dump(SAMPLES[type(contract.schema).__name__])
    envelope = make_envelope(catalogue.source, event_type, data, schema_version=contract.version)
    assert catalogue.why_refused(envelope) is None


def test_a_consumer_refuses_an_unknown_version_a_broken_payload_or_envelope():
    data = MEMBERSHIP.newest["membership_started"].schema.dump(SAMPLES["MembershipV1"])
    assert "version 2" in MEMBERSHIP.why_refused(make_envelope("membership", "membership_started", data,
                                                                schema_version=2))
    assert "unknown event" in MEMBERSHIP.why_refused(make_envelope("membership", "membership_vanished", data))
    assert "unknown event" in MEMBERSHIP.why_refused(make_envelope("courses", "membership_started", data))
    broken = {**data, "tier": 7}
    assert "tier" in MEMBERSHIP.why_refused(make_envelope("membership", "membership_started", broken))
    envelope = make_envelope("membership", "membership_started", data)
    del envelope["event_id"]
    assert "envelope" in MEMBERSHIP.why_refused(envelope)
    added = make_envelope("membership", "membership_started", {**data, "a_new_field": 1})
    assert MEMBERSHIP.why_refused(added) is None  # an added field is a compatible change
