from django.utils.translation import gettext
from rest_framework import serializers

from quartier.bookings.models import Booking
from quartier.catalog.api.serializers import POSTAL_CODE
from quartier.catalog.models import Category


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


class HandoffSerializer(serializers.Serializer):
    external_case_id = serializers.RegexField(r"^[A-Za-z0-9._:/#-]{1,100}$")
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.filter(is_active=True)
    )
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    postal_code = serializers.RegexField(POSTAL_CODE)
    preferred_times = serializers.ListField(
        child=serializers.DateTimeField(), min_length=1, max_length=3
    )
    customer_email = serializers.EmailField(max_length=254, required=False)
    # The `sub` claim of the customer's account at the tenant's single sign-on.
    customer_sso_subject = serializers.RegexField(r"^[\x21-\x7e]{1,255}$", required=False)

    def validate(self, attrs):
        if not attrs.get("customer_email") and not attrs.get("customer_sso_subject"):
            raise serializers.ValidationError(
                {"customer_email": gettext("Give the customer's e-mail or sign-on subject.")}
            )
        return attrs


class HandoffCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_case_id = serializers.CharField()
    link = serializers.URLField()
