from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers

from quartier.bookings.models import Booking, BookingEvent, Message, Review, TimeOff
from quartier.catalog.api.serializers import POSTAL_CODE
from quartier.catalog.models import Category, Listing
from quartier.platform.api.query import PrimaryKeyRelatedField
from quartier.platform.api.serializers import (
    PrebuiltFieldsMixin,
    ReasonSerializer,  # noqa: F401  (re-export)
)


class SlotQuerySerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class BookingQuerySerializer(serializers.Serializer):
    """The bookings list's own parameter (its filters are in BookingFilter)."""

    role = serializers.ChoiceField(["customer", "provider"], required=False)


class WeeklyHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6)
    starts = serializers.TimeField()
    ends = serializers.TimeField()


class TimeOffSerializer(serializers.ModelSerializer):
    class Meta:
        model = TimeOff
        fields = ["id", "starts_at", "ends_at", "is_available", "note"]
        read_only_fields = ["id"]


class ScheduleWriteSerializer(serializers.Serializer):
    lead_time_minutes = serializers.IntegerField(min_value=0, max_value=14 * 24 * 60)
    buffer_minutes = serializers.IntegerField(min_value=0, max_value=240)
    slot_step_minutes = serializers.ChoiceField(choices=[15, 30, 60])
    horizon_days = serializers.IntegerField(min_value=1, max_value=365)
    import_url = serializers.URLField(max_length=500, allow_blank=True)
    weekly_hours = WeeklyHoursSerializer(many=True, max_length=21)


class ScheduleSerializer(serializers.Serializer):
    lead_time_minutes = serializers.IntegerField()
    buffer_minutes = serializers.IntegerField()
    slot_step_minutes = serializers.IntegerField()
    horizon_days = serializers.IntegerField()
    # Empty when no calendar is imported, so not documented as a URI.
    import_url = serializers.CharField()
    import_synced_at = serializers.DateTimeField(allow_null=True)
    import_error = serializers.CharField()
    feed_url = serializers.SerializerMethodField()
    weekly_hours = WeeklyHoursSerializer(many=True, source="provider.weekly_hours")
    time_off = serializers.SerializerMethodField()

    def get_feed_url(self, schedule) -> str:
        request = self.context.get("request")
        path = reverse("bookings:provider-feed", kwargs={"token": schedule.feed_token})
        return request.build_absolute_uri(path) if request else path

    def get_time_off(self, schedule) -> list[dict]:
        return TimeOffSerializer(schedule.provider.time_off.all(), many=True).data


class WindowSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class BookingRequestSerializer(serializers.Serializer):
    listing = PrimaryKeyRelatedField(queryset=Listing.objects.all())
    starts_at = serializers.DateTimeField(required=False)
    windows = WindowSerializer(many=True, required=False, max_length=3)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, data):
        if ("starts_at" in data) == ("windows" in data):
            raise serializers.ValidationError(
                {"starts_at": _("Give either a start time (a free slot) or windows.")}
            )
        return data


class BroadcastRequestSerializer(serializers.Serializer):
    category = PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True))
    postal_code = serializers.RegexField(POSTAL_CODE)
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=15, max_value=12 * 60, default=60)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ActionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField(required=False)


class BookingEventSerializer(PrebuiltFieldsMixin, serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = BookingEvent
        fields = ["from_status", "to_status", "actor", "reason", "data", "created_at"]

    def get_actor(self, event) -> str | None:
        return event.actor.display_name if event.actor_id else None


class BookingSerializer(PrebuiltFieldsMixin, serializers.ModelSerializer):
    price = serializers.SerializerMethodField()
    customer = serializers.SerializerMethodField()
    provider = serializers.SerializerMethodField()
    listing = serializers.SerializerMethodField()
    history = BookingEventSerializer(source="events", many=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "kind",
            "status",
            "listing",
            "category",
            "provider",
            "customer",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "windows",
            "counter_starts_at",
            "price",
            "price_unit",
            "note",
            "postal_code",
            "expires_at",
            "created_at",
            "completed_at",
            "needs_attention",
            "history",
        ]

    def get_price(self, booking) -> dict | None:
        return booking.price.as_dict() if booking.price else None

    def get_customer(self, booking) -> dict:
        return {"id": booking.customer_id, "name": booking.customer.display_name}

    def get_provider(self, booking) -> dict | None:
        if booking.provider is None:
            return None
        return {"id": booking.provider_id, "display_name": booking.provider.display_name}

    def get_listing(self, booking) -> dict | None:
        if booking.listing is None:
            return None
        return {"id": booking.listing_id, "title": booking.listing.title}


class BookingListSerializer(BookingSerializer):
    class Meta(BookingSerializer.Meta):
        fields = [field for field in BookingSerializer.Meta.fields if field != "history"]


class MessageSerializer(serializers.ModelSerializer):
    sender = serializers.SerializerMethodField()
    attachment_url = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = [
            "id",
            "sender",
            "body",
            "attachment_url",
            "attachment_type",
            "read_at",
            "created_at",
        ]

    def get_sender(self, message) -> dict:
        return {"id": message.sender_id, "name": message.sender.display_name}

    def get_attachment_url(self, message) -> str | None:
        if not message.attachment:
            return None
        return reverse(
            "bookings-api:message-attachment",
            kwargs={"pk": message.booking_id, "message_id": message.pk},
        )


class MessageWriteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    attachment = serializers.FileField(required=False)


class ReviewSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "booking",
            "direction",
            "author",
            "rating",
            "text",
            "created_at",
            "revealed_at",
            "is_hidden",
            "hidden_reason",
        ]

    def get_author(self, review) -> str:
        return review.author.display_name


class ReviewWriteSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")
