"""Event contracts: the payload each event type carries, versioned, declared by its publisher.

A service's ``events.py`` declares an ``EventCatalogue`` of ``EventContract``s
with schemas of their own (never its HTTP response schemas, so changing an
API cannot silently change an event). Publishing dumps the record through the
newest contract of its type and stamps its ``schema_version``; a change that
breaks consumers is a new version beside the old one, never an edit of it.
Consumers check an event against the publisher's catalogue (a schema they
import, not a call) before applying it: an unknown type or version, or a
payload that does not load, is a reason to park the event untouched.
"""
from dataclasses import dataclass
from typing import Iterable

from marshmallow import EXCLUDE, Schema, ValidationError

from services.chassis import outbox
from services.chassis.envelope import EnvelopeSchema
from services.chassis.transaction import Transaction

_ENVELOPE = EnvelopeSchema()


@dataclass(frozen=True)
class EventContract:
    event_type: str
    version: int
    schema: Schema
    summary: str


class EventCatalogue:
    """Every event one service publishes, each type in one or more versions."""

    def __init__(self, source: str, contracts: Iterable[EventContract]) -> None:
        self.source = source
        self.contracts = {(c.event_type, c.version): c for c in contracts}
        self.newest = {}
        for contract in sorted(self.contracts.values(), key=lambda c: c.version):
            self.newest[contract.event_type] = contract

    @property
    def event_types(self) -> list[str]:
        return sorted(self.newest)

    def emit(self, tx: Transaction, event_type: str, record: dict, *,
             region_id: str | None = None, alliance_id: str | None = None) -> dict:
        """Write ``event_type`` with ``record`` shaped by its newest contract into the outbox."""
        contract = self.newest[event_type]
        return outbox.add(tx, self.source, event_type, contract.schema.dump(record),
                          region_id=region_id, alliance_id=alliance_id, schema_version=contract.version)

    def why_refused(self, envelope: dict) -> str | None:
        """Why a consumer must not apply this event (None when it may)."""
        errors = _ENVELOPE.validate(envelope)
        if errors:
            return f"the envelope does not validate: {errors}"
        key = (envelope["event_type"], envelope["schema_version"])
        if envelope["source"] != self.source or key not in self.contracts:
            return (f"unknown event {envelope['source']}.{envelope['event_type']} "
                    f"version {envelope['schema_version']}")
        try:
            self.contracts[key].schema.load(envelope["data"], unknown=EXCLUDE)
        except ValidationError as exc:
            return f"the payload does not match its contract: {exc.normalized_messages()}"
        return None


def envelope_refused(envelope: dict) -> str | None:
    """Why an event without a known catalogue must not be applied (its envelope is broken)."""
    errors = _ENVELOPE.validate(envelope) if isinstance(envelope, dict) else {"_schema": ["not an object"]}
    return f"the envelope does not validate: {errors}" if errors else None
