from rest_framework import serializers

from quartier.bookings.models import Booking


class MarketplaceBookingSerializer(serializers.ModelSerializer):
    # A plain code here: bookings' own serializer names the currency enum.
    price_currency = serializers.CharField(read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "kind",
            "status",
            "listing",
            "category",
            "starts_at",
            "ends_at",
            "price_amount_minor",
            "price_currency",
            "postal_code",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AnalyticsSerializer(serializers.Serializer):
    weeks = serializers.IntegerField()
    bookings_by_status = serializers.DictField(child=serializers.IntegerField())
