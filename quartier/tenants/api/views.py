"""The operator's REST API (platform domain only): provision and manage tenants."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from quartier.platform.api.permissions import IsOperatorStaff
from quartier.platform.api.query import QueryParameters
from quartier.platform.errors import ApplicationError, NotFound
from quartier.tenants import invoicing, services
from quartier.tenants.api.serializers import (
    DomainSerializer,
    InvoiceIssueSerializer,
    InvoiceMethodSerializer,
    InvoicesQueuedSerializer,
    PlanSerializer,
    PurgeSerializer,
    StatusReasonSerializer,
    TenantInvoiceSerializer,
    TenantProvisionSerializer,
    TenantSerializer,
)
from quartier.tenants.models import Plan, Tenant, TenantInvoice
from quartier.tenants.pool import pool_size
from quartier.tenants.selectors import tenant_get, tenant_list


class OperatorView(QueryParameters, APIView):
    permission_classes = [IsOperatorStaff]


class InvoiceQuerySerializer(serializers.Serializer):
    tenant = serializers.SlugField(max_length=63, required=False, help_text="A tenant's slug.")


class TenantListView(OperatorView):
    @extend_schema(responses=TenantSerializer(many=True))
    def get(self, request):
        return Response(TenantSerializer(tenant_list(), many=True).data)

    @extend_schema(request=TenantProvisionSerializer, responses={201: TenantSerializer})
    def post(self, request):
        serializer = TenantProvisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        provisioned = services.tenant_provision(
            name=data["name"],
            slug=data["slug"],
            admin_email=data["admin_email"],
            admin_password=data.get("admin_password"),
            plan_code=data.get("plan"),
            custom_domains=data.get("domains", []),
            language=data["language"],
            currency=data["currency"],
        )
        body = TenantSerializer(tenant_get(slug=provisioned.tenant.slug)).data
        body["admin"] = {
            "email": provisioned.admin_email,
            "activation_url": provisioned.activation_url,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class TenantDetailView(OperatorView):
    @extend_schema(responses=TenantSerializer)
    def get(self, request, slug):
        return Response(TenantSerializer(tenant_get(slug=slug)).data)

    # Deleting is reversible (see restore), so the tenant comes back: 200, not 204.
    @extend_schema(request=StatusReasonSerializer, responses={200: TenantSerializer})
    def delete(self, request, slug):
        reason = _reason(request)
        services.tenant_delete(tenant=tenant_get(slug=slug), reason=reason)
        return Response(TenantSerializer(tenant_get(slug=slug)).data)


def _reason(request) -> str:
    serializer = StatusReasonSerializer(data=request.data if isinstance(request.data, dict) else {})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["reason"]


class TenantSuspendView(OperatorView):
    @extend_schema(request=StatusReasonSerializer, responses=TenantSerializer)
    def post(self, request, slug):
        services.tenant_suspend(tenant=tenant_get(slug=slug), reason=_reason(request))
        return Response(TenantSerializer(tenant_get(slug=slug)).data)


class TenantResumeView(OperatorView):
    @extend_schema(request=None, responses=TenantSerializer)
    def post(self, request, slug):
        services.tenant_resume(tenant=tenant_get(slug=slug))
        return Response(TenantSerializer(tenant_get(slug=slug)).data)


class TenantRestoreView(OperatorView):
    @extend_schema(request=None, responses=TenantSerializer)
    def post(self, request, slug):
        services.tenant_restore(tenant=tenant_get(slug=slug))
        return Response(TenantSerializer(tenant_get(slug=slug)).data)


class TenantPurgeView(OperatorView):
    @extend_schema(request=PurgeSerializer, responses={204: None})
    def post(self, request, slug):
        serializer = PurgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["confirm"] != slug:
            raise ApplicationError.invalid_field("confirm", _("Type the tenant's slug to confirm."))
        services.tenant_purge(tenant=tenant_get(slug=slug))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TenantDomainListView(OperatorView):
    @extend_schema(request=DomainSerializer, responses={201: TenantSerializer})
    def post(self, request, slug):
        serializer = DomainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.domain_add(
            tenant=tenant_get(slug=slug), domain=serializer.validated_data["domain"]
        )
        return Response(
            TenantSerializer(tenant_get(slug=slug)).data, status=status.HTTP_201_CREATED
        )


class TenantDomainDetailView(OperatorView):
    @extend_schema(request=None, responses={200: TenantSerializer})
    def delete(self, request, slug, domain):
        services.domain_remove(tenant=tenant_get(slug=slug), domain=domain)
        return Response(TenantSerializer(tenant_get(slug=slug)).data)


class PlanListView(OperatorView):
    @extend_schema(responses=PlanSerializer(many=True))
    def get(self, request):
        return Response(PlanSerializer(Plan.objects.filter(is_active=True), many=True).data)


class PoolView(OperatorView):
    @extend_schema(request=None, responses={200: dict})
    def get(self, request):
        from django.conf import settings

        return Response({"ready": pool_size(), "target": settings.TENANT_POOL_SIZE})


class InvoiceListView(OperatorView):
    query_serializer_class = InvoiceQuerySerializer

    @extend_schema(responses=TenantInvoiceSerializer(many=True))
    def get(self, request):
        invoices = TenantInvoice.objects.select_related("tenant")
        if self.query.get("tenant"):
            invoices = invoices.filter(tenant__slug=self.query["tenant"])
        return Response(TenantInvoiceSerializer(invoices[:500], many=True).data)


class InvoiceIssueView(OperatorView):
    """Bill every tenant for a month, one task per tenant (202: what was queued).

    Idempotent: a tenant already billed keeps its invoice; the invoices appear in
    GET /api/operator/invoices/ as their tasks finish.
    """

    @extend_schema(request=InvoiceIssueSerializer, responses={202: InvoicesQueuedSerializer})
    def post(self, request):
        serializer = InvoiceIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = invoicing.Period.parse(serializer.validated_data["period"])
        tenants = invoicing.tenant_invoices_queue(period=period)
        queued = {"period": period.label, "queued": [tenant.slug for tenant in tenants]}
        return Response(InvoicesQueuedSerializer(queued).data, status=status.HTTP_202_ACCEPTED)


class InvoicePdfView(OperatorView):
    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk):
        invoice = TenantInvoice.objects.select_related("tenant").filter(pk=pk).first()
        if invoice is None:
            raise NotFound(_("No such invoice."))
        response = HttpResponse(invoicing.invoice_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
        return response


class TenantInvoiceMethodView(OperatorView):
    @extend_schema(request=InvoiceMethodSerializer, responses=TenantSerializer)
    def put(self, request, slug):
        serializer = InvoiceMethodSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tenant = tenant_get(slug=slug)
        Tenant.objects.filter(pk=tenant.pk).update(**serializer.validated_data)
        return Response(TenantSerializer(tenant_get(slug=slug)).data)
