"""Rendered fragments kept in memory (platform/fragments.py: the results cards) and the
cached badges never cross tenants, and a write shows on the next page at once."""

from django.db import connection

from quartier.catalog.models import Listing
from quartier.platform import fragments
from quartier.platform.tenant_cache import invalidate, request_scope, tenant_key
from quartier.trust.services.badges import badge_create, badge_update
from tests.catalog.factories import make_listing, make_provider

CONTEXT = {"result": {"id": 1, "title": "Same card"}, "first": True}


def _render(handle, renders):
    def render(template_name, context):
        renders.append(connection.schema_name)
        return f"<li>{connection.schema_name}</li>"

    with handle.context(), request_scope():
        return fragments.rendered("tests/card.html", [CONTEXT], render=render)[0]


def test_telcos_cached_fragment_is_never_served_on_acme(tenant_a, tenant_b):
    renders = []
    first_a = _render(tenant_a, renders)
    again_a = _render(tenant_a, renders)
    on_b = _render(tenant_b, renders)

    assert first_a == again_a == f"<li>{tenant_a.tenant.schema_name}</li>"
    assert on_b == f"<li>{tenant_b.tenant.schema_name}</li>"
    # A's second request came from memory; B's identical context was rendered for B.
    assert renders == [tenant_a.tenant.schema_name, tenant_b.tenant.schema_name]


def test_a_new_generation_renders_the_fragment_again(tenant_a):
    renders = []
    _render(tenant_a, renders)
    with tenant_a.context():
        invalidate(tenant_key("marketplace:settings"))  # any per-tenant setting changed

    _render(tenant_a, renders)

    assert renders == [tenant_a.tenant.schema_name, tenant_a.tenant.schema_name]


def _search(handle, listing):
    return handle.client().get(f"/search/?postal_code={listing.postal_code}&q=WLAN")


def test_an_edited_listing_shows_on_the_results_page_at_once_and_only_on_its_tenant(
    tenant_a, tenant_b
):
    with tenant_a.context():
        listing_a = make_listing(provider=make_provider(), title="WLAN alpha")
    with tenant_b.context():
        listing_b = make_listing(provider=make_provider(), title="WLAN beta")
    assert "WLAN alpha" in _search(tenant_a, listing_a).content.decode()  # cards cached
    assert "WLAN alpha" in _search(tenant_a, listing_a).content.decode()

    with tenant_a.context():
        Listing.objects.filter(pk=listing_a.pk).update(title="WLAN renamed")

    page_a = _search(tenant_a, listing_a).content.decode()
    page_b = _search(tenant_b, listing_b).content.decode()
    assert "WLAN renamed" in page_a
    assert "WLAN alpha" not in page_a
    assert "WLAN beta" in page_b
    assert "WLAN alpha" not in page_b
    assert "WLAN renamed" not in page_b


def test_a_new_or_renamed_badge_shows_on_the_results_page_at_once_and_only_there(
    tenant_a, tenant_b
):
    with tenant_a.context():
        listing = make_listing(provider=make_provider(), title="WLAN alpha")
    assert "Cache badge" not in _search(tenant_a, listing).content.decode()  # warm
    assert "Cache badge" not in _search(tenant_b, listing).content.decode()

    with tenant_a.context():
        badge = badge_create(
            slug="cache-badge", names={"en": "Cache badge"}, actor=tenant_a.users["admin"]
        )
    assert "Cache badge" in _search(tenant_a, listing).content.decode()
    assert "Cache badge" not in _search(tenant_b, listing).content.decode()

    with tenant_a.context():
        badge_update(badge=badge, actor=tenant_a.users["admin"], names={"en": "Renamed badge"})
    page = _search(tenant_a, listing).content.decode()
    assert "Renamed badge" in page
    assert "Cache badge" not in page
