"""Results as cards: cover or placeholder, avatar, price and unit, rating, distance, the
next free slot; sort by soonest; the filter drawer and its count; the empty state."""

import pytest

from quartier.catalog.models import Listing
from tests.bookings.factories import bookable_listing
from tests.catalog.factories import make_listing, make_provider


@pytest.fixture
def listings(tenant_a):
    with tenant_a.context():
        # Lea works 17:00-18:00 only, Emil 08:00-18:00, Ida has no hours at all.
        late = bookable_listing(
            provider=make_provider(display_name="Lea Late"), title="Late WLAN", francs=40
        )
        from quartier.bookings.models import WeeklyHours

        WeeklyHours.objects.filter(provider=late.provider).update(starts="17:00", ends="18:00")
        early = bookable_listing(
            provider=make_provider(display_name="Emil Early"), title="Early WLAN", francs=90
        )
        Listing.objects.filter(pk=early.pk).update(price_unit=Listing.PriceUnit.HOUR)
        idle = make_listing(provider=make_provider(display_name="Ida Idle"), title="Idle WLAN")
        return {"late": late, "early": early, "idle": idle}


def _titles(page: str) -> list[str]:
    return [
        title
        for chunk in page.split('<li class="result">')[1:]
        for title in ("Late WLAN", "Early WLAN", "Idle WLAN")
        if f">{title}</a>" in chunk
    ]


def test_cards_show_placeholder_avatar_unit_rating_and_next_slot(tenant_a, listings):
    page = tenant_a.client().get("/search/?postal_code=8004", HTTP_ACCEPT_LANGUAGE="de")
    text = page.content.decode()

    assert page.status_code == 200
    assert text.count('<li class="result">') == 3
    assert text.count('class="rs-placeholder"') == 3  # no photos yet: the tenant's colours
    assert '<span class="rs-avatar" aria-hidden="true">EE</span>' in text
    assert "Pro Stunde" in text  # the unit, translated
    assert "Neu" in text  # below the tenant's minimum count of reviews
    assert "Nächster freier Termin:" in text
    assert "In den nächsten zwei Wochen nichts frei" in text  # Ida has no hours
    assert "km" in text


def test_soonest_orders_by_the_next_free_slot(tenant_a, listings):
    page = tenant_a.client().get("/search/?postal_code=8004&sort=soonest").content.decode()
    # No free time sorts last; Emil is never later than Lea (a tie keeps relevance).
    assert _titles(page)[-1] == "Idle WLAN"
    assert sorted(_titles(page)[:2]) == ["Early WLAN", "Late WLAN"]


def test_the_filter_drawer_counts_active_filters_and_works_without_js(tenant_a, listings):
    page = (
        tenant_a.client()
        .get("/search/?postal_code=8004&radius_km=25&price_max=100&category=")
        .content.decode()
    )
    assert '<details class="rs-drawer"' in page
    assert "Filters (2)" in page
    assert '<option value="soonest">Soonest available</option>' in page


def test_no_result_offers_to_post_the_task(tenant_a):
    page = tenant_a.client().get("/search/?postal_code=1200&q=zzzz", HTTP_ACCEPT_LANGUAGE="fr")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Pas encore d’intervenant près de chez vous." in text
    assert 'href="/tasks/new/"' in text
