"""Errors the notifications service raises; the gateway maps them by their base."""
from services.chassis.errors import ValidationFailed


class WebhookTargetRefused(ValidationFailed):
    title = "The webhook URL is not allowed"
