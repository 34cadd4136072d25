"""Escalation of urgent requests with a controlled clock: ring 1 at once, ring 2 after
the policy's minutes, then the tenant's support queue; every step in the booking's
history, and nothing after a helper took the request."""

from datetime import timedelta

import pytest

from quartier.bookings.models import BookingEvent, BroadcastInvite, DispatchPolicy
from quartier.bookings.selectors import broadcasts_in_support
from quartier.bookings.services.dispatch import broadcasts_escalate_due
from quartier.bookings.services.requests import booking_broadcast, broadcast_accept
from quartier.notifications.models import Notification
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider


@pytest.fixture
def helpers(tenant_a):
    with tenant_a.context():
        DispatchPolicy.objects.create(
            category=None, ring2_after_minutes=10, ring2_radius_km=25, support_after_minutes=30
        )
        made = {
            # serves Zürich 8004 by its own radius: ring 1
            "near": make_provider(display_name="Nina Near", postal_code="8004", radius_km=10),
            # Winterthur, about 20 km away, serves only its own town: ring 2
            "wider": make_provider(display_name="Walt Wider", postal_code="8400", radius_km=3),
            # Bern: never
            "far": make_provider(display_name="Fritz Far", postal_code="3000", radius_km=5),
        }
        for helper in made.values():
            bookable_listing(provider=helper)
        return made


def _broadcast(handle, listing_category):
    return booking_broadcast(
        customer=handle.users["customer"],
        category=listing_category,
        postal_code="8004",
        starts_at=next_local(10),
    )


def _history(booking):
    return [
        (event.data.get("action"), event.data.get("ring"), event.data.get("invited"))
        for event in BookingEvent.objects.filter(booking=booking).order_by("id")
    ]


def _invited(booking, helpers):
    names = {helper.pk: name for name, helper in helpers.items()}
    return sorted(
        names[pk]
        for pk in BroadcastInvite.objects.filter(booking=booking).values_list(
            "provider_id", flat=True
        )
    )


def test_rings_widen_on_the_clock_and_end_in_the_support_queue(tenant_a, helpers):
    with tenant_a.context():
        category = helpers["near"].listings.first().category
        booking = _broadcast(tenant_a, category)
        start = booking.created_at

        steps = {
            "at 9 min": broadcasts_escalate_due(now=start + timedelta(minutes=9)),
            "at 10 min": broadcasts_escalate_due(now=start + timedelta(minutes=10)),
        }
        after_ring2 = (_history(booking), _invited(booking, helpers))
        wider_told = Notification.objects.filter(
            recipient=helpers["wider"].user, kind="broadcast_invite"
        ).count()
        steps["at 29 min"] = broadcasts_escalate_due(now=start + timedelta(minutes=29))
        steps["at 30 min"] = broadcasts_escalate_due(now=start + timedelta(minutes=30))
        steps["at 90 min"] = broadcasts_escalate_due(now=start + timedelta(minutes=90))
        history = _history(booking)
        queue = list(broadcasts_in_support())
        admins_told = list(
            Notification.objects.filter(kind="support_escalation").values_list(
                "recipient_id", "url"
            )
        )

    assert steps == {"at 9 min": 0, "at 10 min": 1, "at 29 min": 0, "at 30 min": 1, "at 90 min": 0}
    assert after_ring2 == (
        [("request", None, 1), ("escalate", 2, 1)],
        ["near", "wider"],
    )
    assert wider_told == 1
    assert history == [("request", None, 1), ("escalate", 2, 1), ("escalate", 3, 0)]
    assert queue == [booking]
    assert admins_told == [(tenant_a.users["admin"].pk, "/back-office/dispatch/")]
    # the customer's page says so, with the helpers of both rings counted
    page = tenant_a.session_client("customer").get(f"/bookings/{booking.pk}/").content.decode()
    assert "2 helpers notified." in page
    assert "Our support team is looking for a helper for you as well." in page
    queue_page = tenant_a.session_client("admin").get("/back-office/dispatch/").content.decode()
    assert f'id="waiting-{booking.pk}"' in queue_page


def test_no_ring_after_a_helper_took_the_request(tenant_a, helpers):
    with tenant_a.context():
        category = helpers["near"].listings.first().category
        booking = _broadcast(tenant_a, category)
        broadcast_accept(booking=booking, provider=helpers["near"])

        steps = broadcasts_escalate_due(now=booking.created_at + timedelta(hours=2))
        history = _history(booking)
        queue = list(broadcasts_in_support())

    assert steps == 0
    assert history == [("request", None, 1), ("broadcast_accept", None, None)]
    assert queue == []


def test_a_late_run_takes_both_steps_once_and_a_category_policy_wins(tenant_a, helpers):
    with tenant_a.context():
        category = helpers["near"].listings.first().category
        DispatchPolicy.objects.create(
            category=category, ring2_after_minutes=2, ring2_radius_km=5, support_after_minutes=4
        )
        booking = _broadcast(tenant_a, category)

        first = broadcasts_escalate_due(now=booking.created_at + timedelta(minutes=4))
        again = broadcasts_escalate_due(now=booking.created_at + timedelta(minutes=5))
        history = _history(booking)

    assert (first, again) == (2, 0)
    # 5 km: Winterthur stays out
    assert history == [("request", None, 1), ("escalate", 2, 0), ("escalate", 3, 0)]


def test_the_support_queue_is_for_admins_only(tenant_a):
    assert tenant_a.session_client("customer").get("/back-office/dispatch/").status_code == 403
    assert tenant_a.session_client("admin").get("/back-office/dispatch/").status_code == 200


def test_the_back_office_sets_a_policy_and_refuses_bad_input(tenant_a):
    admin = tenant_a.session_client("admin")
    with tenant_a.context():
        category = DispatchPolicy._meta.get_field("category").related_model.objects.first()
    good = {
        "category": category.pk,
        "ring2_after_minutes": "5",
        "ring2_radius_km": "40",
        "ring2_badge": "vetted",
        "support_after_minutes": "20",
    }

    saved = admin.post("/back-office/dispatch/policy/", good)
    reversed_rings = admin.post(
        "/back-office/dispatch/policy/", {**good, "support_after_minutes": "5"}
    )
    not_a_number = admin.post("/back-office/dispatch/policy/", {**good, "ring2_radius_km": "4x"})
    unknown_badge = admin.post("/back-office/dispatch/policy/", {**good, "ring2_badge": "nope"})
    customer = tenant_a.session_client("customer").post("/back-office/dispatch/policy/", good)

    assert (saved.status_code, saved["Location"]) == (302, "/back-office/dispatch/")
    assert reversed_rings.status_code == 400
    assert "The support queue must come after ring 2." in reversed_rings.content.decode()
    assert not_a_number.status_code == 400
    assert unknown_badge.status_code == 400
    assert customer.status_code == 403
    with tenant_a.context():
        assert list(
            DispatchPolicy.objects.values_list(
                "category_id",
                "ring2_after_minutes",
                "ring2_radius_km",
                "ring2_badge",
                "support_after_minutes",
            )
        ) == [(category.pk, 5, 40, "vetted", 20)]
