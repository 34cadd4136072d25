"""The billing API: payout settings, payments, cards, Connect onboarding, ledger, reports."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from quartier.billing import ledger, selectors
from quartier.billing.api import serializers as s
from quartier.billing.models import ConnectedAccount, JournalEntry, Payment, Payout
from quartier.billing.services import connect, payments, payouts
from quartier.billing.services.settings import payout_settings_get, payout_settings_update
from quartier.marketplace.api.idempotency import (
    IDEMPOTENCY_RESPONSES,
    idempotent_without_transaction,
)
from quartier.platform.api.permissions import IsTenantAdmin
from quartier.platform.api.query import IdField, QueryParameters
from quartier.platform.api.schema import errors
from quartier.platform.errors import NotFound, PermissionDenied
from quartier.platform.pagination import CursorPagination
from quartier.providers.services import provider_profile_require


class PeriodQuerySerializer(serializers.Serializer):
    # Text, parsed by period_parse (which names the field it refuses).
    start = serializers.CharField(required=False, max_length=10, help_text="YYYY-MM-DD, included")
    end = serializers.CharField(required=False, max_length=10, help_text="YYYY-MM-DD, included")


class PaymentQuerySerializer(serializers.Serializer):
    booking = IdField(required=False, help_text="Only the payments of this booking.")


class PayoutSettingsView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(responses=s.PayoutSettingsSerializer)
    def get(self, request):
        return Response(s.PayoutSettingsSerializer(payout_settings_get()).data)

    @extend_schema(request=s.PayoutSettingsWriteSerializer, responses=s.PayoutSettingsSerializer)
    def patch(self, request):
        serializer = s.PayoutSettingsWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = payout_settings_update(actor=request.user, **serializer.validated_data)
        return Response(s.PayoutSettingsSerializer(updated).data)


class PaymentMethodView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.PaymentMethodSerializer, responses={204: None, **IDEMPOTENCY_RESPONSES}
    )
    @idempotent_without_transaction
    def post(self, request):
        serializer = s.PaymentMethodSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        connect.payment_method_attach(
            user=request.user, payment_method_id=serializer.validated_data["payment_method"]
        )
        return Response(status=204)


class PaymentListView(QueryParameters, ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.PaymentSerializer
    pagination_class = CursorPagination
    query_serializer_class = PaymentQuerySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        payments_seen = selectors.payments_for_user(user=self.request.user)
        booking_id = self.query.get("booking")
        return payments_seen if booking_id is None else payments_seen.filter(booking_id=booking_id)


class PaymentDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.PaymentSerializer)
    def get(self, request, pk):
        payment = selectors.payment_get_for_user(user=request.user, payment_id=pk)
        return Response(s.PaymentSerializer(payment).data)


class PaymentRetryView(APIView):
    """Try Stripe again now (after an outage or a new card) instead of waiting."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: s.PaymentSerializer, **IDEMPOTENCY_RESPONSES})
    @idempotent_without_transaction
    def post(self, request, pk):
        payment = selectors.payment_get_for_user(user=request.user, payment_id=pk)
        if not (request.user.is_tenant_admin or payment.booking.customer_id == request.user.pk):
            raise PermissionDenied()
        if payment.status == payment.Status.FAILED:
            payment.status = payment.Status.PENDING
            payment.save(update_fields=["status", "updated_at"])
        payment = payments.payment_settle(payment_id=payment.pk)
        return Response(s.PaymentSerializer(payment).data)


class PaymentRefundView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(
        request=s.RefundSerializer, responses={200: s.PaymentSerializer, **IDEMPOTENCY_RESPONSES}
    )
    @idempotent_without_transaction
    def post(self, request, pk):
        payment = selectors.payment_get_for_user(user=request.user, payment_id=pk)
        serializer = s.RefundSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = payments.payment_refund(
            payment=payment, actor=request.user, **serializer.validated_data
        )
        return Response(s.PaymentSerializer(payment).data)


class ConnectView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.ConnectedAccountSerializer)
    @errors(404)
    def get(self, request):
        provider = provider_profile_require(request.user)
        account = ConnectedAccount.objects.filter(provider=provider).first()
        if account is None:
            raise NotFound(_("You have not started payout onboarding yet."))
        return Response(s.ConnectedAccountSerializer(account).data)


class ConnectOnboardView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.OnboardSerializer, responses={200: dict})
    def post(self, request):
        provider = provider_profile_require(request.user)
        serializer = s.OnboardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        back = request.build_absolute_uri("/dashboard/provider/")
        account, url = connect.connected_account_onboard(
            provider=provider,
            refresh_url=request.build_absolute_uri(request.path),
            return_url=serializer.validated_data.get("return_url") or back,
        )
        return Response({"url": url, "account": s.ConnectedAccountSerializer(account).data})


class ConnectRefreshView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=s.ConnectedAccountSerializer)
    @errors(404)
    def post(self, request):
        provider = provider_profile_require(request.user)
        account = ConnectedAccount.objects.filter(provider=provider).first()
        if account is None:
            raise NotFound(_("You have not started payout onboarding yet."))
        account = connect.connected_account_refresh(account=account)
        return Response(s.ConnectedAccountSerializer(account).data)


class PayoutListView(QueryParameters, ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.PayoutSerializer
    pagination_class = CursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payout.objects.none()
        if self.request.user.is_tenant_admin:
            return Payout.objects.all()
        return Payout.objects.filter(provider__user=self.request.user)


class PayoutRunView(APIView):
    """Pay out now, whatever the schedule says (the admin's "pay out" button)."""

    permission_classes = [IsTenantAdmin]

    @extend_schema(request=None, responses=s.PayoutSerializer(many=True))
    def post(self, request):
        return Response(s.PayoutSerializer(payouts.payouts_run(force=True), many=True).data)


class LedgerView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(responses={200: dict})
    def get(self, request):
        def rows(balances):
            return [
                {"name": name, "currency": currency, "balance_minor": total}
                for (name, currency), total in sorted(balances.items())
            ]

        return Response(
            {
                "parties": rows(ledger.party_balances()),
                "accounts": rows(ledger.account_balances()),
                "trial_balance": ledger.trial_balance(),
            }
        )


class JournalEntryListView(QueryParameters, ListAPIView):
    permission_classes = [IsTenantAdmin]
    serializer_class = s.JournalEntrySerializer
    pagination_class = CursorPagination

    def get_queryset(self):
        return JournalEntry.objects.prefetch_related("lines")


def _csv(content: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class EarningsStatementView(QueryParameters, APIView):
    permission_classes = [IsAuthenticated]
    query_serializer_class = PeriodQuerySerializer

    @extend_schema(responses={(200, "text/csv"): str})
    def get(self, request):
        provider = provider_profile_require(request.user)
        start, end = selectors.period_parse(self.query.get("start"), self.query.get("end"))
        content = selectors.earnings_statement_csv(provider=provider, start=start, end=end)
        return _csv(content, f"earnings-{start.date()}-{end.date()}.csv")


class CommissionReportView(QueryParameters, APIView):
    permission_classes = [IsTenantAdmin]
    query_serializer_class = PeriodQuerySerializer

    @extend_schema(responses={(200, "text/csv"): str})
    def get(self, request):
        start, end = selectors.period_parse(self.query.get("start"), self.query.get("end"))
        content = selectors.commission_report_csv(start=start, end=end)
        return _csv(content, f"commission-{start.date()}-{end.date()}.csv")
