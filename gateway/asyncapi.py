"""The AsyncAPI 3 document of every event the services publish, generated from their contracts.

Each service in the registry declares its events in ``services/<name>/events.py``
(an ``EventCatalogue``); each event type and version becomes a message on the
channel of its routing key on the topic exchange ``<service>.events``, its
payload the envelope with ``data`` described by the contract's schema.
"""
from functools import lru_cache
from importlib import import_module

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from services.chassis.envelope import EnvelopeSchema
from services.chassis.event_contracts import EventCatalogue, EventContract
from services.registry import SERVICES


def catalogues() -> list[EventCatalogue]:
    """The event catalogue of every service in the registry that publishes events."""
    found = []
    for entry in SERVICES:
        try:
            module = import_module(f"{entry.package}.events")
        except ModuleNotFoundError:
            continue
        found.append(module.CATALOGUE)
    return found


def _message(contract: EventContract, envelope: dict, payload: dict) -> dict:
    properties = {**envelope["properties"], "data": payload,
                  "event_type": {"type": "string", "const": contract.event_type},
                  "schema_version": {"type": "integer", "const": contract.version}}
    return {"name": contract.event_type, "title": f"{contract.event_type} v{contract.version}",
            "summary": contract.summary, "contentType": "application/json",
            "payload": {**envelope, "properties": properties}}


@lru_cache(maxsize=1)
def document() -> dict:
    plugin = MarshmallowPlugin()
    schemas = APISpec("events", "1", "3.1.0", plugins=[plugin])  # 3.1: plain JSON Schema, as AsyncAPI 3
    envelope = plugin.converter.schema2jsonschema(EnvelopeSchema)
    channels, operations, messages = {}, {}, {}
    for catalogue in catalogues():
        exchange = f"{catalogue.source}.events"
        for contract in sorted(catalogue.contracts.values(), key=lambda c: (c.event_type, c.version)):
            key = f"{contract.event_type}.v{contract.version}"
            messages[key] = _message(contract, envelope, plugin.converter.schema2jsonschema(contract.schema))
            channel = channels.setdefault(f"{catalogue.source}.{contract.event_type}", {
                "address": contract.event_type, "messages": {},
                "bindings": {"amqp": {"is": "routingKey", "exchange": {
                    "name": exchange, "type": "topic", "durable": True, "vhost": "/"}}}})
            channel["messages"][key] = {"$ref": f"#/components/messages/{key}"}
    for name, channel in channels.items():
        operations[f"publish.{name}"] = {
            "action": "send", "channel": {"$ref": f"#/channels/{name}"},
            "messages": [{"$ref": f"#/channels/{name}/messages/{key}"} for key in channel["messages"]]}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Alliance Network events", "version": "1.0.0",
                 "description": "Every event the services publish through their outboxes, with its contract. "
                                "A breaking change is a new schema_version beside the old one."},
        "defaultContentType": "application/json",
        "channels": channels, "operations": operations,
        "components": {"messages": messages, "schemas": schemas.to_dict().get("components", {}).get("schemas", {})},
    }
