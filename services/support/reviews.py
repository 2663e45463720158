"""Reviews of a referral: a RAG rating and a note, on the timeline."""
import sqlalchemy as sa

from services.chassis.scope import CallerScope
from services.chassis.transaction import Transaction
from services.support import schemas, timeline
from services.support.events import emit
from services.support.exceptions import WrongReferralState
from services.support.lifecycle import FINISHED
from services.support.models import reviews
from services.support.referrals import TRIAGERS, require_readable, with_school
from services.support.visibility import supported_by

REVIEW = schemas.Review()


def add_review(tx: Transaction, caller: CallerScope, referral_id: str, data: dict) -> dict:
    caller.require(*TRIAGERS)
    referral = require_readable(tx, caller, referral_id, supported_by(caller), lock=True)
    if referral["status"] in FINISHED:
        raise WrongReferralState(f"the referral is {referral['status']}")
    review = tx.execute(sa.insert(reviews).values(referral_id=referral_id, reviewed_by=caller.user_id, **data)
                        .returning(*reviews.c)).mappings().one()
    timeline.record(tx, referral_id, caller, "reviewed", rag=data["rag"], review_id=review["id"])
    view = with_school(tx, referral)
    emit(tx, "referral_reviewed", {**view, "rag": data["rag"]}, view)
    return REVIEW.dump(dict(review))
