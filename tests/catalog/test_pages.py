"""The storefront's catalog pages: home search, results with filters and badges, listing."""

import pytest
from django.utils import translation

from quartier.catalog.models import Listing
from quartier.catalog.templatetags.storefront import format_money
from quartier.platform.money import Money
from quartier.providers.models import ProviderProfile
from tests.catalog.factories import make_listing, make_provider


@pytest.fixture
def listings(tenant_a):
    with tenant_a.context():
        badged = make_provider(display_name="Anna Badged")
        plain = make_provider(display_name="Bruno Plain")
        created = {
            "wlan": make_listing(provider=badged, title="WLAN setup", francs=60),
            "tv": make_listing(
                provider=plain, title="Box hookup", francs=1250, category_slug="tv-box"
            ),
        }
        # As trust mirrors a live badge onto the profile and its listings.
        ProviderProfile.objects.filter(pk=badged.pk).update(badge_slugs=["vetted"])
        Listing.objects.filter(provider=badged).update(badge_slugs=["vetted"])
        return created


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "CHF\u00a01\u2019250.50"),
        ("it", "CHF\u00a01\u2019250.50"),
        ("fr", "1\u202f250,50\u00a0CHF"),
        ("en", "CHF\u00a01,250.50"),
    ],
)
def test_money_is_written_the_swiss_way_per_language(language, expected):
    assert format_money(Money(125050, "CHF"), language) == expected


def test_money_formats_small_and_negative_amounts():
    assert format_money(Money(500, "EUR"), "en") == "EUR\u00a05.00"
    assert format_money(Money(-123456789, "CHF"), "de") == "CHF\u00a0-1\u2019234\u2019567.89"


def test_the_home_page_searches_near_a_postal_code(tenant_a):
    page = tenant_a.client().get("/").content.decode()

    assert 'action="/search/"' in page
    assert '<label for="postal_code">' in page
    assert 'role="search"' in page


def test_results_show_price_rating_and_badges(tenant_a, listings):
    response = tenant_a.client().get("/search/?postal_code=8004&radius_km=10&category=")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="result"') == 2
    assert "CHF\u00a060.00" in page
    assert "CHF\u00a01,250.00" in page
    assert '<li class="badge">Vetted</li>' in page
    assert page.count('<li class="badge">') == 1


def test_results_filter_by_category_price_and_badge(tenant_a, listings):
    client = tenant_a.client()

    by_category = client.get("/search/?postal_code=8004&category=tv-box").content.decode()
    by_price = client.get("/search/?postal_code=8004&price_max=100").content.decode()
    by_badge = client.get("/search/?postal_code=8004&badge=vetted").content.decode()

    assert "Box hookup" in by_category
    assert "WLAN setup" not in by_category
    assert "WLAN setup" in by_price
    assert "Box hookup" not in by_price
    assert "WLAN setup" in by_badge
    assert "Box hookup" not in by_badge


def test_bad_search_input_is_a_400_naming_the_field(tenant_a):
    client = tenant_a.client()

    bad_code = client.get("/search/?postal_code=80")
    bad_price = client.get("/search/?postal_code=8004&price_min=cheap")

    assert bad_code.status_code == 400
    assert 'aria-describedby="postal_code-error"' in bad_code.content.decode()
    assert bad_price.status_code == 400
    assert 'id="price_min-error"' in bad_price.content.decode()


def test_the_listing_page_formats_the_price_per_language(tenant_a, listings):
    listing = listings["tv"]
    client = tenant_a.client()

    english = client.get(f"/listings/{listing.pk}/").content.decode()
    french = client.get(f"/listings/{listing.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "CHF\u00a01,250.00" in english
    assert "1\u202f250,00\u00a0CHF" in french
    assert f'href="/listings/{listing.pk}/book/"' in english
    assert f'href="/providers/{listing.provider_id}/"' in english
    translation.activate("en")


def test_a_customer_posts_a_task_and_accepts_an_offer(tenant_a):
    from datetime import timedelta

    from django.utils import timezone

    from quartier.bookings.models import Booking
    from quartier.catalog.models import Offer, TaskRequest
    from quartier.catalog.services.tasks import offer_create
    from tests.catalog.factories import category

    client = tenant_a.session_client("customer")
    with tenant_a.context():
        router = category()
        helper = make_provider(display_name="Olga Offers")
        other = make_provider(display_name="Otto Other")

    bad = client.post("/tasks/new/", {"category": router.pk, "title": "", "postal_code": "80"})
    posted = client.post(
        "/tasks/new/",
        {
            "category": router.pk,
            "title": "Who can set up my WLAN?",
            "postal_code": "8003",
            "budget": "80",
        },
    )

    assert bad.status_code == 400
    assert 'aria-describedby="id_postal_code-error"' in bad.content.decode()
    with tenant_a.context():
        task = TaskRequest.objects.get()
        assert (task.title, task.budget_amount_minor) == ("Who can set up my WLAN?", 8000)
        start = timezone.now() + timedelta(days=2)
        offer = offer_create(
            task=task, provider=helper, price=Money(7000, "CHF"), proposed_start=start
        )
        declined = offer_create(task=task, provider=other, price=Money(9900, "CHF"))
    assert posted["Location"] == f"/tasks/{task.pk}/"
    page = client.get(posted["Location"]).content.decode()
    assert "CHF\u00a070.00" in page
    assert 'aria-label="Accept the offer of Olga Offers"' in page

    accepted = client.post(f"/offers/{offer.pk}/respond/", {"decision": "accept"})

    with tenant_a.context():
        booking = Booking.objects.get()
        assert accepted["Location"] == f"/bookings/{booking.pk}/"
        assert (booking.offer_id, booking.status) == (offer.pk, "accepted")
        assert Offer.objects.get(pk=declined.pk).status == "declined"
    assert "Assigned" in client.get(f"/tasks/{task.pk}/").content.decode()
    # another customer of the tenant cannot see the task or answer its offers
    intruder = tenant_a.session_client("admin")
    assert (
        intruder.post(f"/offers/{declined.pk}/respond/", {"decision": "accept"}).status_code == 404
    )
