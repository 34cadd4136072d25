"""Billing, per tenant schema: payout settings, payments, Connect accounts, payouts, ledger.

Every amount is an integer of minor units with its currency. The ledger is double-entry:
each JournalEntry's lines sum to zero per currency, enforced by a deferred constraint
trigger (migration 0002), and neither entries nor lines can be changed afterwards.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quartier.platform.money import BASIS_POINTS, Currency, Money


class PaymentMode(models.TextChoices):
    ONLINE = "online", _("Online through Stripe")
    OFFLINE = "offline", _("Offline: paid to the provider on site")


class PayoutInterval(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly (Mondays)")
    MONTHLY = "monthly", _("Monthly (the 1st)")


class PayoutSettings(models.Model):
    """One row per tenant: how money flows in this marketplace."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    payment_mode = models.CharField(
        max_length=8, choices=PaymentMode.choices, default=PaymentMode.OFFLINE
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.CHF)
    # Charged to the provider: basis points of the price (1 % = 100) plus a fixed amount.
    commission_basis_points = models.PositiveIntegerField(default=1000)
    commission_fixed_minor = models.PositiveIntegerField(default=0)
    # Optional fee the customer pays on top of the price.
    customer_fee_basis_points = models.PositiveIntegerField(default=0)
    customer_fee_fixed_minor = models.PositiveIntegerField(default=0)
    payout_interval = models.CharField(
        max_length=8, choices=PayoutInterval.choices, default=PayoutInterval.WEEKLY
    )
    payout_minimum_minor = models.PositiveIntegerField(default=2000)
    # Cancellation policy: free until this many hours before the start, then this share
    # of the price is charged.
    free_cancellation_hours = models.PositiveIntegerField(default=24)
    late_cancellation_basis_points = models.PositiveIntegerField(default=5000)
    # VAT included in the prices (8.1 % = 810), shown on receipts; 0: no VAT line.
    vat_basis_points = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "payout settings"
        constraints = [
            models.CheckConstraint(condition=Q(singleton=True), name="payout_settings_singleton"),
            models.CheckConstraint(
                condition=Q(commission_basis_points__lt=BASIS_POINTS),
                name="payout_commission_below_100_percent",
            ),
            models.CheckConstraint(
                condition=Q(customer_fee_basis_points__lte=BASIS_POINTS),
                name="payout_customer_fee_at_most_100_percent",
            ),
            models.CheckConstraint(
                condition=Q(late_cancellation_basis_points__lte=BASIS_POINTS),
                name="payout_late_fee_at_most_100_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment_mode} {self.currency}"


class Payment(models.Model):
    """The money side of one booking."""

    class Status(models.TextChoices):
        # Waiting for Stripe (first try or a retry after a timeout): the booking is
        # confirmed but not yet secured.
        PENDING = "pending", _("Pending payment")
        AUTHORISED = "authorised", _("Authorised")
        CAPTURED = "captured", _("Captured")
        REFUNDED = "refunded", _("Refunded")
        RELEASED = "released", _("Released (cancelled without charge)")
        FAILED = "failed", _("Failed")
        OFFLINE = "offline", _("Paid on site")

    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.PROTECT, related_name="payment"
    )
    mode = models.CharField(max_length=8, choices=PaymentMode.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    price_minor = models.BigIntegerField()
    customer_fee_minor = models.BigIntegerField(default=0)
    # The tenant's fee settings when the booking was confirmed: later changes never
    # reprice a booking already agreed.
    commission_basis_points = models.PositiveIntegerField()
    commission_fixed_minor = models.PositiveIntegerField()
    # The VAT rate included in the price when the payment was opened (for the receipt).
    vat_basis_points = models.PositiveIntegerField(default=0)
    authorised_minor = models.BigIntegerField(default=0)
    captured_minor = models.BigIntegerField(default=0)
    refunded_minor = models.BigIntegerField(default=0)
    commission_minor = models.BigIntegerField(default=0)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    # Bumped whenever a fresh authorisation is needed (e.g. the old one expired), so its
    # idempotency key differs from the previous attempt's.
    authorisation_generation = models.PositiveIntegerField(default=1)
    authorised_at = models.DateTimeField(null=True, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    # What is owed when the booking settles: set at completion or cancellation, so a
    # retried capture knows the amount even if Stripe was down at the time.
    capture_due_minor = models.BigIntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    # Set while a worker talks to Stripe about this payment (claimed, no lock held):
    # another run (the sweep) leaves it alone until the answer is recorded or, if that
    # worker died, until this time passes.
    in_flight_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "updated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_minor__gte=0, customer_fee_minor__gte=0, refunded_minor__gte=0),
                name="payment_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(captured_minor__lte=F("authorised_minor"))
                | Q(mode=PaymentMode.OFFLINE),
                name="payment_capture_within_authorisation",
            ),
            models.CheckConstraint(
                condition=Q(refunded_minor__lte=F("captured_minor")),
                name="payment_refund_within_capture",
            ),
        ]

    def __str__(self) -> str:
        return f"payment for booking #{self.booking_id} ({self.status})"

    @property
    def total(self) -> Money:
        return Money(self.price_minor + self.customer_fee_minor, self.currency)

    def money(self, amount_minor: int) -> Money:
        return Money(int(amount_minor), self.currency)


class BillingCustomer(models.Model):
    """A customer's Stripe customer and default payment method."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="billing"
    )
    stripe_customer_id = models.CharField(max_length=255, unique=True)
    default_payment_method_id = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.stripe_customer_id


class ConnectedAccount(models.Model):
    """A provider's Stripe Connect Express account and its onboarding status."""

    provider = models.OneToOneField(
        "providers.ProviderProfile", on_delete=models.CASCADE, related_name="connected_account"
    )
    stripe_account_id = models.CharField(max_length=255, unique=True)
    details_submitted = models.BooleanField(default=False)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.stripe_account_id


class Payout(models.Model):
    """One transfer of a provider's earnings to their connected account."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")

    provider = models.ForeignKey(
        "providers.ProviderProfile", on_delete=models.PROTECT, related_name="payouts"
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=Currency.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    stripe_transfer_id = models.CharField(max_length=255, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payout_amount_positive"),
            # At most one transfer in flight per provider: a retried run resumes it.
            models.UniqueConstraint(
                fields=["provider"],
                condition=Q(status="pending"),
                name="payout_one_pending_per_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"payout #{self.pk} {self.amount_minor} {self.currency}"


class JournalEntry(models.Model):
    """One money movement. `key` makes each movement happen once, however it arrives."""

    class Kind(models.TextChoices):
        AUTHORISATION = "authorisation", _("Authorisation")
        RELEASE = "release", _("Authorisation released")
        CAPTURE = "capture", _("Capture")
        COMMISSION = "commission", _("Commission")
        REFUND = "refund", _("Refund")
        PAYOUT = "payout", _("Payout")
        OFFLINE_PAYMENT = "offline_payment", _("Offline payment")

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    payout = models.ForeignKey(
        Payout, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    memo = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return self.key


class LedgerLine(models.Model):
    """One side of a journal entry: a signed amount on an account (debit > 0 > credit).

    Accounts are names: `stripe:balance`, `platform:commission`, `platform:fees`,
    `platform:holds`, `provider:<id>:payable`, `provider:<id>:collected`,
    `customer:<id>:holds`. A party's balance is the sum over its accounts.
    """

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.CharField(max_length=80)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=Currency.choices)

    class Meta:
        indexes = [models.Index(fields=["account", "currency"])]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_minor=0), name="ledger_line_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount_minor} {self.currency}"


class WebhookEvent(models.Model):
    """A Stripe event applied to this tenant; its id makes redelivery harmless."""

    event_id = models.CharField(max_length=255, unique=True)
    event_type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.event_id
