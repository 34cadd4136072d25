"""Home: the tenant's categories as tiles (translated), "get help now", and what is
popular around the postal code the visitor searched last (a cookie, nothing stored)."""

from html import escape

import pytest

from quartier.catalog.models import Category
from quartier.storefront.views import POSTAL_CODE_COOKIE
from tests.bookings.factories import bookable_listing
from tests.catalog.factories import make_provider


@pytest.fixture
def listings(tenant_a):
    with tenant_a.context():
        return [
            bookable_listing(provider=make_provider(display_name=f"Helper {n}"), title=f"WLAN {n}")
            for n in range(5)
        ]


def test_home_shows_the_tenants_top_categories_as_tiles_in_the_visitors_language(tenant_a):
    with tenant_a.context():
        roots = list(Category.objects.filter(parent=None, is_active=True))
        child = Category.objects.exclude(parent=None).first()
    client = tenant_a.client()

    english = client.get("/").content.decode()
    german = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert english.count('class="q-tile"') == len(roots) > 0
    assert f"?category={roots[0].slug}" in english
    assert f'?category={child.slug}"' not in english  # sub-categories live in the filters
    assert escape(roots[0].names["de"]) in german
    assert 'href="/bookings/urgent/"' in english


def test_a_search_remembers_its_postal_code_and_home_shows_whats_popular_there(tenant_a, listings):
    client = tenant_a.client()
    assert "Popular near" not in client.get("/").content.decode()

    search = client.get("/search/?postal_code=8004")
    home = client.get("/").content.decode()

    assert search.cookies[POSTAL_CODE_COOKIE].value == "8004"
    assert search.cookies[POSTAL_CODE_COOKIE]["httponly"]
    assert "Popular near 8004" in home
    assert home.count('<li class="result">') == 4  # the best rated few, then "see all"
    assert "postal_code=8004&amp;sort=rating" in home
    assert "?category=internet-wlan&amp;postal_code=8004" in home


@pytest.mark.parametrize("value", ["0000", "80O4", "8004'><script>", "9" * 500, "8004 "])
def test_a_forged_postal_code_cookie_is_ignored(tenant_a, listings, value):
    client = tenant_a.client()
    client.cookies[POSTAL_CODE_COOKIE] = value

    response = client.get("/")

    assert response.status_code == 200
    assert "Popular near" not in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_an_unknown_postal_code_cookie_shows_no_popular_section(tenant_a, listings):
    client = tenant_a.client()
    client.cookies[POSTAL_CODE_COOKIE] = "9999"

    response = client.get("/")

    assert response.status_code == 200
    assert "Popular near" not in response.content.decode()
