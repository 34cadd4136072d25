from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.catalog.models import Offer, TaskRequest
from quartier.marketplace.models import MarketplaceSettings
from tests.catalog.factories import category, make_provider


def _window(hours_ahead=48, length=2):
    start = timezone.now() + timedelta(hours=hours_ahead)
    return {"start": start.isoformat(), "end": (start + timedelta(hours=length)).isoformat()}


def _post_task(handle, **overrides):
    with handle.context():
        category_id = category().pk
    body = {
        "category": category_id,
        "title": "Who can set up my WLAN?",
        "description": "Router from the telco, three floors.",
        "postal_code": "8003",
        "budget": {"amount_minor": 12000, "currency": "CHF"},
        "preferred_windows": [_window(48), _window(72)],
        **overrides,
    }
    return handle.client("customer").post("/api/tasks/", body, format="json")


def test_a_customer_posts_a_task_and_providers_nearby_find_it(tenant_a):
    with tenant_a.context():
        make_provider(user=tenant_a.users["provider"], postal_code="8004")
        far = make_provider(postal_code="1003", display_name="Lausanne")

    created = _post_task(tenant_a)

    assert created.status_code == 201, created.json()
    task = created.json()
    assert task["budget"]["formatted"] == "CHF 120.00"
    assert len(task["preferred_windows"]) == 2
    found = tenant_a.client("provider").get("/api/tasks/search/").json()
    assert [t["id"] for t in found["results"]] == [task["id"]]
    assert 0 < found["results"][0]["distance_km"] < 3
    with tenant_a.context():
        assert far.location is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"preferred_windows": [_window(), _window(), _window(), _window()]}, "preferred_windows"),
        (
            {
                "preferred_windows": [
                    {"start": "2020-01-01T10:00:00+01:00", "end": "2020-01-01T12:00:00+01:00"}
                ]
            },
            "preferred_windows",
        ),
        ({"preferred_windows": [{"start": "tomorrow", "end": "later"}]}, "preferred_windows"),
        ({"preferred_windows": [_window(48, -1)]}, "preferred_windows"),
        ({"budget": {"amount_minor": -5, "currency": "CHF"}}, "budget"),
        ({"budget": {"amount_minor": 100, "currency": "XXX"}}, "budget"),
        ({"postal_code": "9999"}, "postal_code"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_task_input_is_a_400_naming_the_field(tenant_a, change, field):
    response = _post_task(tenant_a, **change)

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    with tenant_a.context():
        assert not TaskRequest.objects.exists()


def test_offers_accept_one_decline_the_rest(tenant_a):
    with tenant_a.context():
        mine = make_provider(user=tenant_a.users["provider"], postal_code="8004")
        rival = make_provider(postal_code="8005")
    task = _post_task(tenant_a).json()
    client = tenant_a.client("provider")

    offer = client.post(
        f"/api/tasks/{task['id']}/offers/",
        {"price": {"amount_minor": 9000, "currency": "CHF"}, "message": "Thursday evening works."},
        format="json",
    )
    assert offer.status_code == 201, offer.json()
    duplicate = client.post(
        f"/api/tasks/{task['id']}/offers/",
        {"price": {"amount_minor": 8000, "currency": "CHF"}},
        format="json",
    )
    assert duplicate.status_code == 409
    with tenant_a.context():
        from quartier.catalog.services.tasks import offer_create
        from quartier.platform.money import Money

        rival_offer = offer_create(
            task=TaskRequest.objects.get(pk=task["id"]), provider=rival, price=Money(8500, "CHF")
        )

    customer = tenant_a.client("customer")
    listed = customer.get(f"/api/tasks/{task['id']}/offers/").json()
    assert {o["provider"]["id"] for o in listed} == {mine.pk, rival.pk}
    assert [o["id"] for o in client.get(f"/api/tasks/{task['id']}/offers/").json()] == [
        offer.json()["id"]
    ]

    accepted = customer.post(f"/api/offers/{offer.json()['id']}/accept/")

    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    with tenant_a.context():
        from quartier.bookings.models import Booking

        # the bookings app's subscriber of OfferAccepted made it, in the same transaction
        booking = Booking.objects.get(offer_id=offer.json()["id"])
        assert accepted.json()["booking_id"] == booking.pk
        assert (booking.status, booking.price_amount_minor) == ("requested", 9000)
        assert Offer.objects.get(pk=rival_offer.pk).status == "declined"
        assert TaskRequest.objects.get(pk=task["id"]).status == "assigned"
    again = customer.post(f"/api/offers/{rival_offer.pk}/accept/")
    assert (again.status_code, again.json()["code"]) == (409, "task_not_open")


def test_only_vetted_providers_in_range_may_offer(tenant_a):
    with tenant_a.context():
        make_provider(user=tenant_a.users["provider"], postal_code="1003", vetted=True)
    task = _post_task(tenant_a).json()
    body = {"price": {"amount_minor": 9000, "currency": "CHF"}}

    far = tenant_a.client("provider").post(f"/api/tasks/{task['id']}/offers/", body, format="json")
    assert (far.status_code, far.json()["code"]) == (403, "out_of_range")

    with tenant_a.context():
        from quartier.providers.models import ProviderProfile

        ProviderProfile.objects.filter(user=tenant_a.users["provider"]).update(is_vetted=False)
        from quartier.providers.services import provider_profile_update

        provider_profile_update(
            profile=ProviderProfile.objects.get(user=tenant_a.users["provider"]),
            home_postal_code="8004",
        )
    unvetted = tenant_a.client("provider").post(
        f"/api/tasks/{task['id']}/offers/", body, format="json"
    )
    assert (unvetted.status_code, unvetted.json()["code"]) == (403, "vetting_required")
    with tenant_a.context():
        MarketplaceSettings.objects.update(vetting_required=False)
    allowed = tenant_a.client("provider").post(
        f"/api/tasks/{task['id']}/offers/", body, format="json"
    )
    assert allowed.status_code == 201


def test_other_customers_cannot_see_or_cancel_a_task(tenant_a):
    task = _post_task(tenant_a).json()
    with tenant_a.context():
        from quartier.accounts.services import token_issue, user_create

        stranger = user_create(email="stranger@example.ch", password="long-enough-pass-1")
        token = token_issue(user=stranger)
    client = tenant_a.client(token=token)

    assert client.get(f"/api/tasks/{task['id']}/").status_code == 404
    assert client.post(f"/api/tasks/{task['id']}/cancel/").status_code == 404
    cancelled = tenant_a.client("customer").post(f"/api/tasks/{task['id']}/cancel/")
    assert cancelled.json()["status"] == "cancelled"
