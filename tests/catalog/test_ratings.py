"""One truthful rating: the same number, stars and count on every page and in the API."""

from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.utils import timezone, translation

from quartier.bookings.models import Booking
from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.reviews import review_write
from quartier.catalog.selectors.ratings import mean, rating_of
from quartier.marketplace.services import marketplace_rating_minimum_set
from tests.bookings.factories import bookable_listing, confirmed_booking
from tests.catalog.factories import make_provider


class _Ratings(HTMLParser):
    """Every <span class="rating">: its data attributes and its visible text."""

    def __init__(self):
        super().__init__()
        self.found: list[dict] = []
        self._depth = 0
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._depth:
            self._depth += tag == "span"
            if "q-visually-hidden" in (attrs.get("class") or "") or attrs.get("aria-hidden"):
                self._hidden_depth = self._depth
        elif tag == "span" and attrs.get("class") == "rating":
            self._depth = 1
            self.found.append({"rating": attrs["data-rating"], "count": attrs["data-count"]})
            self.found[-1]["text"] = ""
            self.found[-1]["stars"] = ""

    def handle_endtag(self, tag):
        if self._depth and tag == "span":
            if self._hidden_depth == self._depth:
                self._hidden_depth = 0
            self._depth -= 1

    def handle_data(self, data):
        if not self._depth:
            return
        if "★" in data or "☆" in data:
            self.found[-1]["stars"] += data
        elif not self._hidden_depth:
            self.found[-1]["text"] += data


def _ratings(html: str) -> list[dict]:
    parser = _Ratings()
    parser.feed(html)
    for found in parser.found:
        found["text"] = " ".join(found["text"].split())
    return parser.found


def _row_of(html: str, provider_id: int, separator: str) -> str:
    rows = [row for row in html.split(separator) if f'href="/providers/{provider_id}/"' in row]
    assert len(rows) == 1
    return rows[0]


def _completed(listing, customer, *, days_ago: int) -> Booking:
    booking = confirmed_booking(listing=listing, customer=customer)
    # The job happened: moved into the past (the service refuses to complete the future).
    past = timezone.now() - timedelta(days=days_ago)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=past, ends_at=past + timedelta(hours=1), blocked_until=past + timedelta(hours=1)
    )
    booking.refresh_from_db()
    return booking_transition(booking=booking, action="complete", actor=listing.provider.user)


def _reviewed_provider(tenant, stars: list[int]):
    """A provider with one completed, two-way reviewed booking per entry of `stars`."""
    with tenant.context():
        provider = make_provider(display_name="Rita Rated")
        listing = bookable_listing(provider=provider, title="Zauberhafte Reparatur")
        for days_ago, given in enumerate(stars, start=1):
            booking = _completed(listing, tenant.users["customer"], days_ago=days_ago)
            review_write(booking=booking, author=tenant.users["customer"], rating=given)
            # The provider's review reveals both (two-way, sealed until both wrote).
            review_write(booking=booking, author=provider.user, rating=5)
        provider.refresh_from_db()
        return provider, listing


PAGES = ("results", "listing", "profile", "analytics", "dashboard")


def _everywhere(tenant, provider, listing) -> dict[str, dict]:
    visitor = tenant.client()
    results = visitor.get("/search/", {"q": "Zauberhafte", "postal_code": "8004"})
    listing_page = visitor.get(f"/listings/{listing.pk}/")
    profile_page = visitor.get(f"/providers/{provider.pk}/")
    analytics_page = tenant.session_client("admin").get("/back-office/analytics/")
    dashboard = tenant.client()
    dashboard.force_login(provider.user)
    dashboard_page = dashboard.get("/dashboard/provider/")
    assert dashboard_page.status_code == 200
    assert [page.status_code for page in (results, listing_page, profile_page)] == [200] * 3
    assert analytics_page.status_code == 200
    table = analytics_page.content.decode().split('id="provider-ratings"')[1]
    pages = {
        "results": _ratings(_row_of(results.content.decode(), provider.pk, '<li class="result">')),
        "listing": _ratings(listing_page.content.decode().split('id="provider-heading"')[1]),
        "profile": _ratings(profile_page.content.decode()),
        "analytics": _ratings(_row_of(table, provider.pk, "<tr>")),
        # The helper's own dashboard: the number customers see, not the ranking score.
        "dashboard": _ratings(dashboard_page.content.decode().split('id="rating"')[1]),
    }
    for name, found in pages.items():
        assert len(found) == 1, name
    return {name: found[0] for name, found in pages.items()}


def test_a_provider_shows_the_same_rating_and_count_on_every_page(tenant_a):
    provider, listing = _reviewed_provider(tenant_a, [5, 5, 4])

    shown = _everywhere(tenant_a, provider, listing)

    # 14 / 3 = 4.67 -> 4.7, stars from that same number; the Bayesian 4.25 is never shown
    expected = {"rating": "4.7", "count": "3", "stars": "★★★★★", "text": "4.7 · 3 reviews"}
    assert shown == dict.fromkeys(PAGES, expected)
    api = tenant_a.client().get(f"/api/providers/{provider.pk}/").json()
    assert api["rating"] == {"score": 4.7, "count": 3, "is_new": False}
    search = tenant_a.client().get("/api/listings/search/", {"q": "Zauberhafte"}).json()
    assert search["results"][0]["provider"]["rating"] == {"score": 4.7, "count": 3, "is_new": False}


def test_five_four_four_is_4_3_with_three_reviews_everywhere(tenant_a):
    provider, listing = _reviewed_provider(tenant_a, [5, 4, 4])

    shown = _everywhere(tenant_a, provider, listing)

    expected = {"rating": "4.3", "count": "3", "stars": "★★★★☆", "text": "4.3 · 3 reviews"}
    assert shown == dict.fromkeys(PAGES, expected)
    api = tenant_a.client().get(f"/api/providers/{provider.pk}/").json()
    assert api["rating"] == {"score": 4.3, "count": 3, "is_new": False}


def test_one_review_below_the_tenants_minimum_is_new_everywhere(tenant_a):
    provider, listing = _reviewed_provider(tenant_a, [5])

    shown = _everywhere(tenant_a, provider, listing)

    new = {"rating": "new", "count": "1", "stars": "", "text": "New · 1 review"}
    assert shown == dict.fromkeys(PAGES, new)


def test_the_tenant_lowers_the_minimum_and_one_review_shows_its_number(tenant_a):
    provider, listing = _reviewed_provider(tenant_a, [5])
    with tenant_a.context():
        marketplace_rating_minimum_set(actor=tenant_a.users["admin"], minimum=1)

    shown = _everywhere(tenant_a, provider, listing)

    # Not 4.17 (the Bayesian score), not 4 stars: one 5-star review is 5.0
    five = {"rating": "5.0", "count": "1", "stars": "★★★★★", "text": "5.0 · 1 review"}
    assert shown == dict.fromkeys(PAGES, five)


def test_the_number_uses_the_languages_decimal_mark(tenant_a):
    provider, listing = _reviewed_provider(tenant_a, [5, 4, 4])

    french = tenant_a.client().get(f"/providers/{provider.pk}/", HTTP_ACCEPT_LANGUAGE="fr")

    assert _ratings(french.content.decode())[0]["text"] == "4,3 · 3 évaluations"
    translation.activate("en")


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [(0, 0, None), (1, 5, "5.0"), (3, 14, "4.7"), (2, 9, "4.5"), (20, 89, "4.5"), (8, 33, "4.1")],
)
def test_the_mean_rounds_half_up_to_one_decimal(count, total, expected):
    assert mean(count=count, total=total) == (None if expected is None else Decimal(expected))


def test_stars_come_from_the_shown_number():
    assert rating_of(count=3, total=13, minimum=3).stars == 4  # 4.3
    assert rating_of(count=2, total=9, minimum=1).stars == 5  # 4.5
    assert rating_of(count=2, total=9, minimum=3).stars == 0  # New


def test_a_minimum_outside_1_to_50_is_refused_and_nothing_changes(tenant_a):
    from quartier.marketplace.models import AuditEntry, MarketplaceSettings
    from quartier.platform.errors import ApplicationError

    with tenant_a.context(), translation.override("en"):
        for wrong in (0, 51, "3"):
            with pytest.raises(ApplicationError) as refused:
                marketplace_rating_minimum_set(actor=tenant_a.users["admin"], minimum=wrong)
            assert refused.value.fields == {
                "rating_min_reviews": ["Choose a number of reviews from 1 to 50."]
            }
        assert MarketplaceSettings.objects.get().rating_min_reviews == 3
        assert not AuditEntry.objects.filter(action="marketplace.rating_minimum_set").exists()
