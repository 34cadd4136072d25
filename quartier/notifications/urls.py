from django.urls import path

from quartier.notifications import stream, views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read/", views.notifications_read_all, name="read-all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="read"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("events/stream/", stream.event_stream, name="stream"),
]
