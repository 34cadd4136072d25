from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """A tenant's credential for its own systems; only a hash of the secret is kept.

    The token is `qk_<prefix>_<secret>`: the prefix finds the row, the SHA-256 of the
    whole token is compared in constant time. The token is shown once, when created.
    """

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = ArrayField(models.CharField(max_length=32), default=list)
    # The key acts as this admin (the API's views read request.user); a key whose
    # admin left or was deactivated stops working.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class WebhookEndpoint(models.Model):
    """Where a tenant's systems hear about events, signed per Standard Webhooks."""

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    # Event types sent; empty means every type.
    events = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    secret = models.CharField(max_length=64)
    # After a rotation the old secret signs too, until it expires: receivers switch over
    # without losing a delivery.
    previous_secret = models.CharField(max_length=64, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    # One dispatcher at a time per endpoint (a conditional UPDATE takes it): deliveries
    # leave in order, and a crashed dispatcher's lease runs out.
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.events or event_type in self.events


class WebhookDelivery(models.Model):
    """One event for one endpoint; its webhook-id stays the same on every retry."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="+")
    webhook_id = models.CharField(max_length=64, unique=True)
    event_key = models.CharField(max_length=100)
    event_type = models.CharField(max_length=64)
    # Deliveries with the same key (one booking) leave in the order they were made.
    ordering_key = models.CharField(max_length=100)
    body = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_key"], name="webhook_event_once")
        ]
        indexes = [
            models.Index(
                fields=["endpoint", "ordering_key", "id"],
                condition=models.Q(status="pending"),
                name="webhook_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.webhook_id}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery, for the delivery log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="+")
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_snippet = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    replay = models.BooleanField(default=False)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Handoff(models.Model):
    """A support case handed over by the tenant's hotline or forum: a prefilled help
    request that the customer opens through a link, signed in with the same e-mail or
    through single sign-on as the same subject."""

    external_case_id = models.CharField(max_length=100, unique=True)
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, related_name="+")
    description = models.TextField(max_length=2000, blank=True)
    postal_code = models.CharField(max_length=4)
    # ISO datetimes the customer prefers (1 to 3); the customer picks one.
    preferred_times = models.JSONField(default=list)
    customer_email = models.EmailField(blank=True)
    # The customer's `sub` at the tenant's single sign-on, when the hotline knows it.
    customer_sso_subject = models.CharField(max_length=255, blank=True)
    # SHA-256 of the link's secret: the link is shown to the hotline and mailed once.
    token_hash = models.CharField(max_length=64, unique=True)
    created_by_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    booking = models.OneToOneField(
        "bookings.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.external_case_id
