"""The listing API's hot read (catalog.selectors.listing_row_visible, one statement of
plain values) answers exactly what ListingSerializer answers, to every viewer, and sees
a write at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from quartier.catalog.api.serializers import ListingSerializer, listing_row_representation
from quartier.catalog.models import Listing, ListingPhoto
from quartier.catalog.selectors.catalog import listing_get_visible, listing_row_visible
from quartier.platform.errors import NotFound
from quartier.platform.tenant_cache import request_scope
from quartier.providers.models import ProviderProfile
from tests.catalog.factories import make_listing, make_provider


@pytest.fixture
def listing(tenant_a):
    with tenant_a.context():
        provider = make_provider(user=tenant_a.users["provider"])
        ProviderProfile.objects.filter(pk=provider.pk).update(
            badge_slugs=["insured"], rating_count=4, rating_sum=18, completed_jobs=7
        )
        listing = make_listing(provider=provider, duration_minutes=90, postal_code="8004")
        ListingPhoto.objects.create(listing=listing, image="listings/b.png", position=2)
        ListingPhoto.objects.create(listing=listing, image="listings/a.png", position=1)
        return listing


@pytest.mark.parametrize("viewer", [None, "customer", "provider", "admin"])
@pytest.mark.parametrize("language", ["de", "fr"])
def test_the_read_model_answers_what_the_serializer_answers(tenant_a, listing, viewer, language):
    user = tenant_a.users[viewer] if viewer else None
    with tenant_a.context(), request_scope(), translation.override(language):
        Listing.objects.filter(pk=listing.pk).update(hidden_reason="Checked by staff")
        expected = ListingSerializer(
            listing_get_visible(listing_id=listing.pk, viewer=user), context={"viewer": user}
        ).data
        row = listing_row_visible(listing_id=listing.pk, viewer=user)
        assert listing_row_representation(row, viewer=user) == expected
    assert [photo["url"].rsplit("/", 1)[-1] for photo in expected["photos"]] == ["a.png", "b.png"]
    assert ("hidden_reason" in expected) == (viewer in ("provider", "admin"))


def test_a_paused_listing_is_hidden_from_others_and_shown_to_its_owner(tenant_a, listing):
    with tenant_a.context():
        Listing.objects.filter(pk=listing.pk).update(status=Listing.Status.PAUSED)
        with pytest.raises(NotFound):
            listing_row_visible(listing_id=listing.pk, viewer=tenant_a.users["customer"])
        with pytest.raises(NotFound):
            listing_row_visible(listing_id=listing.pk, viewer=None)
        owner = listing_row_visible(listing_id=listing.pk, viewer=tenant_a.users["provider"])
    assert owner["status"] == Listing.Status.PAUSED
    assert tenant_a.client().get(f"/api/listings/{listing.pk}/").status_code == 404


def test_the_listing_api_is_one_statement_and_shows_an_edit_at_once(tenant_a, listing):
    client = tenant_a.client()
    path = f"/api/listings/{listing.pk}/"
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        before = client.get(path).json()
    assert len(queries.captured_queries) == 1
    assert [photo["id"] for photo in before["photos"]] == sorted(
        (photo["id"] for photo in before["photos"]), reverse=True
    )

    changed = tenant_a.client("provider").patch(
        path,
        {"title": "Faster WLAN", "price": {"amount_minor": 9900, "currency": "CHF"}},
        format="json",
    )
    assert changed.status_code == 200, changed.content

    after = client.get(path).json()
    assert (after["title"], after["price"]["amount_minor"]) == ("Faster WLAN", 9900)
    assert after == {**before, "title": "Faster WLAN", "price": after["price"]}


def test_the_listing_page_shows_its_photos_in_order_and_an_edit_at_once(tenant_a, listing):
    client = tenant_a.client()
    path = f"/listings/{listing.pk}/"
    page = client.get(path).content.decode()
    assert page.index("listings/a.png") < page.index("listings/b.png")

    with tenant_a.context():
        Listing.objects.filter(pk=listing.pk).update(title="Faster WLAN")
        ListingPhoto.objects.filter(image="listings/a.png").delete()

    page = client.get(path).content.decode()
    assert "Faster WLAN" in page
    assert "listings/a.png" not in page
    assert "listings/b.png" in page


def test_the_listing_page_of_a_paused_listing_is_for_its_owner_only(tenant_a, listing):
    with tenant_a.context():
        Listing.objects.filter(pk=listing.pk).update(status=Listing.Status.PAUSED)
    path = f"/listings/{listing.pk}/"
    assert tenant_a.session_client("customer").get(path).status_code == 404
    assert tenant_a.session_client("provider").get(path).status_code == 200
