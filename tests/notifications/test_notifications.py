"""The notification centre: who hears of what, preferences, the list and marking read."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from quartier.accounts.models import User
from quartier.billing.models import Payout
from quartier.billing.services.payouts import record_paid
from quartier.bookings.services.conversation import message_send
from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.requests import booking_broadcast, booking_request_slot
from quartier.catalog.services.tasks import offer_create, task_request_create
from quartier.notifications.models import Notification, NotificationPreference
from quartier.notifications.services import notification_preferences_set
from quartier.outbox.models import OutboxMessage
from quartier.platform.money import Money
from quartier.trust.models import Application
from quartier.trust.services.badges import badge_award, badges_warn_expiring
from quartier.trust.services.vetting import application_decide
from tests.bookings.factories import bookable_listing, completed_booking, next_local
from tests.catalog.factories import make_provider
from tests.trust.factories import award, make_badge


@pytest.fixture
def listing(tenant_a):
    with tenant_a.context():
        return bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))


def _received(handle) -> list[tuple[str, str, str]]:
    """Every notification in the tenant as (recipient's role or e-mail, kind, url)."""
    roles = {user.pk: role for role, user in handle.users.items()}
    with handle.context():
        return [
            (roles.get(row.recipient_id, row.recipient.email), row.kind, row.url)
            for row in Notification.objects.select_related("recipient").order_by("id")
        ]


def _request(handle, listing):
    with handle.context():
        return booking_request_slot(
            listing=listing, customer=handle.users["customer"], starts_at=next_local(10)
        )


def test_a_booking_request_notifies_the_provider_only(tenant_a, tenant_b, listing):
    booking = _request(tenant_a, listing)

    assert _received(tenant_a) == [
        ("provider", "booking_requested", f"/bookings/{booking.pk}/"),
    ]
    assert _received(tenant_b) == []


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        ([("accept", "provider")], ("customer", "booking_accepted")),
        ([("decline", "provider")], ("customer", "booking_declined")),
        ([("cancel", "customer")], ("provider", "booking_cancelled")),
        ([("cancel", "provider")], ("customer", "booking_cancelled")),
    ],
)
def test_each_transition_notifies_the_other_party(tenant_a, listing, actions, expected):
    booking = _request(tenant_a, listing)
    with tenant_a.context():
        for action, role in actions:
            booking = booking_transition(booking=booking, action=action, actor=tenant_a.users[role])

    assert _received(tenant_a)[1:] == [(*expected, f"/bookings/{booking.pk}/")]


def test_a_completed_job_notifies_the_customer(tenant_a, listing):
    with tenant_a.context():
        booking = completed_booking(listing=listing, customer=tenant_a.users["customer"])

    # (completing a job may also earn a rule badge: its own notification)
    assert [(who, kind) for who, kind, _url in _received(tenant_a) if kind != "badge_awarded"] == [
        ("provider", "booking_requested"),
        ("customer", "booking_accepted"),
        ("customer", "booking_completed"),
        ("customer", "review_reminder"),
        ("provider", "review_reminder"),
    ]
    assert booking.status == "completed"
    with tenant_a.context():
        reminders = Notification.objects.filter(kind="review_reminder").order_by("id")
        titles = [(row.recipient_id, row.title, row.url) for row in reminders]
    url = f"/bookings/{booking.pk}/#reviews"
    # each party is asked to review the other, by name
    assert titles == [
        (tenant_a.users["customer"].pk, f"Leave a review for {listing.provider.display_name}", url),
        (
            tenant_a.users["provider"].pk,
            f"Leave a review for {tenant_a.users['customer'].display_name}",
            url,
        ),
    ]


def test_an_expiring_badge_notifies_its_provider_once(tenant_a, tenant_b, listing):
    with tenant_a.context():
        badge = make_badge(admin=tenant_a.users["admin"], name="First aid")
        badge_award(
            badge=badge,
            provider=listing.provider,
            actor=None,
            valid_until=timezone.now() + timedelta(days=5),
        )
        Notification.objects.all().delete()
        assert badges_warn_expiring() == 1
        assert badges_warn_expiring() == 0
        titles = [row.title for row in Notification.objects.all()]

    assert _received(tenant_a) == [
        ("provider", "badge_expiring", f"/providers/{listing.provider.pk}/"),
    ]
    assert titles == ["Your badge expires soon"]
    assert _received(tenant_b) == []


def test_a_sent_payout_notifies_its_provider_once_with_the_amount(tenant_a, tenant_b, listing):
    with tenant_a.context():
        payout = Payout.objects.create(provider=listing.provider, amount_minor=1250, currency="CHF")
        # our transfer call and Stripe's webhook both record it: one notification
        record_paid(payout=payout, transfer_id="tr_1")
        record_paid(payout=Payout.objects.get(pk=payout.pk), transfer_id="tr_1")
        titles = [row.title for row in Notification.objects.all()]

    assert _received(tenant_a) == [("provider", "payout_sent", "/workspace/payouts/")]
    assert titles == ["Your payout of CHF 12.50 was sent"]
    assert _received(tenant_b) == []


def test_a_parameterised_title_in_german(tenant_a, listing):
    with tenant_a.context():
        payout = Payout.objects.create(provider=listing.provider, amount_minor=500, currency="CHF")
        record_paid(payout=payout, transfer_id="tr_2")
        with translation.override("de"):
            assert Notification.objects.get().title == (
                "Ihre Auszahlung von CHF 5.00 wurde überwiesen"
            )


def test_a_broadcast_invites_every_helper_in_range_and_their_win_notifies_the_customer(
    tenant_a, listing
):
    with tenant_a.context():
        other = bookable_listing()
        booking = booking_broadcast(
            customer=tenant_a.users["customer"],
            category=listing.category,
            postal_code="8004",
            starts_at=next_local(9),
        )
        other_email = other.provider.user.email

    url = f"/bookings/{booking.pk}/"
    invite = f"/workspace/broadcasts/{booking.pk}/"  # the page with Accept and Decline
    assert sorted(_received(tenant_a)) == sorted(
        [("provider", "broadcast_invite", invite), (other_email, "broadcast_invite", invite)]
    )

    tenant_a.client("provider").post(f"/api/broadcasts/{booking.pk}/accept/")

    assert _received(tenant_a)[2:] == [("customer", "booking_accepted", url)]


def test_an_offer_notifies_the_task_owner(tenant_a, listing):
    with tenant_a.context():
        task = task_request_create(
            customer=tenant_a.users["customer"],
            category=listing.category,
            title="Router",
            postal_code="8004",
        )
        offer_create(task=task, provider=listing.provider, price=Money(5000, "CHF"))

    assert _received(tenant_a) == [("customer", "offer_received", f"/tasks/{task.pk}/")]


def test_a_message_notifies_the_other_party_only(tenant_a, listing):
    booking = _request(tenant_a, listing)
    with tenant_a.context():
        message_send(booking=booking, sender=tenant_a.users["provider"], body="On my way")
        message_send(booking=booking, sender=tenant_a.users["customer"], body="Thanks")

    assert _received(tenant_a)[1:] == [
        ("customer", "message_received", f"/bookings/{booking.pk}/"),
        ("provider", "message_received", f"/bookings/{booking.pk}/"),
    ]


def test_vetting_decisions_and_badges_notify_the_provider(tenant_a, listing):
    with tenant_a.context():
        Application.objects.filter(provider=listing.provider).delete()
        application = Application.objects.create(
            provider=listing.provider, status="submitted", submitted_at=timezone.now()
        )
        application_decide(
            admin=tenant_a.users["admin"], application=application, approve=False, reason="Blurry"
        )
        award(
            badge=make_badge(admin=tenant_a.users["admin"], name="Fast"), provider=listing.provider
        )

    assert _received(tenant_a) == [
        ("provider", "vetting_rejected", "/workspace/start/vetting/"),
        ("provider", "badge_awarded", f"/providers/{listing.provider.pk}/"),
    ]


def test_switched_off_channels_are_respected(tenant_a, listing):
    with tenant_a.context():
        provider = tenant_a.users["provider"]
        notification_preferences_set(user=provider, enabled={("booking_requested", "in_app")})
        earlier = _outbox_high_water()
    booking = _request(tenant_a, listing)
    with tenant_a.context():
        live = OutboxMessage.objects.filter(kind="notifications.live", pk__gt=earlier).count()
        notification_preferences_set(user=provider, enabled=set())
        booking_transition(booking=booking, action="cancel", actor=tenant_a.users["customer"])

    # in-app on, live off: stored, nothing queued; then everything off: nothing stored
    assert _received(tenant_a) == [("provider", "booking_requested", f"/bookings/{booking.pk}/")]
    assert live == 0


def _outbox_high_water() -> int:
    """The newest outbox row before the test acts: browser journeys commit rows of their own."""
    return OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_live_delivery_is_queued_in_the_same_transaction(tenant_a, listing):
    with tenant_a.context():
        earlier = _outbox_high_water()
    booking = _request(tenant_a, listing)

    with tenant_a.context():
        notification = Notification.objects.get()
        queued = list(
            OutboxMessage.objects.filter(kind="notifications.live", pk__gt=earlier).values_list(
                "payload", "dedupe_key"
            )
        )
    assert notification.recipient_id == tenant_a.users["provider"].pk
    assert booking.pk == notification.params["booking_id"]
    assert queued == [
        ({"notification_ids": [notification.pk]}, f"notification:{notification.pk}:live")
    ]


def _notify(handle, role: str, count: int = 1) -> list[Notification]:
    from quartier.notifications.services import notifications_create

    with handle.context():
        return [
            notifications_create(
                recipient_ids=[handle.users[role].pk], kind="message_received", url="/bookings/1/"
            )[0]
            for _ in range(count)
        ]


def test_the_bell_shows_the_unread_count_on_every_page(tenant_a):
    _notify(tenant_a, "customer", 2)
    client = tenant_a.session_client("customer")

    home = client.get("/").content.decode()
    listing_page = client.get("/notifications/").content.decode()

    for page in (home, listing_page):
        assert '<span class="q-bell-count" data-live-count>2</span>' in page
        assert 'src="/static/notifications/live.js"' in page
        assert 'data-stream="/events/stream/"' in page
    assert "q-bell" not in tenant_a.client().get("/").content.decode()


def test_the_list_page_marks_one_and_all_read_by_post_only(tenant_a):
    first, second, third = _notify(tenant_a, "customer", 3)
    client = tenant_a.session_client("customer")

    page = client.get("/notifications/")
    assert page.status_code == 200
    assert page.content.decode().count("New message") == 3
    with tenant_a.context():
        assert Notification.objects.filter(read_at__isnull=True).count() == 3  # GET wrote nothing

    one = client.post(f"/notifications/{first.pk}/read/", {"next": "/bookings/1/"})
    assert (one.status_code, one["Location"]) == (302, "/bookings/1/")
    with tenant_a.context():
        assert list(
            Notification.objects.filter(read_at__isnull=True)
            .order_by("id")
            .values_list("pk", flat=True)
        ) == [second.pk, third.pk]

    outside = client.post(f"/notifications/{second.pk}/read/", {"next": "https://evil.test/"})
    assert outside["Location"] == "/notifications/"

    every = client.post("/notifications/read/")
    assert (every.status_code, every["Location"]) == (302, "/notifications/")
    with tenant_a.context():
        assert Notification.objects.filter(read_at__isnull=True).count() == 0
    assert client.get("/notifications/read/").status_code == 405


def test_another_users_notification_cannot_be_marked_read(tenant_a):
    (theirs,) = _notify(tenant_a, "provider")

    response = tenant_a.session_client("customer").post(f"/notifications/{theirs.pk}/read/")

    assert response.status_code == 404
    with tenant_a.context():
        assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_preferences_page_saves_the_switches(tenant_a):
    client = tenant_a.session_client("provider")
    page = client.get("/notifications/preferences/").content.decode()
    # 13 kinds with 3 channels each (the admins' two kinds left out for a provider),
    # e-mail for the 6 kinds that have an e-mail, text messages (off) for 4 kinds
    assert page.count('type="checkbox"') == 49
    assert page.count(" checked") == 45
    admin_page = tenant_a.session_client("admin").get("/notifications/preferences/")
    assert admin_page.content.decode().count('type="checkbox"') == 55

    response = client.post(
        "/notifications/preferences/",
        {"enabled": ["broadcast_invite:in_app", "broadcast_invite:live", "bogus:live"]},
    )

    assert (response.status_code, response["Location"]) == (302, "/notifications/preferences/")
    with tenant_a.context():
        off = set(
            NotificationPreference.objects.filter(
                user=tenant_a.users["provider"], is_enabled=False
            ).values_list("kind", "channel", "is_enabled")
        )
    assert len(off) == 47  # the 49 switches offered to a provider, 2 left on
    assert ("broadcast_invite", "in_app", False) not in off
    assert ("booking_requested", "live", False) in off
    assert client.get("/notifications/preferences/").content.decode().count(" checked") == 2


def test_notifications_stay_in_their_tenant_though_user_ids_repeat(tenant_a, tenant_b):
    _notify(tenant_a, "customer")

    with tenant_b.context():
        assert User.objects.filter(pk=tenant_a.users["customer"].pk).exists()
        assert Notification.objects.count() == 0
    assert (
        tenant_b.session_client("customer")
        .get("/notifications/")
        .content.decode()
        .count("New message")
        == 0
    )


def test_a_switched_off_email_is_not_sent_but_the_rest_still_is(
    tenant_a, listing, django_capture_on_commit_callbacks
):
    from django.core import mail

    from quartier.notifications.selectors import enabled_preferences

    with tenant_a.context():
        provider = tenant_a.users["provider"]
        notification_preferences_set(
            user=provider, enabled=enabled_preferences(provider) - {("booking_requested", "email")}
        )
    with django_capture_on_commit_callbacks(execute=True):
        booking = _request(tenant_a, listing)
    requested_mail = [message.to for message in mail.outbox]
    with django_capture_on_commit_callbacks(execute=True), tenant_a.context():
        booking_transition(booking=booking, action="accept", actor=provider)

    assert requested_mail == []  # the provider switched these off
    assert [message.to for message in mail.outbox] == [[tenant_a.users["customer"].email]]
    # the notification centre still has it
    assert ("provider", "booking_requested", f"/bookings/{booking.pk}/") in _received(tenant_a)


def test_a_fan_out_queues_one_live_row_for_all_its_recipients(tenant_a):
    from quartier.notifications.services import notifications_create

    with tenant_a.context():
        earlier = _outbox_high_water()
        notifications = notifications_create(
            recipient_ids=[tenant_a.users["provider"].pk, tenant_a.users["customer"].pk],
            kind="message_received",
            url="/bookings/1/",
        )
        queued = list(
            OutboxMessage.objects.filter(kind="notifications.live", pk__gt=earlier).values_list(
                "payload", flat=True
            )
        )
    assert queued == [{"notification_ids": [n.pk for n in notifications]}]
