"""Search-engine basics per tenant: sitemap.xml, robots.txt and JSON-LD for services.

Everything is built from the request's own host, so each tenant's marketplace (its
subdomain or custom domain) describes only itself.
"""

import json

from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from quartier.catalog.models import Listing
from quartier.catalog.selectors.ratings import provider_rating
from quartier.providers.models import ProviderProfile

# A sitemap file holds at most 50,000 URLs; beyond that it would need an index.
SITEMAP_LIMIT = 50_000
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def sitemap(request) -> HttpResponse:
    base = f"{request.scheme}://{request.get_host()}"
    paths = ["/", reverse("storefront:search")]
    listings = (
        Listing.objects.published().order_by("pk").values_list("pk", flat=True)[:SITEMAP_LIMIT]
    )
    paths += [reverse("storefront:listing", args=[pk]) for pk in listings]
    providers = ProviderProfile.objects.filter(is_suspended=False).order_by("pk")
    paths += [
        reverse("storefront:provider", args=[pk]) for pk in providers.values_list("pk", flat=True)
    ]
    entries = "".join(f"<url><loc>{escape(base + path)}</loc></url>" for path in paths)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )
    return HttpResponse(body, content_type="application/xml")


def robots(request) -> HttpResponse:
    base = f"{request.scheme}://{request.get_host()}"
    lines = [
        "User-agent: *",
        "Disallow: /back-office/",
        "Disallow: /api/",
        f"Sitemap: {base}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def service_json_ld(request, listing: Listing) -> SafeString:
    """schema.org Service for a listing, safe to put inside a <script> element."""
    price = listing.price
    data = {
        "@context": "https://schema.org",
        "@type": "Service",
        "name": listing.title,
        "description": listing.description[:500],
        "url": request.build_absolute_uri(reverse("storefront:listing", args=[listing.pk])),
        "provider": {"@type": "Person", "name": listing.provider.display_name},
        "offers": {
            "@type": "Offer",
            "price": str(price.as_decimal()),
            "priceCurrency": price.currency,
        },
    }
    if listing.postal_code and not listing.is_remote:
        data["areaServed"] = {"@type": "PostalAddress", "postalCode": listing.postal_code}
    rating = provider_rating(listing.provider)
    if rating.value is not None:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(rating.value),
            "reviewCount": rating.count,
        }
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above
