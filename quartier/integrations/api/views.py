"""The API a tenant's own systems call with a key (or an admin with a session or token)."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from quartier.integrations import selectors
from quartier.integrations.api import serializers as s
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
