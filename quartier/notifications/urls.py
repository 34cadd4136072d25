from django.urls import path

from quartier.notifications import stream, views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read/", views.notifications_read_all, name="read-all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="read"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/preferences/quiet-hours/", views.quiet_hours, name="quiet-hours"),
    path("notifications/push/subscribe/", views.push_subscribe, name="push-subscribe"),
    path("notifications/push/unsubscribe/", views.push_unsubscribe, name="push-unsubscribe"),
    path(
        "notifications/push/devices/<int:pk>/remove/",
        views.push_device_remove,
        name="push-device-remove",
    ),
    path("sw.js", views.service_worker, name="service-worker"),
    path("events/stream/", stream.event_stream, name="stream"),
]
