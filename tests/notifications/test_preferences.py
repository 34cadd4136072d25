"""Issue 17: text messages, quiet hours and the tenant's notification defaults.

Time is passed in (`now=`) and the outbox is dispatched at chosen moments: nothing sleeps.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from quartier.accounts import sms as sms_backend
from quartier.notifications.models import (
    Notification,
    NotificationDefault,
    NotificationPreference,
    PushSubscription,
    QuietHours,
)
from quartier.notifications.quiet import quiet_until
from quartier.notifications.selectors import channel_switches, enabled_preferences
from quartier.notifications.services import (
    notification_preferences_set,
    notifications_create,
    push_subscription_save,
    quiet_hours_set,
)
from quartier.outbox.models import OutboxMessage
from quartier.outbox.services import outbox_dispatch
from tests.notifications.push_service import Device

ZURICH = ZoneInfo("Europe/Zurich")
PHONE = "+41791234567"


def _zurich(*args) -> datetime:
    return datetime(*args, tzinfo=ZURICH)


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms_backend.outbox.clear()
    yield
    sms_backend.outbox.clear()


def _verify_phone(user, phone=PHONE):
    user.phone = phone
    user.phone_verified_at = timezone.now()
    user.save(update_fields=["phone", "phone_verified_at"])


def _sms_on(user, kind="broadcast_invite"):
    notification_preferences_set(user=user, enabled=enabled_preferences(user) | {(kind, "sms")})


def _rows(kind):
    return list(OutboxMessage.objects.filter(kind=kind).values_list("status", "next_attempt_at"))


@pytest.mark.parametrize(
    ("moment", "start", "end", "expected"),
    [
        # across midnight: late evening and early morning are quiet, until 07:00
        (_zurich(2026, 12, 4, 23, 30), time(22), time(7), _zurich(2026, 12, 5, 7)),
        (_zurich(2026, 12, 5, 2, 0), time(22), time(7), _zurich(2026, 12, 5, 7)),
        (_zurich(2026, 12, 4, 22, 0), time(22), time(7), _zurich(2026, 12, 5, 7)),
        (_zurich(2026, 12, 5, 7, 0), time(22), time(7), None),
        (_zurich(2026, 12, 4, 12, 0), time(22), time(7), None),
        # within one day
        (_zurich(2026, 12, 4, 13, 0), time(12), time(14), _zurich(2026, 12, 4, 14)),
        (_zurich(2026, 12, 4, 11, 59), time(12), time(14), None),
        # the clocks go forward on 29 March 2026: 07:00 is still 07:00 Swiss time
        (_zurich(2026, 3, 28, 23, 0), time(22), time(7), _zurich(2026, 3, 29, 7)),
    ],
)
def test_quiet_until(moment, start, end, expected):
    # the moment may arrive in UTC: the hours are Swiss all the same
    assert quiet_until(moment.astimezone(ZoneInfo("UTC")), start, end) == expected


def test_a_text_message_goes_after_commit_to_opted_in_verified_phones_only(
    tenant_a, django_capture_on_commit_callbacks
):
    with tenant_a.context():
        provider, customer, admin = (
            tenant_a.users[role] for role in ("provider", "customer", "admin")
        )
        _verify_phone(provider)
        _sms_on(provider)
        _sms_on(customer)  # opted in, but no verified number
        customer.phone = "+41790000000"
        customer.save(update_fields=["phone"])
        _verify_phone(admin, "+41798888888")  # a number, but text messages left off
        with django_capture_on_commit_callbacks(execute=True):
            notifications_create(
                recipient_ids=[provider.pk, customer.pk, admin.pk],
                kind="broadcast_invite",
                url="/workspace/broadcasts/7/",
            )
            sent_before_commit = list(sms_backend.outbox)
        outbox_dispatch()
        rows = _rows("notifications.sms")

    assert sent_before_commit == []
    assert len(sms_backend.outbox) == 1
    to, text = sms_backend.outbox[0]
    assert to == PHONE
    assert text.startswith("Urgent request near you: ")
    assert text.endswith("/workspace/broadcasts/7/")
    assert [status for status, _due in rows] == ["sent"]


def test_a_text_message_reads_in_the_recipients_language(tenant_a):
    with tenant_a.context():
        provider = tenant_a.users["provider"]
        provider.preferred_language = "de"
        provider.save(update_fields=["preferred_language"])
        _verify_phone(provider)
        _sms_on(provider, "booking_requested")
        notifications_create(
            recipient_ids=[provider.pk], kind="booking_requested", url="/bookings/3/"
        )
        outbox_dispatch()
    assert [text.split(": ")[0] for _to, text in sms_backend.outbox] == ["Neue Buchungsanfrage"]


def test_a_kind_without_text_messages_never_sends_one(tenant_a):
    with tenant_a.context():
        provider = tenant_a.users["provider"]
        _verify_phone(provider)
        NotificationDefault.objects.create(kind="message_received", channel="sms")
        notifications_create(recipient_ids=[provider.pk], kind="message_received")
        outbox_dispatch()
    assert sms_backend.outbox == []


def test_quiet_hours_across_midnight_hold_push_and_sms_and_keep_in_app(tenant_a):
    evening = _zurich(2026, 12, 4, 23, 30)
    morning = _zurich(2026, 12, 5, 7, 0)
    with tenant_a.context():
        provider = tenant_a.users["provider"]
        _verify_phone(provider)
        _sms_on(provider)
        device = Device()
        push_subscription_save(
            user=provider,
            endpoint="https://8.8.8.8/push/quiet",
            p256dh=device.p256dh,
            auth=device.auth,
        )
        quiet_hours_set(user=provider, start=time(22), end=time(7))

        (notification,) = notifications_create(
            recipient_ids=[provider.pk], kind="broadcast_invite", url="/b/1/", now=evening
        )
        push_rows, sms_rows = _rows("notifications.push"), _rows("notifications.sms")
        live_rows = _rows("notifications.live")
        outbox_dispatch(now=evening + timedelta(hours=1))
        sent_at_night = list(sms_backend.outbox)
        # the stand-in address is never contacted: the device is gone by morning
        PushSubscription.objects.filter(user=provider).delete()
        outbox_dispatch(now=morning)
        stored = Notification.objects.filter(pk=notification.pk).exists()

    assert stored  # the centre has it at once
    assert [due for _status, due in push_rows] == [morning]
    assert [due for _status, due in sms_rows] == [morning]
    assert all(due <= timezone.now() for _status, due in live_rows)  # live is not held
    assert sent_at_night == []
    assert [to for to, _text in sms_backend.outbox] == [PHONE]


def test_outside_quiet_hours_nothing_waits(tenant_a):
    noon = _zurich(2026, 12, 4, 12, 0)
    with tenant_a.context():
        provider = tenant_a.users["provider"]
        _verify_phone(provider)
        _sms_on(provider)
        quiet_hours_set(user=provider, start=time(22), end=time(7))
        before = timezone.now()
        notifications_create(recipient_ids=[provider.pk], kind="broadcast_invite", now=noon)
        (row,) = _rows("notifications.sms")
    assert row[1] <= before + timedelta(seconds=5)


def test_the_tenant_default_applies_until_the_user_chooses(tenant_a):
    admin = tenant_a.session_client("admin")
    provider_client = tenant_a.session_client("provider")
    with tenant_a.context():
        provider = tenant_a.users["provider"]
        _verify_phone(provider)
        before = channel_switches([provider.pk], "broadcast_invite")

    # the admin turns text messages on for urgent requests, and e-mail off for requests
    page = admin.get("/back-office/notifications/")
    response = admin.post(
        "/back-office/notifications/",
        {
            "enabled": [
                "broadcast_invite:in_app",
                "broadcast_invite:sms",
                "booking_requested:in_app",
                "bogus:sms",
                "message_received:sms",  # no such channel for messages: ignored
            ]
        },
    )
    with tenant_a.context():
        after_default = channel_switches([provider.pk], "broadcast_invite")
        stored = NotificationDefault.objects.filter(is_enabled=True).count()
        notifications_create(recipient_ids=[provider.pk], kind="broadcast_invite")
        outbox_dispatch()
    prefs_page = provider_client.get("/notifications/preferences/").content.decode()

    assert page.status_code == 200
    assert (response.status_code, response["Location"]) == (302, "/back-office/notifications/")
    assert before[(provider.pk, "sms")] is False
    assert before[(provider.pk, "push")] is True
    assert after_default[(provider.pk, "sms")] is True
    assert after_default[(provider.pk, "push")] is False
    assert stored == 3
    assert [to for to, _text in sms_backend.outbox] == [PHONE]
    assert 'value="broadcast_invite:sms" id="pref-broadcast_invitesms" aria-label' in prefs_page
    assert prefs_page.count(" checked") == 3

    # the provider saves their own choice: later defaults no longer change it
    provider_client.post("/notifications/preferences/", {"enabled": ["broadcast_invite:push"]})
    admin.post("/back-office/notifications/", {"enabled": ["broadcast_invite:sms"]})
    with tenant_a.context():
        chosen = channel_switches([provider.pk], "broadcast_invite")
    assert chosen[(provider.pk, "push")] is True
    assert chosen[(provider.pk, "sms")] is False


def test_a_tenant_default_of_email_off_stops_the_booking_email(tenant_a):
    from quartier.notifications.subscribers import booking_mail_keep

    class Booking:
        provider_id = 1
        customer_id = None

    with tenant_a.context():
        provider = tenant_a.users["provider"]
        kept = booking_mail_keep(Booking, "request", [provider])
        NotificationDefault.objects.create(
            kind="booking_requested", channel="email", is_enabled=False
        )
        dropped = booking_mail_keep(Booking, "request", [provider])
    assert (kept, dropped) == ([provider], [])


def test_only_admins_open_the_defaults_page(tenant_a):
    assert tenant_a.session_client("provider").get("/back-office/notifications/").status_code == 403
    response = tenant_a.session_client("provider").post(
        "/back-office/notifications/", {"enabled": ["broadcast_invite:sms"]}
    )
    assert response.status_code == 403
    with tenant_a.context():
        assert NotificationDefault.objects.count() == 0


def test_the_quiet_hours_form_saves_and_clears(tenant_a):
    client = tenant_a.session_client("provider")
    saved = client.post(
        "/notifications/preferences/quiet-hours/", {"start": "22:00", "end": "07:00"}
    )
    page = client.get("/notifications/preferences/").content.decode()
    with tenant_a.context():
        hours = QuietHours.objects.get(user=tenant_a.users["provider"])
    cleared = client.post("/notifications/preferences/quiet-hours/", {"start": "", "end": ""})

    assert (saved.status_code, saved["Location"]) == (302, "/notifications/preferences/")
    assert (hours.start, hours.end) == (time(22), time(7))
    assert 'value="22:00"' in page
    assert 'value="07:00"' in page
    assert cleared.status_code == 302
    with tenant_a.context():
        assert not QuietHours.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "25:00", "end": "07:00"}, "Geben Sie eine Zeit wie 22:00 ein."),
        ({"start": "22:00", "end": ""}, "Geben Sie beide Zeiten an oder lassen Sie beide leer."),
        (
            {"start": "22:00", "end": "22:00"},
            "Die Ruhezeit muss zu einer anderen Zeit enden, als sie beginnt.",
        ),
    ],
)
def test_bad_quiet_hours_are_refused_in_the_users_language(tenant_a, data, message):
    client = tenant_a.session_client("provider")
    with tenant_a.context():
        quiet_hours_set(user=tenant_a.users["provider"], start=time(23), end=time(6))

    response = client.post(
        "/notifications/preferences/quiet-hours/", data, HTTP_ACCEPT_LANGUAGE="de"
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert ">start" not in body  # the field's label, never its raw name
    assert ">end" not in body
    with tenant_a.context():
        hours = QuietHours.objects.get(user=tenant_a.users["provider"])
    assert (hours.start, hours.end) == (time(23), time(6))  # nothing half-saved


def test_saving_the_switches_stores_every_choice(tenant_a):
    with tenant_a.context():
        provider = tenant_a.users["provider"]
        notification_preferences_set(user=provider, enabled={("broadcast_invite", "sms")})
        rows = NotificationPreference.objects.filter(user=provider)
        assert rows.filter(is_enabled=True).count() == 1
        assert rows.count() == 49
