"""The notifications service: entrypoints and dependencies only."""
from services.chassis.config import float_setting
from services.chassis.database import Database
from services.chassis.entrypoints import rpc
from services.chassis.inbox import idempotent_handler
from services.chassis.operations import ServiceOperations
from services.chassis.periodic import CLOCK, periodic
from services.chassis.request_pipeline import act, change, read
from services.chassis.validation import load
from services.courses import events as courses_events
from services.membership import events as membership_events
from services.notifications import batching, copies, fan_out, feed, schemas, smtp, webhook_delivery, webhooks
from services.notifications.routing import BOOKING_EVENTS, COURSE_EVENTS, MEMBERSHIP_EVENTS, REFERRAL_EVENTS
from services.support import events as support_events

COURSES_EVENTS = BOOKING_EVENTS + COURSE_EVENTS + ("course_updated", "course_cancelled", "attendance_recorded",
                                                   "course_completed")
SUPPORT_EVENTS = REFERRAL_EVENTS + ("referral_reviewed", "referral_closed", "referral_withdrawn",
                                    "deployment_logged")
MEMBERSHIP_NEWS = MEMBERSHIP_EVENTS + ("membership_requested", "membership_declined", "membership_changed",
                                       "system_leader_designated", "system_leader_updated")


def channels() -> dict:
    return {"email": smtp.channel(), "webhook": webhook_delivery.channel()}


def batch_seconds() -> float:
    """How often merged emails whose window closed are looked for (NOTIFY_BATCH_SECONDS, default 5)."""
    return float_setting("NOTIFY_BATCH_SECONDS", 5.0)


def digest_seconds() -> float:
    """How often digests due are looked for (NOTIFY_DIGEST_POLL_SECONDS, default 300)."""
    return float_setting("NOTIFY_DIGEST_POLL_SECONDS", 300.0)


class NotificationsService(ServiceOperations):
    name = "notifications"

    db = Database(channels=channels)

    @rpc
    def feed(self, scope, query=None):
        wanted = load(schemas.FeedQuery(), query or {})
        return read(self.db, scope, lambda tx, caller: feed.feed(tx, caller, wanted))

    @rpc
    def mark_read(self, scope, notification_id):
        return act(self.db, scope, lambda tx, caller: feed.mark_read(tx, caller, notification_id))

    @rpc
    def mark_all_read(self, scope):
        return act(self.db, scope, feed.mark_all_read)

    @rpc
    def get_preferences(self, scope):
        return read(self.db, scope, feed.get_preferences)

    @rpc
    def set_preferences(self, scope, data):
        return change(self.db, scope, schemas.Preferences(), data, feed.set_preferences)

    @rpc
    def create_webhook(self, scope, data, idempotency_key=None):
        return change(self.db, scope, schemas.WebhookCreate(), data, webhooks.create, idempotency_key,
                      "create_webhook")

    @rpc
    def list_webhooks(self, scope, filters=None, page=None):
        wanted = load(schemas.WebhookFilters(), filters or {})
        return read(self.db, scope, lambda tx, caller: webhooks.list_webhooks(tx, caller, wanted, page))

    @rpc
    def get_webhook(self, scope, webhook_id):
        return read(self.db, scope, lambda tx, caller: webhooks.get(tx, caller, webhook_id))

    @rpc
    def delete_webhook(self, scope, webhook_id):
        return act(self.db, scope, lambda tx, caller: webhooks.delete(tx, caller, webhook_id))

    @rpc
    def enable_webhook(self, scope, webhook_id):
        return act(self.db, scope, lambda tx, caller: webhooks.enable(tx, caller, webhook_id))

    @rpc
    def webhook_deliveries(self, scope, webhook_id, page=None):
        return read(self.db, scope, lambda tx, caller: webhooks.deliveries_of(tx, caller, webhook_id, page))

    @periodic("send_merged_mail", every=batch_seconds)
    def send_merged(self, tx, at):
        batching.send_merged(tx, at)

    @periodic("send_daily_digests", every=digest_seconds)
    def send_digests(self, tx, at):
        batching.send_digests(tx, at)

    @idempotent_handler(courses_events.CATALOGUE, COURSES_EVENTS)
    def on_course_event(self, tx, envelope):
        fan_out.notify(tx, envelope, CLOCK.now())
        webhooks.queue(tx, envelope)

    @idempotent_handler(support_events.CATALOGUE, SUPPORT_EVENTS)
    def on_support_event(self, tx, envelope):
        fan_out.notify(tx, envelope, CLOCK.now())
        webhooks.queue(tx, envelope)

    @idempotent_handler(membership_events.CATALOGUE, MEMBERSHIP_NEWS)
    def on_membership_event(self, tx, envelope):
        previous_status = None
        if envelope["event_type"].startswith("system_leader"):
            copies.keep_system_leader(tx, envelope)
        else:
            previous_status = copies.keep_membership(tx, envelope)
        fan_out.notify(tx, envelope, CLOCK.now(), previous_status)
        webhooks.queue(tx, envelope)

    @idempotent_handler(membership_events.CATALOGUE, ["user_created", "user_updated"])
    def on_user(self, tx, envelope):
        copies.keep_user(tx, envelope)

    @idempotent_handler(membership_events.CATALOGUE, ["alliance_created", "alliance_updated"])
    def on_alliance(self, tx, envelope):
        copies.keep_alliance(tx, envelope)
