"""The storefront's public pages: home, search results, a listing, a provider.

They put together what several domains own (listings from catalog, reviews from
bookings, badge names from trust), so they sit above all three and read each through
its selectors; catalog, bookings and trust never import this app.
"""

from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from quartier.bookings.selectors import public_reviews_of
from quartier.catalog.api.serializers import SearchQuerySerializer, SearchResultSerializer
from quartier.catalog.api.views import listing_search_from_query
from quartier.catalog.selectors import catalog as selectors
from quartier.catalog.selectors.search import listing_search
from quartier.catalog.seo import service_json_ld
from quartier.marketplace.selectors import marketplace_settings
from quartier.platform.errors import ApplicationError
from quartier.platform.headers import framed_by_same_origin
from quartier.platform.params import integer_or_none
from quartier.providers import selectors as provider_selectors
from quartier.trust.selectors import badges


# The back office theme editor previews the home page in an iframe of the same host.
@framed_by_same_origin
def home(request):
    return render(request, "storefront/home.html", {"marketplace": marketplace_settings()})


# The page takes whole francs; the search (and the API) takes minor units.
PRICE_FIELDS = ("price_min", "price_max")
FILTER_FIELDS = (
    "q",
    "postal_code",
    "radius_km",
    "category",
    "price_min",
    "price_max",
    "min_rating",
    "badge",
    "sort",
    "cursor",
)
RATING_CHOICES = (("", gettext_lazy("Any rating")), ("3", "3+"), ("4", "4+"), ("4.5", "4.5+"))


def _search_params(query) -> dict:
    """The query string as the search serializer expects it: no empty values, prices in
    minor units (anything not a whole number is passed on for the serializer to refuse)."""
    params = {}
    for name in FILTER_FIELDS:
        value = query.get(name, "").strip()
        if not value:
            continue
        francs = integer_or_none(value) if name in PRICE_FIELDS else None
        if francs is not None:
            value = str(francs * 100)
        params[name] = value
    return params


def badge_names() -> dict[str, str]:
    """Badge slug -> name in the active language, for showing a listing's badges."""
    language = (get_language() or "en")[:2]
    return {badge.slug: badge.name_in(language) for badge in badges()}


def search(request):
    params = _search_params(request.GET)
    categories = list(selectors.category_list())
    context = {
        "query": request.GET,
        "categories": categories,
        "badges": badge_names(),
        "rating_choices": RATING_CHOICES,
        "errors": {},
        "title": _("Find help near you"),
    }
    status = 200
    if params:
        serializer = SearchQuerySerializer(data=params)
        if not serializer.is_valid():
            context["errors"], status = _flatten(serializer.errors), 400
        else:
            try:
                page = listing_search(listing_search_from_query(serializer.validated_data))
            except ApplicationError as error:
                context["errors"], status = error.fields or {"q": [error.message]}, 400
            else:
                photos = selectors.first_photos([row["id"] for row in page.results])
                for row in page.results:
                    row["photo_url"] = photos.get(row["id"])
                context["results"] = SearchResultSerializer(page.results, many=True).data
                context["facets"] = {
                    category.pk: page.facets[category.pk]
                    for category in categories
                    if category.pk in page.facets
                }
                if page.next_cursor:
                    following = request.GET.copy()
                    following["cursor"] = page.next_cursor
                    context["next_query"] = following.urlencode()
    return render(request, "storefront/search.html", context, status=status)


def _flatten(errors) -> dict[str, list[str]]:
    """Serializer errors -> {field: [messages]}; errors not tied to a field go under q."""
    flat: dict[str, list[str]] = {}
    for field, field_messages in errors.items():
        target = "q" if field == "non_field_errors" else field
        flat.setdefault(target, []).extend(str(message) for message in field_messages)
    return flat


def listing_detail(request, pk):
    listing = selectors.listing_get_visible(listing_id=pk, viewer=request.user)
    names = badge_names()
    return render(
        request,
        "storefront/listing_detail.html",
        {
            "listing": listing,
            "provider": listing.provider,
            "provider_badges": [
                names[slug] for slug in listing.provider.badge_slugs if slug in names
            ],
            "reviews": list(public_reviews_of(listing.provider)[:20]),
            "rating": _rating(listing.provider),
            "json_ld": service_json_ld(request, listing),
        },
    )


def _rating(profile) -> str | None:
    return f"{profile.rating_score / 100:.1f}" if profile.rating_count else None


def provider_detail(request, pk):
    profile = provider_selectors.provider_profile_get(profile_id=pk, viewer=request.user)
    names = badge_names()
    return render(
        request,
        "storefront/provider_detail.html",
        {
            "profile": profile,
            "listings": selectors.listings_of_provider(profile),
            "provider_badges": [names[slug] for slug in profile.badge_slugs if slug in names],
            "reviews": list(public_reviews_of(profile)[:20]),
            "rating": _rating(profile),
        },
    )
