"""Whether a token's user is still active, asked of membership at most once per user per TTL.

A token stays valid until it expires; this is how a deactivated (or removed)
user loses access sooner: within ``ACTIVE_USER_CACHE_SECONDS`` (30). Each
gateway process keeps its own answers, so a rush of many requests by one
user costs one RPC per TTL. While membership cannot answer, the last answer
stands, or the user counts as active: a signed token is still proof, and
the other services keep working without membership.
"""
import logging
import time
from collections import OrderedDict
from typing import Any

from gateway.clients import ServiceTimeout, ServiceUnavailable
from services.chassis.config import float_setting

log = logging.getLogger(__name__)
CACHE_SIZE = 10_000
_answers: OrderedDict[str, tuple[bool, float]] = OrderedDict()  # user id -> (active, fresh until)


def is_active(user_id: str, rpc: Any) -> bool:
    known = _answers.get(user_id)
    now = time.monotonic()
    if known is not None and known[1] > now:
        return known[0]
    try:
        active = bool(rpc.membership.user_is_active(user_id))
    except (ServiceUnavailable, ServiceTimeout) as exc:
        log.warning("cannot check whether user %s is active: %s", user_id, exc.detail)
        return known[0] if known is not None else True
    remember(user_id, active, now + float_setting("ACTIVE_USER_CACHE_SECONDS", 30.0))
    return active


def remember(user_id: str, active: bool, fresh_until: float) -> None:
    _answers[user_id] = (active, fresh_until)
    _answers.move_to_end(user_id)
    if len(_answers) > CACHE_SIZE:
        _answers.popitem(last=False)
