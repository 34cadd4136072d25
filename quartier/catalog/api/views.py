"""The catalog API: thin views that validate, call one service or selector, render."""

from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from quartier.catalog.api import serializers as s
from quartier.catalog.api.filters import ListingFilter, TaskFilter
from quartier.catalog.models import Listing, Offer, TaskRequest
from quartier.catalog.selectors import catalog as selectors
from quartier.catalog.selectors.search import (
    ListingSearch,
    TaskSearch,
    listing_search,
    task_search,
)
from quartier.catalog.services import categories, listings, tasks
from quartier.geo.projection import project
from quartier.geo.selectors import postal_code_point
from quartier.marketplace.api.idempotency import IDEMPOTENCY_RESPONSES, idempotent
from quartier.marketplace.selectors import marketplace_settings
from quartier.platform.api.parsers import FormParser, MultiPartParser
from quartier.platform.api.permissions import IsTenantAdmin
from quartier.platform.api.query import QueryParameters
from quartier.platform.errors import ApplicationError
from quartier.platform.response_cache import shared_cache
from quartier.providers import selectors as provider_selectors
from quartier.providers import services as providers


class CategoryListView(QueryParameters, APIView):
    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsTenantAdmin()]

    @extend_schema(responses=s.CategorySerializer(many=True))
    def get(self, request):
        include_inactive = request.user.is_authenticated and request.user.is_tenant_admin
        return Response(
            s.CategorySerializer(
                selectors.category_list(include_inactive=include_inactive), many=True
            ).data
        )

    @extend_schema(request=s.CategoryWriteSerializer, responses={201: s.CategorySerializer})
    def post(self, request):
        serializer = s.CategoryWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = categories.category_create(**serializer.validated_data)
        return Response(s.CategorySerializer(category).data, status=status.HTTP_201_CREATED)


class CategoryDetailView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(request=s.CategoryWriteSerializer, responses=s.CategorySerializer)
    def patch(self, request, pk):
        category = selectors.category_get(category_id=pk)
        serializer = s.CategoryWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        category = categories.category_update(category=category, **serializer.validated_data)
        return Response(s.CategorySerializer(category).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        categories.category_delete(category=selectors.category_get(category_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProviderDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.ProviderProfileSerializer)
    @shared_cache
    def get(self, request, pk):
        profile = provider_selectors.provider_profile_get(profile_id=pk, viewer=request.user)
        return Response(s.ProviderProfileSerializer(profile).data)


class MyProviderProfileView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.ProviderProfileSerializer)
    def get(self, request):
        return Response(
            s.ProviderProfileSerializer(providers.provider_profile_require(request.user)).data
        )

    @extend_schema(
        request=s.ProviderProfileWriteSerializer, responses={201: s.ProviderProfileSerializer}
    )
    def post(self, request):
        serializer = s.ProviderProfileWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = providers.provider_profile_create(user=request.user, **serializer.validated_data)
        profile = provider_selectors.provider_profile_get(
            profile_id=profile.pk, viewer=request.user
        )
        return Response(s.ProviderProfileSerializer(profile).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProviderProfileWriteSerializer, responses=s.ProviderProfileSerializer)
    def patch(self, request):
        profile = providers.provider_profile_require(request.user)
        serializer = s.ProviderProfileWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        providers.provider_profile_update(profile=profile, **serializer.validated_data)
        profile = provider_selectors.provider_profile_get(
            profile_id=profile.pk, viewer=request.user
        )
        return Response(s.ProviderProfileSerializer(profile).data)


class MyProviderPhotoView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.PhotoUploadSerializer},
        responses=s.ProviderProfileSerializer,
    )
    def post(self, request):
        profile = providers.provider_profile_require(request.user)
        serializer = s.PhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        providers.provider_photo_set(profile=profile, upload=serializer.validated_data["image"])
        return Response(s.ProviderProfileSerializer(profile).data)


class ListingListView(QueryParameters, ListAPIView):
    """The signed-in provider's own listings (every status); POST creates a draft."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.ListingSerializer
    filterset_class = ListingFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Listing.objects.none()
        return selectors.listings_of_user(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "viewer": self.request.user}

    @extend_schema(request=s.ListingWriteSerializer, responses={201: s.ListingSerializer})
    def post(self, request):
        provider = providers.provider_profile_require(request.user)
        serializer = s.ListingWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        listing = listings.listing_create(provider=provider, **serializer.validated_data)
        return _listing_response(request, listing.pk, status.HTTP_201_CREATED)


def _listing_response(request, listing_id: int, code: int = status.HTTP_200_OK) -> Response:
    listing = selectors.listing_get_visible(listing_id=listing_id, viewer=request.user)
    return Response(
        s.ListingSerializer(listing, context={"viewer": request.user}).data, status=code
    )


class ListingDetailView(APIView):
    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(responses=s.ListingSerializer)
    @shared_cache
    def get(self, request, pk):
        # The hot read: one statement of plain values, shaped as ListingSerializer's.
        row = selectors.listing_row_visible(listing_id=pk, viewer=request.user)
        return Response(s.listing_row_representation(row, viewer=request.user))

    @extend_schema(request=s.ListingWriteSerializer, responses=s.ListingSerializer)
    def patch(self, request, pk):
        listing = selectors.listing_get_owned(listing_id=pk, user=request.user)
        serializer = s.ListingWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        listings.listing_update(listing=listing, **serializer.validated_data)
        return _listing_response(request, pk)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        listings.listing_delete(
            listing=selectors.listing_get_owned(listing_id=pk, user=request.user)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ListingStatusView(APIView):
    permission_classes = [IsAuthenticated]
    target = ""

    @extend_schema(request=None, responses=s.ListingSerializer)
    def post(self, request, pk):
        listing = selectors.listing_get_owned(listing_id=pk, user=request.user)
        listings.listing_set_status(listing=listing, status=self.target)
        return _listing_response(request, pk)


class ListingHideView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(request=s.ReasonSerializer, responses=s.ListingSerializer)
    def post(self, request, pk):
        serializer = s.ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        listings.listing_hide(
            listing=selectors.listing_get_for_moderation(listing_id=pk),
            reason=serializer.validated_data["reason"],
        )
        return _listing_response(request, pk)


class ListingUnhideView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(request=None, responses=s.ListingSerializer)
    def post(self, request, pk):
        listings.listing_unhide(listing=selectors.listing_get_for_moderation(listing_id=pk))
        return _listing_response(request, pk)


class ListingPhotoListView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.PhotoUploadSerializer},
        responses={201: s.ListingSerializer},
    )
    def post(self, request, pk):
        listing = selectors.listing_get_owned(listing_id=pk, user=request.user)
        serializer = s.PhotoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        listings.listing_photo_add(listing=listing, upload=serializer.validated_data["image"])
        return _listing_response(request, pk, status.HTTP_201_CREATED)


class ListingPhotoDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, pk, photo_id):
        listing = selectors.listing_get_owned(listing_id=pk, user=request.user)
        listings.listing_photo_remove(
            photo=selectors.listing_photo_get_owned(listing=listing, photo_id=photo_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def listing_search_from_query(data: dict) -> ListingSearch:
    """Turn validated query parameters into a search (shared by the API and the page)."""
    point = None
    if "postal_code" in data:
        point = postal_code_point(data["postal_code"]).projected()
    elif "latitude" in data:
        point = project(data["latitude"], data["longitude"])
    category_ids = (
        selectors.category_ids_with_children(data["category"]) if data.get("category") else None
    )
    min_rating = data.get("min_rating")
    return ListingSearch(
        text=data.get("q", "").strip(),
        point=point,
        radius_km=data.get("radius_km", 25) if point else None,
        category_ids=category_ids,
        currency=marketplace_settings().currency,
        price_min=data.get("price_min"),
        price_max=data.get("price_max"),
        min_rating=int(min_rating * 100) if min_rating is not None else None,
        badge=data.get("badge"),
        provider_kind=data.get("provider_kind"),
        language=data.get("language"),
        include_remote=data.get("include_remote", True),
        sort=data.get("sort", "relevance"),
        cursor=data.get("cursor"),
        limit=data.get("page_size", 20),
    )


class ListingSearchView(QueryParameters, APIView):
    permission_classes = [AllowAny]
    query_serializer_class = s.SearchQuerySerializer

    @extend_schema(responses={200: dict})
    @shared_cache
    def get(self, request):
        page = listing_search(listing_search_from_query(self.query))
        return Response(
            {
                "results": s.SearchResultSerializer(page.results, many=True).data,
                "next_cursor": page.next_cursor,
                "facets": [
                    {"category": category_id, "count": count}
                    for category_id, count in sorted(page.facets.items())
                ],
            }
        )


class TaskListView(QueryParameters, ListAPIView):
    """The signed-in customer's own tasks; POST posts a new one."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.TaskSerializer
    filterset_class = TaskFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return TaskRequest.objects.none()
        return selectors.tasks_of_customer(self.request.user).annotate(offer_total=Count("offers"))

    @extend_schema(
        request=s.TaskWriteSerializer, responses={201: s.TaskSerializer, **IDEMPOTENCY_RESPONSES}
    )
    @idempotent
    def post(self, request):
        serializer = s.TaskWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = tasks.task_request_create(customer=request.user, **serializer.validated_data)
        return Response(s.TaskSerializer(task).data, status=status.HTTP_201_CREATED)


class TaskDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.TaskSerializer)
    def get(self, request, pk):
        return Response(
            s.TaskSerializer(selectors.task_get_visible(task_id=pk, user=request.user)).data
        )


class TaskCancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=s.TaskSerializer)
    def post(self, request, pk):
        task = selectors.task_get_visible(task_id=pk, user=request.user)
        return Response(
            s.TaskSerializer(tasks.task_request_cancel(task=task, customer=request.user)).data
        )


class TaskSearchView(QueryParameters, APIView):
    """Open tasks near the signed-in provider, nearest first."""

    permission_classes = [IsAuthenticated]
    query_serializer_class = s.TaskSearchSerializer

    @extend_schema(responses=s.TaskSearchPageSerializer)
    def get(self, request):
        provider = providers.provider_profile_require(request.user)
        data = self.query
        category_ids = (
            selectors.category_ids_with_children(data["category"]) if data.get("category") else None
        )
        page = task_search(
            TaskSearch(
                point=provider.location,
                radius_km=data.get("radius_km", provider.service_radius_km),
                category_ids=category_ids,
                cursor=data.get("cursor"),
            )
        )
        by_id = selectors.tasks_by_ids([row["id"] for row in page.results])
        results = []
        for row in page.results:
            item = s.TaskSerializer(by_id[row["id"]]).data
            item["distance_km"] = round(row["distance_km"], 1)
            results.append(item)
        return Response({"results": results, "next_cursor": page.next_cursor})


class TaskOfferListView(QueryParameters, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.OfferSerializer(many=True))
    def get(self, request, pk):
        task = selectors.task_get_visible(task_id=pk, user=request.user)
        return Response(
            s.OfferSerializer(
                selectors.offers_for_task(task=task, user=request.user), many=True
            ).data
        )

    @extend_schema(
        request=s.OfferWriteSerializer, responses={201: s.OfferSerializer, **IDEMPOTENCY_RESPONSES}
    )
    @idempotent
    def post(self, request, pk):
        provider = providers.provider_profile_require(request.user)
        task = selectors.task_get_visible(task_id=pk, user=request.user)
        serializer = s.OfferWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offer = tasks.offer_create(task=task, provider=provider, **serializer.validated_data)
        return Response(s.OfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class MyOfferListView(QueryParameters, ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.OfferSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Offer.objects.none()
        return selectors.offers_of_provider(providers.provider_profile_require(self.request.user))


class OfferActionView(APIView):
    permission_classes = [IsAuthenticated]
    action_name = ""

    # Accepting an offer makes its booking: a retry must not meet a 409 for its own write.
    @extend_schema(request=None, responses={200: s.OfferSerializer, **IDEMPOTENCY_RESPONSES})
    @idempotent
    def post(self, request, pk):
        offer = selectors.offer_get_for_user(offer_id=pk, user=request.user)
        if self.action_name == "withdraw":
            offer = tasks.offer_withdraw(
                offer=offer, provider=providers.provider_profile_require(request.user)
            )
        elif self.action_name == "accept":
            offer = tasks.offer_accept(offer=offer, customer=request.user)
        elif self.action_name == "decline":
            offer = tasks.offer_decline(offer=offer, customer=request.user)
        else:
            raise ApplicationError("unknown_action", _("Unknown action."), status=404)
        return Response(s.OfferSerializer(offer).data)


LISTING_STATUS_VIEWS = {
    "publish": Listing.Status.PUBLISHED,
    "pause": Listing.Status.PAUSED,
    "unpublish": Listing.Status.DRAFT,
}
