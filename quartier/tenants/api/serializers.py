from rest_framework import serializers

from quartier.platform.languages import Language
from quartier.tenants.models import Plan, Tenant, TenantInvoice
from quartier.tenants.selectors import tenant_primary_url


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["code", "name", "monthly_fee_minor", "per_booking_fee_minor", "currency"]


class TenantSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.code")
    domains = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Tenant
        fields = [
            "slug",
            "name",
            "schema_name",
            "status",
            "status_reason",
            "plan",
            "domains",
            "url",
            "created_at",
            "status_changed_at",
        ]

    def get_domains(self, tenant) -> list[dict]:
        return [
            {"domain": d.domain, "is_primary": d.is_primary, "is_custom": d.is_custom}
            for d in tenant.domains.all()
        ]

    def get_url(self, tenant) -> str:
        return tenant_primary_url(tenant)


class TenantProvisionSerializer(serializers.Serializer):
    # Shapes only; the service owns the rules (slug syntax, reserved words, uniqueness).
    name = serializers.CharField(max_length=200)
    slug = serializers.CharField(max_length=200)
    admin_email = serializers.CharField(max_length=254)
    admin_password = serializers.CharField(max_length=128, required=False, write_only=True)
    plan = serializers.CharField(max_length=40, required=False)
    domains = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, max_length=20
    )
    language = serializers.ChoiceField(choices=Language.choices, default="de")
    currency = serializers.CharField(max_length=3, default="CHF")


class StatusReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PurgeSerializer(serializers.Serializer):
    confirm = serializers.CharField(max_length=100)


class DomainSerializer(serializers.Serializer):
    domain = serializers.CharField(max_length=300)


class TenantInvoiceSerializer(serializers.ModelSerializer):
    tenant = serializers.CharField(source="tenant.slug")

    class Meta:
        model = TenantInvoice
        fields = [
            "id",
            "number",
            "tenant",
            "period_start",
            "period_end",
            "method",
            "currency",
            "subscription_minor",
            "booking_count",
            "per_booking_minor",
            "total_minor",
            "stripe_invoice_id",
            "created_at",
        ]


class InvoiceIssueSerializer(serializers.Serializer):
    period = serializers.RegexField(r"^[0-9]{4}-[0-9]{2}$", help_text="The month billed, YYYY-MM")


class InvoicesQueuedSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="The month billed, YYYY-MM")
    queued = serializers.ListField(
        child=serializers.CharField(), help_text="Slugs of the tenants whose invoice is queued"
    )


class InvoiceMethodSerializer(serializers.Serializer):
    invoice_method = serializers.ChoiceField(choices=TenantInvoice.Method.choices)
