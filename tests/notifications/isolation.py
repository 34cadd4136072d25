"""The notification centre's pages and stream in the isolation matrix (tests/tenancy/matrix.py).

Pages without an id answer B's user with B's own notifications: the check there is that
A's marker never shows and A's rows never change.
"""

from quartier.notifications.models import Notification, NotificationPreference, PushSubscription
from quartier.notifications.services import notifications_create, push_subscription_save
from tests.notifications.push_service import Device
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


def _quiet_hours(handle):
    from quartier.notifications.models import QuietHours

    with handle.context():
        return sorted(QuietHours.objects.values_list("user_id", "start", "end"))


def _a_quiet_time(handle):
    from datetime import time

    from quartier.notifications.services import quiet_hours_set

    quiet_hours_set(user=handle.users["customer"], start=time(21), end=time(6))
    return {}


# A public address literal: valid without the test-only loopback setting, never contacted.
PUSH_ENDPOINT = "https://8.8.8.8/push/" + MARKER


def _subscription_body(params):
    device = Device()
    return {"endpoint": PUSH_ENDPOINT, "p256dh": device.p256dh, "auth": device.auth}


def _subscription(handle):
    device = Device()
    subscription = push_subscription_save(
        user=handle.users["provider"],
        endpoint=PUSH_ENDPOINT,
        p256dh=device.p256dh,
        auth=device.auth,
    )
    return {"pk": subscription.pk, "endpoint": subscription.endpoint}


def _subscriptions(handle):
    with handle.context():
        return sorted(PushSubscription.objects.values_list("pk", "user_id", "endpoint", "p256dh"))


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
    Endpoint(
        "notifications/preferences/quiet-hours/",
        method="post",
        actor="customer",
        is_api=False,
        make=_a_quiet_time,
        body=lambda params: {"start": "22:00", "end": "07:00"},
        ok=302,
        cross=302,  # B's customer sets their own; A's stay
        state=_quiet_hours,
    ),
    # Under WSGI (the test client) the stream answers what was missed and closes.
    Endpoint(
        "events/stream/",
        actor="customer",
        make=_notification,
        is_api=False,
        cross=200,
    ),
    Endpoint(
        "notifications/push/subscribe/",
        method="post",
        actor="provider",
        is_api=False,
        make=_subscription,
        body=_subscription_body,
        ok=201,
        cross=201,  # B's user subscribes in B; A's row (same endpoint) stays A's
        state=_subscriptions,
    ),
    Endpoint(
        "notifications/push/unsubscribe/",
        method="post",
        actor="provider",
        is_api=False,
        make=_subscription,
        body=lambda params: {"endpoint": params["endpoint"]},
        cross=200,
        state=_subscriptions,
    ),
    Endpoint(
        "notifications/push/devices/<int:pk>/remove/",
        method="post",
        actor="provider",
        path="/notifications/push/devices/{pk}/remove/",
        is_api=False,
        make=_subscription,
        ok=302,
        state=_subscriptions,
    ),
    Endpoint("sw.js", is_api=False, cross=200),
]
