"""htmx swaps parts of pages in place: the results of a search (new filters, order, the
next page), a day's time chips, the new-address fields checked as they are left. The
same URLs answer whole pages without the HX-Request header (no JavaScript)."""

import pytest

from tests.bookings.factories import ZURICH, bookable_listing, next_local
from tests.catalog.factories import make_provider

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def listings(tenant_a):
    with tenant_a.context():
        return [
            bookable_listing(provider=make_provider(display_name=f"Helper {n}"), title=f"WLAN {n}")
            for n in range(2)
        ]


def test_a_search_through_htmx_answers_the_results_alone(tenant_a, listings):
    client = tenant_a.client()

    part = client.get("/search/?postal_code=8004&category=&sort=price", **HTMX)
    page = client.get("/search/?postal_code=8004&category=&sort=price")

    body = part.content.decode()
    assert part.status_code == 200
    assert body.lstrip().startswith('<div id="rs-results"')
    assert "<html" not in body
    assert body.count('<li class="result">') == 2
    assert '<span id="rs-drawer-label" hx-swap-oob="true">' in body
    assert "HX-Request" in part["Vary"]
    assert page.content.decode().count('<li class="result">') == 2
    assert "<html" in page.content.decode()


def test_a_search_with_errors_through_htmx_loads_the_whole_page(tenant_a, listings):
    part = tenant_a.client().get("/search/?postal_code=12", **HTMX)

    assert part.status_code == 200
    assert part["HX-Redirect"] == "/search/?postal_code=12"
    assert part.content == b""


def test_more_results_through_htmx_append_cards_and_a_new_link(tenant_a, listings, monkeypatch):
    from quartier.storefront import views

    # one card a page (the page only ever asks for the default size)
    original = views.listing_search_from_query
    monkeypatch.setattr(
        views, "listing_search_from_query", lambda data: original({**data, "page_size": 1})
    )
    client = tenant_a.client()
    first = client.get("/search/?postal_code=8004").content.decode()
    assert first.count('<li class="result">') == 1
    next_href = first.split('class="rs-more" href="?')[1].split('"')[0].replace("&amp;", "&")

    more = client.get(f"/search/?{next_href}", HTTP_HX_TARGET="rs-more", **HTMX)

    body = more.content.decode()
    assert body.lstrip().startswith('<ol hx-swap-oob="beforeend:#rs-list">')
    assert body.count('<li class="result">') == 1
    assert '<p id="rs-more">' in body
    assert 'id="rs-results"' not in body


def test_a_days_chips_through_htmx_also_mark_the_chosen_day(tenant_a):
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
    client = tenant_a.session_client("customer")
    day = next_local(14).astimezone(ZURICH).date().isoformat()
    url = f"/listings/{listing.pk}/book/?day={day}&fragment=chips"

    part = client.get(url, **HTMX).content.decode()
    plain = client.get(url).content.decode()

    assert part.lstrip().startswith('<div id="bk-chips"')
    assert '<nav class="bk-strip" id="bk-strip"' in part
    assert 'hx-swap-oob="true"' in part
    assert f'id="bk-day-{day}" ' in part
    assert "bk-strip" not in plain


@pytest.fixture
def address_url(tenant_a):
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
    return f"/listings/{listing.pk}/book/?fragment=address"


def test_a_known_postal_code_answers_its_field_with_the_place(tenant_a, address_url):
    client = tenant_a.session_client("customer")

    part = client.get(
        address_url + "&slot-street=&slot-postal_code=8004",
        HTTP_HX_TRIGGER_NAME="slot-postal_code",
        **HTMX,
    )

    body = part.content.decode()
    assert part.status_code == 200
    assert body.startswith('<div class="field">')
    assert 'name="slot-postal_code"' in body
    assert 'name="slot-street"' not in body  # only the field just left is swapped
    assert '<p class="field-hint" role="status">Zürich</p>' in body
    assert 'hx-get="' in body  # checked again when left again
    assert 'class="error"' not in body


def test_an_unknown_postal_code_is_named_at_once(tenant_a, address_url):
    client = tenant_a.session_client("customer")

    part = client.get(
        address_url + "&slot-street=Langstrasse+12&slot-postal_code=0000",
        HTTP_ACCEPT_LANGUAGE="de",
        HTTP_HX_TRIGGER_NAME="slot-postal_code",
        **HTMX,
    )

    body = part.content.decode()
    assert '<p id="id_slot-postal_code-error" class="error">Unbekannte Postleitzahl 0000.' in body
    assert body.count('class="error"') == 1
    assert 'aria-invalid="true"' in body


def test_an_empty_field_left_behind_stays_quiet(tenant_a, address_url):
    client = tenant_a.session_client("customer")

    part = client.get(address_url + "&slot-street=", HTTP_HX_TRIGGER_NAME="slot-street", **HTMX)

    body = part.content.decode()
    assert 'name="slot-street"' in body
    assert 'class="error"' not in body  # the submit says what is missing, not the blur


def test_the_address_check_needs_a_signed_in_customer(tenant_a, address_url):
    response = tenant_a.client().get(address_url + "&slot-postal_code=8004", **HTMX)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
