"""The caller's notifications and email preference; alliances' webhooks and their delivery logs."""
from gateway.http import Call, route
from services.notifications import schemas

TAG = "Notifications"


class NotificationsRoutes:
    @route("GET", "/api/v1/notifications", "The caller's notifications, newest first, with the unread count", TAG,
           response=schemas.Feed, query=schemas.FeedQuery)
    def notifications_feed(self, call: Call) -> dict:
        return self.rpc.notifications.feed(call.caller, call.filters)

    @route("POST", "/api/v1/notifications/{notification_id}/read", "Mark one of the caller's notifications read",
           TAG, response=schemas.Notification)
    def mark_notification_read(self, call: Call, notification_id: str) -> dict:
        return self.rpc.notifications.mark_read(call.caller, notification_id)

    @route("POST", "/api/v1/notifications/read-all", "Mark all the caller's notifications read", TAG,
           response=schemas.ReadAll)
    def mark_all_notifications_read(self, call: Call) -> dict:
        return self.rpc.notifications.mark_all_read(call.caller)

    @route("GET", "/api/v1/notification-preferences", "The caller's email preference", TAG,
           response=schemas.Preferences)
    def notification_preferences(self, call: Call) -> dict:
        return self.rpc.notifications.get_preferences(call.caller)

    @route("PUT", "/api/v1/notification-preferences",
           "Email as things happen, in one daily summary, or not at all (the feed keeps everything)", TAG,
           body=schemas.Preferences, response=schemas.Preferences)
    def set_notification_preferences(self, call: Call) -> dict:
        return self.rpc.notifications.set_preferences(call.caller, call.body)

    @route("POST", "/api/v1/webhooks", "Register a webhook for an alliance (its admins); the secret is shown once",
           TAG, body=schemas.WebhookCreate, response=schemas.WebhookCreated, status=201, idempotent=True)
    def create_webhook(self, call: Call) -> dict:
        return self.rpc.notifications.create_webhook(call.caller, call.body, call.idempotency_key)

    @route("GET", "/api/v1/webhooks", "Webhooks of the caller's alliance", TAG,
           response=schemas.Webhook, query=schemas.WebhookFilters, paginated=True)
    def list_webhooks(self, call: Call) -> dict:
        return self.rpc.notifications.list_webhooks(call.caller, call.filters, call.page)

    @route("GET", "/api/v1/webhooks/{webhook_id}", "One webhook (without its secret)", TAG,
           response=schemas.Webhook)
    def get_webhook(self, call: Call, webhook_id: str) -> dict:
        return self.rpc.notifications.get_webhook(call.caller, webhook_id)

    @route("DELETE", "/api/v1/webhooks/{webhook_id}", "Stop a webhook: nothing more is delivered to it", TAG,
           response=schemas.Webhook)
    def delete_webhook(self, call: Call, webhook_id: str) -> dict:
        return self.rpc.notifications.delete_webhook(call.caller, webhook_id)

    @route("POST", "/api/v1/webhooks/{webhook_id}/enable", "Turn a disabled webhook on again", TAG,
           response=schemas.Webhook)
    def enable_webhook(self, call: Call, webhook_id: str) -> dict:
        return self.rpc.notifications.enable_webhook(call.caller, webhook_id)

    @route("GET", "/api/v1/webhooks/{webhook_id}/deliveries",
           "The webhook's deliveries: status, attempts, last response code", TAG,
           response=schemas.WebhookDelivery, paginated=True)
    def webhook_deliveries(self, call: Call, webhook_id: str) -> dict:
        return self.rpc.notifications.webhook_deliveries(call.caller, webhook_id, call.page)
