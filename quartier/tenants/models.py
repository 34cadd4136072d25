from django.db import models
from django.db.models.functions import Lower
from django_tenants.models import DomainMixin, TenantMixin

from quartier.platform.money import Currency


class Plan(models.Model):
    """What the operator charges a tenant: a monthly subscription plus a fee per booking."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    monthly_fee_minor = models.BigIntegerField(default=0)
    per_booking_fee_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.CHF)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["monthly_fee_minor", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_fee_minor__gte=0, per_booking_fee_minor__gte=0),
                name="plan_fees_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Tenant(TenantMixin):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        DELETED = "deleted", "Deleted"

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=40, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tenants")
    # How the operator bills this tenant each month: a Stripe invoice, or a PDF invoice
    # with a Swiss QR-bill.
    invoice_method = models.CharField(
        max_length=8,
        choices=[("qrbill", "PDF with Swiss QR-bill"), ("stripe", "Stripe invoice")],
        default="qrbill",
    )
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    status_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    # Schemas are claimed from the pool or created by services, never as a save() side
    # effect, and dropped only by an explicit purge.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Domain(DomainMixin):
    is_custom = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="domain_unique_case_insensitive"),
        ]


class PoolSchema(models.Model):
    """A schema migrated ahead of time, waiting for a tenant to claim it by renaming."""

    schema_name = models.CharField(max_length=63, unique=True)
    # Which migrations the schema carries; only schemas of the current code are claimed.
    fingerprint = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.schema_name


class SchemaScript(models.Model):
    """The SQL that builds a tenant schema at one migration state, captured once.

    Replaying it creates a schema in milliseconds instead of re-running every migration;
    see quartier.tenants.schema_scripts.
    """

    fingerprint = models.CharField(max_length=64, unique=True)
    statements = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"schema script {self.fingerprint}"


class TenantInvoice(models.Model):
    """The operator's monthly invoice to a tenant: subscription + a fee per booking."""

    class Method(models.TextChoices):
        QRBILL = "qrbill", "PDF with Swiss QR-bill"
        STRIPE = "stripe", "Stripe invoice"

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=32, unique=True)
    period_start = models.DateField()
    period_end = models.DateField()
    method = models.CharField(max_length=8, choices=Method.choices)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    subscription_minor = models.BigIntegerField()
    booking_count = models.PositiveIntegerField()
    per_booking_minor = models.BigIntegerField()
    total_minor = models.BigIntegerField()
    stripe_invoice_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "tenant_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "period_start"], name="tenant_invoice_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    total_minor=models.F("subscription_minor")
                    + models.F("booking_count") * models.F("per_booking_minor")
                ),
                name="tenant_invoice_total_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return self.number
