from django.utils.translation import gettext as _
from rest_framework import serializers

from quartier.billing.models import (
    ConnectedAccount,
    JournalEntry,
    Payment,
    PaymentMode,
    Payout,
    PayoutInterval,
    PayoutSettings,
)
from quartier.billing.services.settings import FIELDS
from quartier.platform.api.fields import MoneyField
from quartier.platform.money import Currency, Money


class PayoutSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = PayoutSettings
        fields = [*FIELDS, "updated_at"]


class PayoutSettingsWriteSerializer(serializers.Serializer):
    payment_mode = serializers.ChoiceField(choices=PaymentMode.choices, required=False)
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    commission_basis_points = serializers.IntegerField(min_value=0, max_value=9999, required=False)
    commission_fixed_minor = serializers.IntegerField(min_value=0, required=False)
    customer_fee_basis_points = serializers.IntegerField(
        min_value=0, max_value=10000, required=False
    )
    customer_fee_fixed_minor = serializers.IntegerField(min_value=0, required=False)
    payout_interval = serializers.ChoiceField(choices=PayoutInterval.choices, required=False)
    payout_minimum_minor = serializers.IntegerField(min_value=0, required=False)
    free_cancellation_hours = serializers.IntegerField(min_value=0, max_value=720, required=False)
    late_cancellation_basis_points = serializers.IntegerField(
        min_value=0, max_value=10000, required=False
    )
    vat_basis_points = serializers.IntegerField(min_value=0, max_value=10000, required=False)

    def to_internal_value(self, data):
        # Money fields are integers of minor units: 12.5 or "12" are refused, not rounded.
        if isinstance(data, dict):
            for name, value in data.items():
                if name.endswith(("_minor", "_basis_points", "_hours")) and type(value) is not int:
                    raise serializers.ValidationError({name: [_("Use a whole number.")]})
        return super().to_internal_value(data)


class PaymentSerializer(serializers.ModelSerializer):
    price = serializers.SerializerMethodField()
    customer_fee = serializers.SerializerMethodField()
    authorised = serializers.SerializerMethodField()
    captured = serializers.SerializerMethodField()
    refunded = serializers.SerializerMethodField()
    commission = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "id",
            "booking",
            "mode",
            "status",
            "price",
            "customer_fee",
            "authorised",
            "captured",
            "refunded",
            "commission",
            "last_error",
            "authorised_at",
            "captured_at",
            "created_at",
        ]

    def _m(self, payment, minor) -> dict:
        return Money(int(minor), payment.currency).as_dict()

    def get_price(self, payment) -> dict:
        return self._m(payment, payment.price_minor)

    def get_customer_fee(self, payment) -> dict:
        return self._m(payment, payment.customer_fee_minor)

    def get_authorised(self, payment) -> dict:
        return self._m(payment, payment.authorised_minor)

    def get_captured(self, payment) -> dict:
        return self._m(payment, payment.captured_minor)

    def get_refunded(self, payment) -> dict:
        return self._m(payment, payment.refunded_minor)

    def get_commission(self, payment) -> dict:
        return self._m(payment, payment.commission_minor)


class RefundSerializer(serializers.Serializer):
    amount = MoneyField()
    reason = serializers.CharField(max_length=500)


class PaymentMethodSerializer(serializers.Serializer):
    payment_method = serializers.RegexField(r"^pm_[A-Za-z0-9_]{1,200}$")


class OnboardSerializer(serializers.Serializer):
    return_url = serializers.URLField(required=False)


class ConnectedAccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConnectedAccount
        fields = [
            "stripe_account_id",
            "details_submitted",
            "charges_enabled",
            "payouts_enabled",
            "updated_at",
        ]


class PayoutSerializer(serializers.ModelSerializer):
    amount = serializers.SerializerMethodField()

    class Meta:
        model = Payout
        fields = [
            "id",
            "provider",
            "amount",
            "status",
            "stripe_transfer_id",
            "created_at",
            "paid_at",
        ]

    def get_amount(self, payout) -> dict:
        return Money(payout.amount_minor, payout.currency).as_dict()


class JournalEntrySerializer(serializers.ModelSerializer):
    lines = serializers.SerializerMethodField()

    class Meta:
        model = JournalEntry
        fields = ["id", "key", "kind", "payment", "payout", "memo", "created_at", "lines"]

    def get_lines(self, entry) -> list[dict]:
        return [
            {"account": line.account, "amount_minor": line.amount_minor, "currency": line.currency}
            for line in entry.lines.all()
        ]
