"""Server-rendered catalog pages: search results, listing, provider profile."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from quartier.catalog.api.serializers import SearchQuerySerializer, SearchResultSerializer
from quartier.catalog.api.views import listing_search_from_query
from quartier.catalog.selectors import catalog as selectors
from quartier.catalog.selectors.search import listing_search
from quartier.platform.errors import ApplicationError


def search(request):
    serializer = SearchQuerySerializer(data=request.GET)
    context = {"query": request.GET, "categories": selectors.category_list(), "errors": {}}
    status = 200
    if not serializer.is_valid():
        context["errors"], status = serializer.errors, 400
    elif request.GET:
        try:
            page = listing_search(listing_search_from_query(serializer.validated_data))
        except ApplicationError as error:
            context["errors"], status = error.fields or {"q": [error.message]}, 400
        else:
            photos = selectors.first_photos([row["id"] for row in page.results])
            for row in page.results:
                row["photo_url"] = photos.get(row["id"])
            context["results"] = SearchResultSerializer(page.results, many=True).data
            context["next_cursor"] = page.next_cursor
    context["title"] = _("Find help near you")
    return render(request, "catalog/search.html", context, status=status)


def listing_detail(request, pk):
    listing = selectors.listing_get_visible(listing_id=pk, viewer=request.user)
    return render(request, "catalog/listing_detail.html", {"listing": listing})


def provider_detail(request, pk):
    profile = selectors.provider_profile_get(profile_id=pk, viewer=request.user)
    return render(
        request,
        "catalog/provider_detail.html",
        {"profile": profile, "listings": selectors.listings_of_provider(profile)},
    )
