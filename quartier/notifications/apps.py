"""TENANT: the notification centre (stored notifications, preferences, live delivery)."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "quartier.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from quartier.notifications import live, push, sms, subscribers

        subscribers.register()
        live.register()
        push.register()
        sms.register()
