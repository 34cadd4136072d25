"""SEO basics: a sitemap and robots.txt per tenant, canonical URLs, JSON-LD for services."""

import json
import re

from quartier.catalog.models import Listing
from tests.catalog.factories import make_listing, make_provider


def test_the_sitemap_lists_this_tenants_public_pages_only(tenant_a, tenant_b):
    with tenant_a.context():
        provider = make_provider()
        shown = make_listing(provider=provider, title="Shown")
        draft = make_listing(provider=provider, title="Draft", publish=False)

    sitemap = tenant_a.client().get("/sitemap.xml")
    other = tenant_b.client().get("/sitemap.xml")

    assert sitemap["Content-Type"] == "application/xml"
    locations = re.findall(r"<loc>(.*?)</loc>", sitemap.content.decode())
    assert f"http://telco.localhost/listings/{shown.pk}/" in locations
    assert f"http://telco.localhost/listings/{draft.pk}/" not in locations
    assert f"http://telco.localhost/providers/{provider.pk}/" in locations
    assert all(
        loc.startswith("http://acme.localhost/")
        for loc in re.findall(r"<loc>(.*?)</loc>", other.content.decode())
    )


def test_robots_points_at_the_tenants_sitemap(tenant_a):
    robots = tenant_a.client().get("/robots.txt").content.decode()

    assert "Sitemap: http://telco.localhost/sitemap.xml" in robots
    assert "Disallow: /back-office/" in robots


def test_a_listing_page_has_a_canonical_url_and_inert_json_ld(tenant_a):
    with tenant_a.context():
        listing = make_listing(
            provider=make_provider(), title="</script><script>alert(1)</script>", francs=85
        )
        Listing.objects.filter(pk=listing.pk).update(description="Fast & friendly <b>help</b>")

    page = tenant_a.client().get(f"/listings/{listing.pk}/?utm=x").content.decode()

    assert f'<link rel="canonical" href="http://telco.localhost/listings/{listing.pk}/">' in page
    assert "<script>alert(1)</script>" not in page
    [raw] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(raw)
    assert data["@type"] == "Service"
    assert data["name"] == "</script><script>alert(1)</script>"
    assert data["offers"] == {"@type": "Offer", "price": "85.00", "priceCurrency": "CHF"}
    assert '<meta name="description" content="Fast &amp; friendly &lt;b&gt;help&lt;/b&gt;">' in page
