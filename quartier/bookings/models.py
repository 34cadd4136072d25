"""Availability, bookings with their history, messages and two-way reviews.

No double booking: the database refuses two active bookings of one provider whose
times overlap, with an exclusion constraint over core PostgreSQL ranges —
`int8range(provider_id, provider_id + 1)` stands in for btree_gist's equality, and
`tstzrange(starts_at, blocked_until)` covers the job plus the provider's buffer.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from quartier.catalog.models import Category, Listing, Offer, PointField
from quartier.platform.money import Currency, Money
from quartier.platform.storage import private_storage
from quartier.providers.models import ProviderProfile


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Schedule(models.Model):
    """A provider's booking rules: lead time, buffer, slot grid, calendars."""

    provider = models.OneToOneField(
        ProviderProfile, on_delete=models.CASCADE, related_name="schedule"
    )
    lead_time_minutes = models.PositiveIntegerField(
        default=120, validators=[MaxValueValidator(14 * 24 * 60)]
    )
    buffer_minutes = models.PositiveIntegerField(default=15, validators=[MaxValueValidator(240)])
    slot_step_minutes = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(15), MaxValueValidator(240)]
    )
    horizon_days = models.PositiveIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    # Secret part of the provider's private iCal feed URL; rotating it revokes old links.
    feed_token = models.CharField(max_length=64, unique=True, default=_new_token)
    import_url = models.URLField(max_length=500, blank=True)
    import_synced_at = models.DateTimeField(null=True, blank=True)
    import_error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"schedule of {self.provider}"


class WeeklyHours(models.Model):
    """Recurring opening hours in the tenant's time zone (wall clock, DST-safe)."""

    provider = models.ForeignKey(
        ProviderProfile, on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])  # 0 = Monday
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="hours_end_after_start"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="hours_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.starts}-{self.ends}"


class TimeOff(models.Model):
    """An exception to the weekly hours: time off, or extra hours (is_available)."""

    provider = models.ForeignKey(ProviderProfile, on_delete=models.CASCADE, related_name="time_off")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_available = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="time_off_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at} - {self.ends_at}"


class BusyTime(models.Model):
    """A busy period imported from the provider's own calendar (iCal URL)."""

    provider = models.ForeignKey(
        ProviderProfile, on_delete=models.CASCADE, related_name="busy_times"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    uid = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["provider", "starts_at"])]

    def __str__(self) -> str:
        return f"busy {self.starts_at} - {self.ends_at}"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    CONFIRMED = "confirmed", _("Confirmed")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    CANCELLED_BY_CUSTOMER = "cancelled_by_customer", _("Cancelled by the customer")
    CANCELLED_BY_PROVIDER = "cancelled_by_provider", _("Cancelled by the provider")
    NO_SHOW = "no_show", _("No-show")
    DISPUTED = "disputed", _("Disputed")


# A booking in one of these states holds its time in the provider's calendar.
BLOCKING_STATUSES = [
    BookingStatus.REQUESTED,
    BookingStatus.ACCEPTED,
    BookingStatus.CONFIRMED,
    BookingStatus.COMPLETED,
    BookingStatus.DISPUTED,
    BookingStatus.NO_SHOW,
]


class Booking(models.Model):
    class Kind(models.TextChoices):
        SLOT = "slot", _("A free slot")
        WINDOWS = "windows", _("Preferred time windows")
        BROADCAST = "broadcast", _("Broadcast to nearby providers")
        OFFER = "offer", _("An accepted task offer")

    Status = BookingStatus

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(
        max_length=32, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    # Empty only while a broadcast request waits for its first taker.
    provider = models.ForeignKey(
        ProviderProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    listing = models.ForeignKey(
        Listing, null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="bookings")
    offer = models.OneToOneField(
        Offer, null=True, blank=True, on_delete=models.PROTECT, related_name="booking"
    )
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    # ends_at plus the provider's buffer at booking time: what the calendar blocks.
    blocked_until = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField()
    # [{"start": iso, "end": iso}] proposed by the customer (kind windows/broadcast).
    windows = models.JSONField(default=list, blank=True)
    counter_starts_at = models.DateTimeField(null=True, blank=True)
    price_amount_minor = models.BigIntegerField(null=True, blank=True)
    price_currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.CHF)
    price_unit = models.CharField(max_length=8, blank=True)
    note = models.TextField(max_length=2000, blank=True)
    postal_code = models.CharField(max_length=4, blank=True)
    # Where the job happens: street and number, and the place (with postal_code above).
    street = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80, blank=True)
    location = PointField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Set when a provider is suspended while this booking lies ahead (trust app).
    needs_attention = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["provider", "starts_at"]),
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            ExclusionConstraint(
                name="bookings_no_overlap",
                expressions=[
                    (
                        Func(F("provider_id"), F("provider_id") + 1, function="int8range"),
                        RangeOperators.OVERLAPS,
                    ),
                    (
                        Func(F("starts_at"), F("blocked_until"), function="tstzrange"),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(
                    status__in=BLOCKING_STATUSES, starts_at__isnull=False, provider__isnull=False
                ),
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | (Q(ends_at__gt=F("starts_at")) & Q(blocked_until__gte=F("ends_at"))),
                name="booking_times_ordered",
            ),
            models.CheckConstraint(
                condition=Q(price_amount_minor__isnull=True) | Q(price_amount_minor__gte=0),
                name="booking_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"booking #{self.pk} ({self.status})"

    @property
    def price(self) -> Money | None:
        if self.price_amount_minor is None:
            return None
        return Money(self.price_amount_minor, self.price_currency)


class BookingEvent(models.Model):
    """One row per transition: who moved the booking, when, why."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class BroadcastInvite(models.Model):
    """A broadcast request as one provider sees it."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="invites")
    provider = models.ForeignKey(
        ProviderProfile, on_delete=models.CASCADE, related_name="broadcast_invites"
    )
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "provider"], name="one_invite_per_provider"),
        ]

    def __str__(self) -> str:
        return f"invite {self.booking_id} -> {self.provider_id}"


def _attachment_path(instance, filename: str) -> str:
    return f"bookings/{instance.booking_id}/{secrets.token_hex(8)}-{filename}"


class Message(models.Model):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5000)
    attachment = models.FileField(
        upload_to=_attachment_path, blank=True, max_length=300, storage=private_storage
    )
    attachment_type = models.CharField(max_length=64, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"message {self.pk} on booking {self.booking_id}"


class Review(models.Model):
    class Direction(models.TextChoices):
        OF_PROVIDER = "of_provider", _("Customer rates the provider")
        OF_CUSTOMER = "of_customer", _("Provider rates the customer")

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="reviews")
    direction = models.CharField(max_length=16, choices=Direction.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(max_length=3000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Reviews stay sealed until both sides wrote or 14 days passed, so neither retaliates.
    revealed_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "direction"], name="one_review_per_side"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}* on booking {self.booking_id}"


class Dispute(models.Model):
    """A problem with a booking that the marketplace's admins settle: reported by the
    customer on the booking page, or a card dispute their bank opened at Stripe."""

    class Source(models.TextChoices):
        CUSTOMER = "customer", _("Reported by the customer")
        CARD = "card", _("Card dispute at the bank")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    class Category(models.TextChoices):
        NOT_DONE = "not_done", _("The job was not done")
        QUALITY = "quality", _("The work was poor")
        DAMAGE = "damage", _("Something was damaged")
        CONDUCT = "conduct", _("The helper's behaviour")
        CHARGE = "charge", _("The price or the charge")
        OTHER = "other", _("Something else")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="disputes")
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    category = models.CharField(max_length=10, choices=Category.choices, blank=True)
    description = models.TextField(max_length=2000, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes_reported",
    )
    # A card dispute: Stripe's id, status and reason, and the amount the bank holds back.
    stripe_dispute_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_status = models.CharField(max_length=40, blank=True)
    stripe_reason = models.CharField(max_length=60, blank=True)
    amount_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    resolution = models.TextField(max_length=2000, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes_resolved",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"])]
        constraints = [
            # One open report of the customer per booking at a time.
            models.UniqueConstraint(
                fields=["booking"],
                condition=models.Q(status="open", source="customer"),
                name="dispute_one_open_report_per_booking",
            ),
            models.CheckConstraint(
                condition=models.Q(source="customer", stripe_dispute_id__isnull=True)
                | models.Q(source="card", stripe_dispute_id__isnull=False),
                name="dispute_card_has_stripe_id",
            ),
        ]

    def __str__(self) -> str:
        return f"dispute #{self.pk} on booking #{self.booking_id} ({self.status})"


class DisputeNote(models.Model):
    """An admin's note on a dispute (what was checked, who was called)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="dispute_notes"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note on dispute #{self.dispute_id}"


class DispatchPolicy(models.Model):
    """How an urgent (broadcast) request widens while nobody takes it: ring 1 is every
    vetted helper whose own service radius covers the place (at once); after
    `ring2_after_minutes`, ring 2 adds the helpers within `ring2_radius_km` of it (and,
    with `ring2_badge`, helpers with that badge there, vetted or not: partner shops);
    after `support_after_minutes`, ring 3 hands it to the tenant's support queue.
    One row per category; the row without a category is the tenant's default."""

    category = models.OneToOneField(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="dispatch_policy"
    )
    ring2_after_minutes = models.PositiveIntegerField(default=10)
    ring2_radius_km = models.PositiveIntegerField(default=25)
    ring2_badge = models.SlugField(max_length=50, blank=True)
    support_after_minutes = models.PositiveIntegerField(default=30)

    class Meta:
        constraints = [
            # at most one default: the category's id, or 0 for the default row
            models.UniqueConstraint(
                Coalesce(F("category"), Value(0)), name="dispatch_policy_one_default"
            ),
            models.CheckConstraint(
                condition=Q(support_after_minutes__gt=F("ring2_after_minutes")),
                name="dispatch_policy_rings_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"dispatch policy for {self.category_id or 'every category'}"


class SavedAddress(models.Model):
    """A customer's address kept for the next booking (only ever shown to its owner)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_addresses"
    )
    street = models.CharField(max_length=120)
    postal_code = models.CharField(max_length=4)
    city = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "street", "postal_code"], name="saved_address_once_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}".strip()
