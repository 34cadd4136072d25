"""The storefront's public pages: home, search results, a listing, a provider.

They put together what several domains own (listings from catalog, reviews from
bookings, badge names from trust), so they sit above all three and read each through
its selectors; catalog, bookings and trust never import this app.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from quartier.bookings.availability import marketplace_zone, next_free_slots
from quartier.bookings.selectors import public_reviews_of
from quartier.catalog.api.serializers import SearchQuerySerializer, SearchResultSerializer
from quartier.catalog.api.views import listing_search_from_query
from quartier.catalog.selectors import catalog as selectors
from quartier.catalog.selectors.search import listing_search
from quartier.catalog.seo import service_json_ld
from quartier.marketplace.selectors import marketplace_settings
from quartier.platform import fragments
from quartier.platform.errors import ApplicationError
from quartier.platform.headers import framed_by_same_origin
from quartier.platform.params import integer_or_none
from quartier.platform.response_cache import shared_cache
from quartier.providers import selectors as provider_selectors
from quartier.trust.selectors import BadgeChip, active_badges, badge_chips


# The back office theme editor previews the home page in an iframe of the same host.
@shared_cache
@framed_by_same_origin
def home(request):
    """The tenant's categories as tiles, "get help now", and what is popular around the
    visitor's last searched postal code."""
    context = {
        "marketplace": marketplace_settings(),
        "tiles": [c for c in selectors.categories_active() if c.parent_id is None],
    }
    postal_code = request.COOKIES.get(POSTAL_CODE_COOKIE, "")
    if re.fullmatch(r"[1-9][0-9]{3}", postal_code):
        context["postal_code"] = postal_code
        context["popular"] = _popular_near(postal_code)
    return render(request, "storefront/home.html", context)


def _popular_near(postal_code: str) -> list:
    serializer = SearchQuerySerializer(data={"postal_code": postal_code, "sort": "rating"})
    if not serializer.is_valid():
        return []
    try:
        page = listing_search(listing_search_from_query(serializer.validated_data))
    except ApplicationError:  # a postal code that no longer exists
        return []
    page.results = page.results[:POPULAR_COUNT]
    return _result_cards(page, sort=None)[1]


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
SORT_CHOICES = (
    ("relevance", gettext_lazy("Best match")),
    ("distance", gettext_lazy("Nearest")),
    ("price", gettext_lazy("Lowest price")),
    ("rating", gettext_lazy("Best rated")),
    ("soonest", gettext_lazy("Soonest available")),
)
# The catalog search knows nothing of calendars: "soonest" orders each page of the
# relevance results by the next free slot, which bookings computes.
SOONEST = "soonest"
# Filters inside the drawer, counted on its "Filters (2)" button.
DRAWER_FIELDS = ("radius_km", "category", "price_min", "price_max", "min_rating", "badge")


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
        if name == "sort" and value == SOONEST:
            continue
        params[name] = value
    return params


def _drawer_count(query) -> int:
    return sum(
        1
        for name in DRAWER_FIELDS
        if query.get(name, "").strip() and not (name == "radius_km" and query[name] == "10")
    )


def _card_extras(results: list[dict]) -> None:
    """Avatar and next free slot for each card; the provider's calendar decides."""
    profiles = provider_selectors.provider_profiles_by_id(
        {result["provider"]["id"] for result in results}
    )
    zone = marketplace_zone()
    now = timezone.now()
    today = timezone.localtime(now, zone).date()
    wanted = [
        (profiles[result["provider"]["id"]], result["duration_minutes"] or 60)
        for result in results
        if not result["is_remote"] and result["provider"]["id"] in profiles
    ]
    slots = next_free_slots(wanted=wanted, now=now)
    for result in results:
        profile = profiles.get(result["provider"]["id"])
        result["avatar_url"] = profile.photo.url if profile and profile.photo else ""
        name = result["provider"]["display_name"] or "?"
        result["initials"] = "".join(part[:1] for part in name.split()[:2]).upper()
        key = (result["provider"]["id"], result["duration_minutes"] or 60)
        slot = None if result["is_remote"] else slots.get(key)
        result["next_slot"] = _when(slot.starts_at, zone, today) if slot else None
        result["next_slot_at"] = slot.starts_at if slot else None


def _when(moment, zone, today) -> str:
    local = timezone.localtime(moment, zone)
    clock = local.strftime("%H:%M")
    if local.date() == today:
        return _("today %(time)s") % {"time": clock}
    if local.date() == today + timedelta(days=1):
        return _("tomorrow %(time)s") % {"time": clock}
    return f"{date_format(local, 'D j M')}, {clock}"


def badge_names() -> dict[str, str]:
    """Badge slug -> name in the active language, for showing a listing's badges."""
    language = (get_language() or "en")[:2]
    return {badge.slug: badge.name_in(language) for badge in active_badges()}


# 24 x 24 glyphs drawn white on the badge's colour, one per Badge.Icon.
ICON_PATHS = {
    "shield": "M12 2 4 5v6c0 5.1 3.4 9.4 8 11 4.6-1.6 8-5.9 8-11V5z",
    "star": "m12 2 3.1 6.3 6.9 1-5 4.9 1.2 6.8-6.2-3.2-6.2 3.2 1.2-6.8-5-4.9 6.9-1z",
    "check": "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z",
    "heart": "M12 21.3 10.6 20C5.4 15.4 2 12.3 2 8.5 2 5.4 4.4 3 7.5 3c1.7 0 3.4.8 "
    "4.5 2.1C13.1 3.8 14.8 3 16.5 3 19.6 3 22 5.4 22 8.5c0 3.8-3.4 6.9-8.6 11.5z",
    "bolt": "M13 2 3 14h7l-1 8 10-12h-7z",
    "medal": "M7 2h4l1 5 1-5h4l-3 8.3A6 6 0 1 1 10 10.3zm5 11a3 3 0 1 0 0 6 3 3 0 0 0 0-6z",
}


def _chip(chip: BadgeChip) -> dict:
    """A badge chip for the template: name, colour and icon, and a title saying what
    the badge certifies and until when."""
    certifies = chip.description or chip.name
    if chip.valid_until is None:
        title = _("%(certifies)s — no end date") % {"certifies": certifies}
    else:
        title = _("%(certifies)s — valid until %(date)s") % {
            "certifies": certifies,
            "date": date_format(chip.valid_until, "DATE_FORMAT"),
        }
    return {
        "slug": chip.slug,
        "name": chip.name,
        "colour": chip.colour,
        "path": ICON_PATHS.get(chip.icon, ICON_PATHS["shield"]),
        "title": title,
    }


def chips_by_provider(slugs_by_provider: dict[int, list[str]]) -> dict[int, list[dict]]:
    found = badge_chips(slugs_by_provider=slugs_by_provider)
    return {provider_id: [_chip(chip) for chip in chips] for provider_id, chips in found.items()}


def _result_cards(page, *, sort: str | None) -> tuple[list[dict], list]:
    """A search page's results as card values, and each card rendered (from memory
    when the same card was drawn before)."""
    results = SearchResultSerializer(page.results, many=True).data
    # A listing carries only the badges of its category (trust mirrors them),
    # so one provider's listings may differ: ask for all, show each its own.
    slugs: dict[int, list[str]] = {}
    for result in results:
        provider_slugs = slugs.setdefault(result["provider"]["id"], [])
        provider_slugs += [s for s in result["provider"]["badges"] if s not in provider_slugs]
    chips = badge_chips(slugs_by_provider=slugs)
    for result in results:
        result["chips"] = [
            _chip(chip)
            for chip in chips[result["provider"]["id"]]
            if chip.slug in result["provider"]["badges"]
        ]
    _card_extras(results)
    if sort == SOONEST:
        far = timezone.now() + timedelta(days=3650)
        results.sort(key=lambda result: result.get("next_slot_at") or far)
    # The cards repeat from search to search: each is rendered once per
    # content (tenant, generation, language and the card's own values).
    cards = fragments.rendered(
        "storefront/_result_card.html",
        [{"result": result, "first": index == 0} for index, result in enumerate(results)],
    )
    return results, cards


@shared_cache
def search(request):
    params = _search_params(request.GET)
    categories = selectors.categories_active()
    context = {
        "query": request.GET,
        "categories": categories,
        "badges": badge_names(),
        "rating_choices": RATING_CHOICES,
        "sort_choices": SORT_CHOICES,
        "drawer_count": _drawer_count(request.GET),
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
                results, cards = _result_cards(page, sort=request.GET.get("sort"))
                context["results"], context["cards"] = results, cards
                context["postal_code"] = serializer.validated_data.get("postal_code")
                context["facets"] = {
                    category.pk: page.facets[category.pk]
                    for category in categories
                    if category.pk in page.facets
                }
                if page.next_cursor:
                    following = request.GET.copy()
                    following["cursor"] = page.next_cursor
                    context["next_query"] = following.urlencode()
    if request.htmx:
        response = _search_part(request, context, status)
    else:
        response = render(request, "storefront/search.html", context, status=status)
    if context.get("postal_code"):
        _remember_postal_code(response, context["postal_code"])
    return response


# The last postal code searched, so home can show what is popular there. A cookie, not
# the session: an anonymous search writes nothing on the server.
POSTAL_CODE_COOKIE = "q_postal_code"
POPULAR_COUNT = 4


def _remember_postal_code(response, postal_code: str) -> None:
    response.set_cookie(
        POSTAL_CODE_COOKIE,
        postal_code,
        max_age=180 * 24 * 60 * 60,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _search_part(request, context: dict, status: int):
    """htmx asked for the results alone (new filters or order), or the next page's cards.
    A search with errors loads as a whole page, where the errors sit beside the fields."""
    if status != 200:
        response = HttpResponseClientRedirect(request.get_full_path())
    else:
        context["more_only"] = request.htmx.target == "rs-more"
        context["swapped"] = True
        response = render(request, "storefront/_results.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# The serializer speaks to API clients (minor units, "Ensure this value is less than or
# equal to 100000000."); a person on the page gets what to do, in the page's own units.
# Only the validators' generic codes are replaced: the search's own checks already say
# what to do.
GENERIC_CODES = frozenset(
    {
        "invalid",
        "required",
        "null",
        "blank",
        "max_value",
        "min_value",
        "max_length",
        "min_length",
        "invalid_choice",
        "max_digits",
        "max_decimal_places",
        "max_whole_digits",
    }
)
FIELD_MESSAGES = {
    "q": gettext_lazy("Use at most 200 characters."),
    "postal_code": gettext_lazy("Enter a Swiss postal code of four digits, e.g. 8004."),
    "radius_km": gettext_lazy("Enter a distance from 1 to 200 km."),
    "price_min": gettext_lazy("Enter a whole number of francs, e.g. 80."),
    "price_max": gettext_lazy("Enter a whole number of francs, e.g. 80."),
    "min_rating": gettext_lazy("Choose a rating from the list."),
    "badge": gettext_lazy("Choose a badge from the list."),
    "category": gettext_lazy("Choose a category from the list."),
    "sort": gettext_lazy("Choose an order from the list."),
    "cursor": gettext_lazy("These results have changed; please search again."),
}


def _flatten(errors) -> dict[str, list[str]]:
    """Serializer errors -> {field: [messages a person understands]}; errors not tied to
    a field go under q."""
    flat: dict[str, list[str]] = {}
    for field, field_messages in errors.items():
        target = "q" if field == "non_field_errors" else field
        for message in field_messages:
            code = getattr(message, "code", None)
            if code in GENERIC_CODES and target in FIELD_MESSAGES:
                message = FIELD_MESSAGES[target]
            if str(message) not in flat.setdefault(target, []):
                flat[target].append(str(message))
    return flat


@shared_cache
def listing_detail(request, pk):
    listing, photos = selectors.listing_page_get(listing_id=pk, viewer=request.user)
    return render(
        request,
        "storefront/listing_detail.html",
        {
            "listing": listing,
            "photos": photos,
            "provider": listing.provider,
            "provider_badges": chips_by_provider(
                {listing.provider_id: listing.provider.badge_slugs}
            )[listing.provider_id],
            "reviews": list(public_reviews_of(listing.provider)[:20]),
            "json_ld": service_json_ld(request, listing),
        },
    )


@shared_cache
def provider_detail(request, pk):
    profile = provider_selectors.provider_profile_get(profile_id=pk, viewer=request.user)
    return render(
        request,
        "storefront/provider_detail.html",
        {
            "profile": profile,
            "listings": selectors.listings_of_provider(profile),
            "provider_badges": chips_by_provider({profile.pk: profile.badge_slugs})[profile.pk],
            "reviews": list(public_reviews_of(profile)[:20]),
        },
    )
