"""The bookings API: schedules and slots, requests, the lifecycle, messages, reviews."""

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from quartier.bookings import selectors
from quartier.bookings.api import serializers as s
from quartier.bookings.api.filters import BookingFilter
from quartier.bookings.availability import free_slots
from quartier.bookings.models import Booking
from quartier.bookings.services import conversation, lifecycle, requests, reviews, schedule
from quartier.catalog.selectors.catalog import listing_get_visible
from quartier.marketplace.api.idempotency import IDEMPOTENCY_RESPONSES, idempotent
from quartier.platform.api.parsers import FormParser, JSONParser, MultiPartParser
from quartier.platform.api.permissions import IsTenantAdmin
from quartier.platform.api.query import QueryParameters
from quartier.platform.errors import ApplicationError, NotFound
from quartier.providers.selectors import provider_profile_get
from quartier.providers.services import provider_profile_require


class ScheduleView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.ScheduleSerializer)
    def get(self, request):
        provider = provider_profile_require(request.user)
        return Response(
            s.ScheduleSerializer(
                schedule.schedule_get_or_create(provider), context={"request": request}
            ).data
        )

    @extend_schema(request=s.ScheduleWriteSerializer, responses=s.ScheduleSerializer)
    def patch(self, request):
        provider = provider_profile_require(request.user)
        serializer = s.ScheduleWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = schedule.schedule_update(provider=provider, **serializer.validated_data)
        return Response(s.ScheduleSerializer(updated, context={"request": request}).data)


class TimeOffListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.TimeOffSerializer, responses={201: s.TimeOffSerializer})
    def post(self, request):
        provider = provider_profile_require(request.user)
        serializer = s.TimeOffSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = schedule.time_off_add(provider=provider, **serializer.validated_data)
        return Response(s.TimeOffSerializer(created).data, status=status.HTTP_201_CREATED)


class TimeOffDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        provider = provider_profile_require(request.user)
        schedule.time_off_remove(time_off=selectors.time_off_get(provider=provider, time_off_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class FeedTokenView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=s.ScheduleSerializer)
    def post(self, request):
        rotated = schedule.feed_token_rotate(provider=provider_profile_require(request.user))
        return Response(s.ScheduleSerializer(rotated, context={"request": request}).data)


class CalendarImportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=s.ScheduleSerializer)
    def post(self, request):
        from quartier.bookings.calendars import calendar_import

        provider = provider_profile_require(request.user)
        current = schedule.schedule_get_or_create(provider)
        if not current.import_url:
            raise ApplicationError.invalid_field("import_url", _("Set a calendar URL first."))
        calendar_import(schedule=current)
        return Response(s.ScheduleSerializer(current, context={"request": request}).data)


class ListingSlotsView(QueryParameters, APIView):
    permission_classes = [AllowAny]
    query_serializer_class = s.SlotQuerySerializer

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        listing = listing_get_visible(listing_id=pk, viewer=request.user)
        slots = free_slots(
            provider=listing.provider,
            duration_minutes=listing.duration_minutes or 60,
            start=self.query["start"],
            end=self.query["end"],
        )
        return Response(
            {
                "listing": listing.pk,
                "slots": [{"starts_at": slot.starts_at, "ends_at": slot.ends_at} for slot in slots],
            }
        )


def _booking_response(request, booking_id: int, code: int = status.HTTP_200_OK) -> Response:
    booking = selectors.booking_get_with_history(booking_id=booking_id, user=request.user)
    return Response(s.BookingSerializer(booking).data, status=code)


class BookingListView(QueryParameters, ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.BookingListSerializer
    filterset_class = BookingFilter
    query_serializer_class = s.BookingQuerySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        return selectors.bookings_of_user(self.request.user, role=self.query.get("role"))

    @extend_schema(
        request=s.BookingRequestSerializer,
        responses={201: s.BookingSerializer, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request):
        serializer = s.BookingRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        booking = requests.booking_request(
            listing=listing_get_visible(listing_id=data["listing"].pk, viewer=request.user),
            customer=request.user,
            starts_at=data.get("starts_at"),
            windows=data.get("windows"),
            note=data["note"],
        )
        return _booking_response(request, booking.pk, status.HTTP_201_CREATED)


class BroadcastCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.BroadcastRequestSerializer,
        responses={201: s.BookingSerializer, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request):
        serializer = s.BroadcastRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = requests.booking_broadcast(customer=request.user, **serializer.validated_data)
        return _booking_response(request, booking.pk, status.HTTP_201_CREATED)


class BroadcastListView(QueryParameters, APIView):
    """Open broadcast requests sent to the signed-in provider."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.BookingListSerializer(many=True))
    def get(self, request):
        invites = selectors.open_broadcasts_for(provider_profile_require(request.user))
        return Response(s.BookingListSerializer([i.booking for i in invites], many=True).data)


class BroadcastAcceptView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=s.BookingSerializer)
    def post(self, request, pk):
        provider = provider_profile_require(request.user)
        booking = selectors.broadcast_get_for_provider(booking_id=pk, provider=provider)
        requests.broadcast_accept(booking=booking, provider=provider)
        return _booking_response(request, pk)


class BookingDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.BookingSerializer)
    def get(self, request, pk):
        return _booking_response(request, pk)


class BookingActionView(APIView):
    permission_classes = [IsAuthenticated]
    action_name = ""

    @extend_schema(request=s.ActionSerializer, responses=s.BookingSerializer)
    def post(self, request, pk):
        booking = selectors.booking_get_for_user(booking_id=pk, user=request.user)
        if not selectors.booking_is_party(booking, request.user):
            raise NotFound(_("No such booking."))
        serializer = s.ActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lifecycle.booking_transition(
            booking=booking,
            action=self.action_name,
            actor=request.user,
            **serializer.validated_data,
        )
        return _booking_response(request, pk)


class MessageListView(QueryParameters, APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=s.MessageSerializer(many=True))
    def get(self, request, pk):
        booking = selectors.booking_get_for_user(booking_id=pk, user=request.user)
        return Response(s.MessageSerializer(selectors.messages_of(booking), many=True).data)

    @extend_schema(
        request=s.MessageWriteSerializer,
        responses={201: s.MessageSerializer, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request, pk):
        booking = selectors.booking_get_for_user(booking_id=pk, user=request.user)
        if not selectors.booking_is_party(booking, request.user):
            raise ApplicationError(
                "read_only",
                _("Admins read disputed threads; they do not write in them."),
                status=403,
            )
        serializer = s.MessageWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = conversation.message_send(
            booking=booking,
            sender=request.user,
            body=serializer.validated_data["body"],
            attachment=serializer.validated_data.get("attachment"),
        )
        return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class MessageReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict})
    def post(self, request, pk):
        booking = selectors.booking_get_for_user(booking_id=pk, user=request.user)
        if not selectors.booking_is_party(booking, request.user):
            raise NotFound(_("No such booking."))
        return Response(
            {"marked": conversation.messages_mark_read(booking=booking, reader=request.user)}
        )


class MessageAttachmentView(APIView):
    permission_classes = [IsAuthenticated]

    # Attachments are checked on upload: a PDF or an image (quartier.platform.uploads).
    @extend_schema(
        responses={
            (200, "application/pdf"): bytes,
            (200, "image/jpeg"): bytes,
            (200, "image/png"): bytes,
            (200, "image/webp"): bytes,
        }
    )
    def get(self, request, pk, message_id):
        booking = selectors.booking_get_for_user(booking_id=pk, user=request.user)
        message = selectors.message_get(booking=booking, message_id=message_id)
        if not message.attachment:
            raise NotFound(_("No attachment."))
        return FileResponse(
            message.attachment.open("rb"),
            as_attachment=True,
            content_type=message.attachment_type or "application/octet-stream",
        )


class BookingReviewListView(QueryParameters, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.ReviewSerializer(many=True))
    def get(self, request, pk):
        booking = selectors.booking_get_for_user(booking_id=pk, user=request.user)
        return Response(
            s.ReviewSerializer(selectors.reviews_of_booking(booking, request.user), many=True).data
        )

    @extend_schema(request=s.ReviewWriteSerializer, responses={201: s.ReviewSerializer})
    def post(self, request, pk):
        booking = selectors.booking_get_for_user(booking_id=pk, user=request.user)
        serializer = s.ReviewWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = reviews.review_write(
            booking=booking, author=request.user, **serializer.validated_data
        )
        return Response(s.ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class ProviderReviewListView(QueryParameters, ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.ReviewSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            from quartier.bookings.models import Review

            return Review.objects.none()
        provider = provider_profile_get(profile_id=self.kwargs["pk"], viewer=self.request.user)
        return selectors.public_reviews_of(provider)


class ReviewHideView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(request=s.ReasonSerializer, responses=s.ReviewSerializer)
    def post(self, request, pk):
        serializer = s.ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = reviews.review_hide(
            review=selectors.review_get(review_id=pk),
            admin=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(s.ReviewSerializer(review).data)
