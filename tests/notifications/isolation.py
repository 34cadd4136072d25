"""The notification centre's pages and stream in the isolation matrix (tests/tenancy/matrix.py).

Pages without an id answer B's user with B's own notifications: the check there is that
A's marker never shows and A's rows never change.
"""

from quartier.notifications.models import Notification, NotificationPreference
from quartier.notifications.services import notifications_create
from tests.tenancy.matrix import AGAIN, MARKER, Endpoint


def _notification(handle):
    (notification,) = notifications_create(
        recipient_ids=[handle.users["customer"].pk],
        kind="message_received",
        url=f"/bookings/1/?{MARKER}",
    )
    return {"pk": notification.pk, "marker": MARKER}


def _unread(handle):
    with handle.context():
        return sorted(
            Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)
        )


def _preferences(handle):
    with handle.context():
        return sorted(NotificationPreference.objects.values_list("user_id", "kind", "channel"))


ENDPOINTS = [
    Endpoint(
        "notifications/",
        actor="customer",
        make=_notification,
        is_api=False,
        cross=200,
        grow=AGAIN,
    ),
    Endpoint(
        "notifications/<int:pk>/read/",
        method="post",
        actor="customer",
        path="/notifications/{pk}/read/",
        make=_notification,
        is_api=False,
        ok=302,
        state=_unread,
    ),
    Endpoint(
        "notifications/read/",
        method="post",
        actor="customer",
        make=_notification,
        is_api=False,
        ok=302,
        cross=302,
        state=_unread,
    ),
    Endpoint(
        "notifications/preferences/",
        actor="customer",
        is_api=False,
        cross=200,
    ),
    Endpoint(
        "notifications/preferences/",
        method="post",
        actor="customer",
        is_api=False,
        body=lambda params: {"enabled": ["message_received:in_app"]},
        ok=302,
        cross=302,
        state=_preferences,
        label="save",
    ),
    # Under WSGI (the test client) the stream answers what was missed and closes.
    Endpoint(
        "events/stream/",
        actor="customer",
        make=_notification,
        is_api=False,
        cross=200,
    ),
]
