"""The API a tenant's own systems call with a key (or an admin with a session or token)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from quartier.integrations import selectors
from quartier.integrations.api import serializers as s
from quartier.integrations.handoffs import handoff_create
from quartier.integrations.models import ApiKey
from quartier.platform.api.permissions import IsTenantAdmin
from quartier.platform.api.query import QueryParameters


class BookingListView(QueryParameters, ListAPIView):
    permission_classes = [IsTenantAdmin]
    serializer_class = s.MarketplaceBookingSerializer

    def get_queryset(self):
        return selectors.bookings_for_api()


class BookingDetailView(QueryParameters, RetrieveAPIView):
    permission_classes = [IsTenantAdmin]
    serializer_class = s.MarketplaceBookingSerializer

    def get_queryset(self):
        return selectors.bookings_for_api()


class AnalyticsView(QueryParameters, APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(responses=s.AnalyticsSerializer)
    def get(self, request):
        body = {
            "weeks": selectors.ANALYTICS_WEEKS,
            "bookings_by_status": selectors.booking_counts_by_status(),
        }
        return Response(s.AnalyticsSerializer(body).data)


class HandoffCreateView(APIView):
    """The tenant's hotline hands a case over: a prefilled request and its link."""

    permission_classes = [IsTenantAdmin]

    @extend_schema(request=s.HandoffSerializer, responses={201: s.HandoffCreatedSerializer})
    def post(self, request):
        serializer = s.HandoffSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        handoff, link = handoff_create(
            external_case_id=data["external_case_id"],
            category=data["category"],
            description=data.get("description", ""),
            postal_code=data["postal_code"],
            preferred_times=data["preferred_times"],
            customer_email=data.get("customer_email", ""),
            customer_sso_subject=data.get("customer_sso_subject", ""),
            key=request.auth if isinstance(request.auth, ApiKey) else None,
            link_for=lambda token: request.build_absolute_uri(
                reverse("integrations:handoff", args=[token])
            ),
        )
        body = {"id": handoff.pk, "external_case_id": handoff.external_case_id, "link": link}
        return Response(s.HandoffCreatedSerializer(body).data, status=status.HTTP_201_CREATED)
