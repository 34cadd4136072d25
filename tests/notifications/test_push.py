"""Web Push end to end: a subscription made through the settings page's endpoint, a
notification delivered by the outbox with pywebpush to a local push service that checks
the VAPID signature and decrypts the payload; gone subscriptions removed; bad input."""

import json

import pytest
from django.conf import settings as django_settings

from quartier.notifications.models import PushSubscription
from quartier.notifications.services import (
    notification_preferences_set,
    notifications_create,
)
from quartier.outbox.models import OutboxMessage
from quartier.outbox.services import outbox_dispatch
from tests.notifications.push_service import Device, PushService


@pytest.fixture
def push_service(settings):
    settings.WEB_PUSH_ALLOW_PRIVATE = True  # the stand-in runs on plain http, on loopback
    with PushService(django_settings.WEB_PUSH_VAPID_PUBLIC_KEY) as service:
        yield service


def _subscribe(client, endpoint: str, device: Device):
    return client.post(
        "/notifications/push/subscribe/",
        json.dumps({"endpoint": endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}}),
        content_type="application/json",
    )


def _notify(handle, role="provider", url="/workspace/broadcasts/7/"):
    with handle.context():
        (notification,) = notifications_create(
            recipient_ids=[handle.users[role].pk], kind="broadcast_invite", url=url
        )
        outbox_dispatch()
        return notification


def _push_rows(handle):
    with handle.context():
        return list(
            OutboxMessage.objects.filter(kind="notifications.push").values_list(
                "status", "attempts"
            )
        )


def test_a_notification_reaches_each_device_signed_and_encrypted(tenant_a, push_service):
    client = tenant_a.session_client("provider")
    phone = push_service.endpoint_for("phone")
    laptop = push_service.endpoint_for("laptop")

    answers = [_subscribe(client, *phone), _subscribe(client, *laptop)]
    notification = _notify(tenant_a)

    assert [answer.status_code for answer in answers] == [201, 201]
    assert push_service.refused == []
    assert sorted(delivery.path for delivery in push_service.delivered) == [
        "/push/laptop",
        "/push/phone",
    ]
    for delivery in push_service.delivered:
        assert delivery.message == {
            "title": "Urgent request near you",
            "body": "Tap to open.",
            "url": "/workspace/broadcasts/7/",
            "tag": f"{tenant_a.tenant.schema_name}-{notification.pk}",
        }
        assert delivery.claims["sub"] == django_settings.WEB_PUSH_SUBJECT
        assert delivery.headers["urgency"] == "high"
    assert _push_rows(tenant_a) == [("sent", 1), ("sent", 1)]
    with tenant_a.context():
        assert all(PushSubscription.objects.values_list("last_sent_at", flat=True))


def test_the_stand_in_refuses_a_forged_signature(push_service):
    """The check the test above relies on can fail: a JWT signed by another key,
    presented under the platform's public key."""
    from py_vapid import Vapid
    from pywebpush import WebPusher

    endpoint, device = push_service.endpoint_for("phone")
    forger = Vapid()
    forger.generate_keys()
    headers = forger.sign({"sub": "mailto:x@example.com", "aud": push_service.origin})
    token = headers["Authorization"].split("t=")[1].split(",")[0]
    headers["Authorization"] = f"vapid t={token}, k={django_settings.WEB_PUSH_VAPID_PUBLIC_KEY}"

    response = WebPusher(
        {"endpoint": endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}}
    ).send("{}", headers, ttl=60)

    assert response.status_code == 401
    assert push_service.refused == ["vapid: bad signature"]
    assert push_service.delivered == []


def test_a_gone_subscription_is_removed_and_a_failing_one_retried(tenant_a, push_service):
    client = tenant_a.session_client("provider")
    assert _subscribe(client, *push_service.endpoint_for("phone")).status_code == 201

    push_service.answer = 500
    _notify(tenant_a)
    with tenant_a.context():
        kept = PushSubscription.objects.count()
        retried = list(
            OutboxMessage.objects.filter(kind="notifications.push").values_list(
                "status", "last_error"
            )
        )
    push_service.answer = 410
    _notify(tenant_a)

    assert kept == 1
    assert [(status, "500" in error) for status, error in retried] == [("pending", True)]
    with tenant_a.context():
        assert not PushSubscription.objects.exists()
        newest = OutboxMessage.objects.filter(kind="notifications.push").latest("pk")
        assert newest.status == "sent"  # a 410 is an answer, not a failure to retry


def test_push_follows_the_users_preference(tenant_a, push_service):
    client = tenant_a.session_client("provider")
    _subscribe(client, *push_service.endpoint_for("phone"))
    with tenant_a.context():
        notification_preferences_set(
            user=tenant_a.users["provider"],
            enabled={("broadcast_invite", "in_app"), ("broadcast_invite", "live")},
        )

    _notify(tenant_a)
    _notify(tenant_a, role="customer")  # subscribed nowhere: nothing to push

    assert _push_rows(tenant_a) == []
    assert push_service.delivered == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"endpoint": "http://push.example.com/x"}, "endpoint"),
        ({"endpoint": "https://127.0.0.1/x"}, "endpoint"),
        ({"endpoint": "https://10.1.2.3/x"}, "endpoint"),
        ({"endpoint": "https://[::1]/x"}, "endpoint"),
        ({"endpoint": "https://localhost/x"}, "endpoint"),
        ({"endpoint": "ftp://8.8.8.8/x"}, "endpoint"),
        ({"endpoint": ""}, "endpoint"),
        ({"p256dh": "not-a-key"}, "p256dh"),
        ({"p256dh": "BBBB"}, "p256dh"),
        ({"auth": "c2hvcnQ"}, "auth"),
        ({"auth": 17}, "auth"),
    ],
)
def test_an_unusable_subscription_is_refused_naming_the_field(tenant_a, settings, body, field):
    settings.WEB_PUSH_ALLOW_PRIVATE = False
    device = Device()
    subscription = {
        "endpoint": "https://8.8.8.8/push/abc",
        "keys": {"p256dh": device.p256dh, "auth": device.auth},
    }
    for name, value in body.items():
        if name == "endpoint":
            subscription["endpoint"] = value
        else:
            subscription["keys"][name] = value

    answer = tenant_a.session_client("provider").post(
        "/notifications/push/subscribe/", json.dumps(subscription), content_type="application/json"
    )

    assert answer.status_code == 400
    assert list(answer.json()["fields"]) == [field]
    with tenant_a.context():
        assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe"])
def test_a_body_that_is_no_subscription_is_a_400(tenant_a, raw):
    answer = tenant_a.session_client("provider").post(
        "/notifications/push/subscribe/", raw, content_type="application/json"
    )

    assert answer.status_code == 400
    assert list(answer.json()["fields"]) == ["endpoint"]


def test_signed_out_and_get_requests_are_refused(tenant_a):
    anonymous = tenant_a.client().post("/notifications/push/subscribe/", {})
    read = tenant_a.session_client("provider").get("/notifications/push/subscribe/")

    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert read.status_code == 405


def test_the_settings_page_lists_devices_and_removes_one_without_javascript(
    tenant_a, tenant_b, push_service
):
    provider = tenant_a.session_client("provider")
    _subscribe(provider, *push_service.endpoint_for("phone"))
    with tenant_a.context():
        device = PushSubscription.objects.get()

    page = provider.get("/notifications/preferences/").content.decode()
    someone_else = tenant_a.session_client("customer").post(
        f"/notifications/push/devices/{device.pk}/remove/"
    )
    removed = provider.post(f"/notifications/push/devices/{device.pk}/remove/")

    assert 'data-push data-key="' + django_settings.WEB_PUSH_VAPID_PUBLIC_KEY in page
    assert f"/notifications/push/devices/{device.pk}/remove/" in page
    assert 'name="enabled" value="broadcast_invite:push"' in page
    assert someone_else.status_code == 404
    assert removed.status_code == 302
    with tenant_a.context():
        assert not PushSubscription.objects.exists()


def test_the_script_unsubscribes_by_endpoint_only_its_own_user(tenant_a, push_service):
    endpoint, device = push_service.endpoint_for("phone")
    _subscribe(tenant_a.session_client("provider"), endpoint, device)

    other = tenant_a.session_client("customer").post(
        "/notifications/push/unsubscribe/",
        json.dumps({"endpoint": endpoint}),
        content_type="application/json",
    )
    own = tenant_a.session_client("provider").post(
        "/notifications/push/unsubscribe/",
        json.dumps({"endpoint": endpoint}),
        content_type="application/json",
    )

    assert (other.status_code, other.json()) == (200, {"removed": 0})
    assert (own.status_code, own.json()) == (200, {"removed": 1})


def test_the_service_worker_is_served_from_the_root(tenant_a):
    answer = tenant_a.client().get("/sw.js")

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    body = answer.content.decode()
    assert 'addEventListener("push"' in body
    assert "openWindow" in body


def test_a_new_vapid_pair_signs_what_its_public_key_verifies():
    import io

    from django.core.management import call_command
    from py_vapid import Vapid

    from tests.notifications.push_service import vapid_check

    output = io.StringIO()
    call_command("vapid_keys", stdout=output)
    lines = dict(line.split("=", 1) for line in output.getvalue().split())
    headers = Vapid.from_string(lines["WEB_PUSH_VAPID_PRIVATE_KEY"]).sign(
        {"sub": "mailto:a@example.com", "aud": "https://push.example.com"}
    )

    claims = vapid_check(
        headers["Authorization"],
        audience="https://push.example.com",
        public_key=lines["WEB_PUSH_VAPID_PUBLIC_KEY"],
    )
    assert claims["sub"] == "mailto:a@example.com"
