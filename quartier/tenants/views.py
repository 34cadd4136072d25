"""The operator console on the platform's own domain (public schema, operator staff only).

Tenants with their status and plan, a provisioning form, suspend and resume with a
reason, and the fleet's health. Tenant users never reach it: their sessions live in
their tenant's schema, so on the platform domain they are anonymous.

Also the platform host's landing page and the reverse proxy's TLS question (`tls_ask`).
"""

from functools import wraps

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST

from quartier.accounts.forms import OperatorSigninForm
from quartier.accounts.views import SigninView
from quartier.bookings.speed import speed_summary
from quartier.platform.charts import Point, bar_chart
from quartier.platform.errors import ApplicationError, PermissionDenied
from quartier.platform.formatting import duration_format
from quartier.platform.forms import add_application_error
from quartier.platform.health import readiness_checks
from quartier.platform.tenancy import tenant_context
from quartier.tenants import dashboards, services
from quartier.tenants.forms import TenantProvisionForm, activation_message
from quartier.tenants.models import Tenant
from quartier.tenants.pool import pool_size
from quartier.tenants.resolution import tenant_for_hostname
from quartier.tenants.selectors import (
    dead_letter_list,
    tenant_get,
    tenant_list,
    tenant_primary_url,
)
from quartier.tenants.validation import HOSTNAME_PATTERN
from quartier.themes.css import theme_stylesheet

# The operator's neutral brand for the shared stylesheet (all pairs pass WCAG AA).
OPERATOR_TOKENS = {
    "primary": "#1f3a5f",
    "secondary": "#5b6b7f",
    "background": "#ffffff",
    "text": "#1a1a1a",
    "font": "system-ui",
    "radius": 6,
}


def operator_page(view):
    """Operator staff only: others are sent to the operator sign-in, or refused."""

    @never_cache
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url="admin:login")
        if not (user.is_active and user.is_staff):
            raise PermissionDenied(_("Only the platform's operators may open this page."))
        return view(request, *args, **kwargs)

    return wrapped


class TenantStatusForm(forms.Form):
    # Hidden: the page offers the one action that applies now (status_form_for()).
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=(("suspend", gettext_lazy("Suspend")), ("resume", gettext_lazy("Resume"))),
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False)
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, I mean it"),
        required=True,
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "suspend" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the tenant is suspended."))
        return cleaned


def status_form_for(tenant, data=None) -> TenantStatusForm:
    """The one action that applies to the tenant now: resume when suspended, else suspend."""
    action = "resume" if tenant.status == "suspended" else "suspend"
    return TenantStatusForm(data, prefix=tenant.slug, initial={"action": action})


def fleet_health() -> dict:
    """Pool of ready schemas, readiness of the services, background tasks that failed."""
    checks = readiness_checks()
    return {
        "pool_size": pool_size(),
        "checks": checks,
        "is_ready": all(check["ok"] for check in checks.values()),
        "dead_letters": dead_letter_list(is_retried=False).count(),
    }


def fleet_dispatch_speed(tenants) -> list[dict]:
    """Each active tenant's last four weeks: how many requests, the share accepted within
    60 minutes and the median time to acceptance (quartier.bookings.speed)."""
    rows = []
    for tenant in tenants:
        if tenant.status != "active":
            continue
        with tenant_context(tenant):
            summary = speed_summary()
        rows.append(
            {
                "tenant": tenant,
                "summary": summary,
                "median": duration_format(summary.median_accepted),
            }
        )
    return rows


def _filtered_tenants(request):
    """The tenant list, narrowed by `?q=` (name, slug or domain) and `?status=`."""
    tenants = tenant_list()
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if query:
        tenants = tenants.filter(
            Q(name__icontains=query)
            | Q(slug__icontains=query)
            | Q(domains__domain__icontains=query)
        ).distinct()
    if status in Tenant.Status.values:
        tenants = tenants.filter(status=status)
    else:
        status = ""
    return list(tenants), query, status


@operator_page
def console(request):
    form = TenantProvisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (provisioned := form.provision()):
        messages.success(request, activation_message(provisioned))
        return redirect("tenants:console")
    tenants, query, status = _filtered_tenants(request)
    rows = [{"tenant": tenant, "url": tenant_primary_url(tenant)} for tenant in tenants]
    return render(
        request,
        "tenants/console.html",
        {
            "rows": rows,
            "form": form,
            "query": query,
            "status": status,
            "statuses": Tenant.Status.choices,
            "section": "tenants",
        },
        status=400 if form.errors else 200,
    )


def _tenant_facts(tenant) -> dict:
    """Counts and last activity inside the tenant's schema (a few bounded queries)."""
    from django.db.models import Max

    from quartier.accounts.models import User
    from quartier.bookings.models import Booking
    from quartier.catalog.models import Listing

    if tenant.status == "deleted":
        return {}
    with tenant_context(tenant):
        users = User.objects.aggregate(count=Count("id"), last_login=Max("last_login"))
        bookings = Booking.objects.aggregate(count=Count("id"), last=Max("created_at"))
        return {
            "users": users["count"],
            "listings": Listing.objects.count(),
            "bookings": bookings["count"],
            "last_activity": max(
                (moment for moment in (users["last_login"], bookings["last"]) if moment),
                default=None,
            ),
        }


def _detail(request, tenant, *, form=None, status=200):
    return render(
        request,
        "tenants/tenant_detail.html",
        {
            "tenant": tenant,
            "url": tenant_primary_url(tenant),
            "facts": _tenant_facts(tenant),
            "form": form or status_form_for(tenant),
            "section": "tenants",
        },
        status=status,
    )


@operator_page
def tenant_detail(request, slug: str):
    return _detail(request, tenant_get(slug=slug))


@require_POST
@operator_page
def tenant_status(request, slug: str):
    tenant = tenant_get(slug=slug)
    form = TenantStatusForm(request.POST, prefix=tenant.slug)
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "suspend":
                services.tenant_suspend(tenant=tenant, reason=form.cleaned_data["reason"])
            else:
                services.tenant_resume(tenant=tenant)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is suspended.") % {"name": tenant.name}
                if form.cleaned_data["action"] == "suspend"
                else _("%(name)s is active again.") % {"name": tenant.name},
            )
            return redirect("tenants:detail", slug=tenant.slug)
    return _detail(request, tenant, form=form, status=400)


@operator_page
def dashboard(request):
    tenants = [tenant for tenant in tenant_list() if tenant.status != "deleted"]
    counts = dashboards.cached("tenants", dashboards.tenant_counts)
    mondays, per_tenant = dashboards.cached(
        "bookings", lambda: dashboards.bookings_per_week(tenants)
    )
    week_labels = [date_format(monday, "j M") for monday in mondays]
    charts = [
        {
            "row": row,
            "chart": bar_chart(
                chart_id=f"bookings-{row.tenant.slug}",
                title=_("Bookings per week at %(name)s") % {"name": row.tenant.name},
                points=[
                    Point(label, count)
                    for label, count in zip(week_labels, row.counts, strict=True)
                ],
            ),
        }
        for row in per_tenant
    ]
    totals = [sum(column) for column in zip(*(row.counts for row in per_tenant), strict=True)]
    new_chart = bar_chart(
        chart_id="tenants-new",
        title=_("New tenants per week"),
        points=[
            Point(date_format(monday, "j M"), count) for monday, count in counts["new_per_week"]
        ],
    )
    return render(
        request,
        "tenants/dashboard.html",
        {
            "counts": counts,
            "new_chart": new_chart,
            "week_labels": week_labels,
            "per_tenant": per_tenant,
            "charts": charts,
            "totals": totals,
            "grand_total": sum(totals),
            "section": "dashboard",
        },
    )


@operator_page
def fleet(request):
    tenants = list(tenant_list())
    schemas = dashboards.cached("fleet", lambda: dashboards.fleet_schemas(tenants))
    return render(
        request,
        "tenants/fleet.html",
        {
            "health": fleet_health(),
            "schemas": schemas,
            "speed_rows": fleet_dispatch_speed(tenants),
            "section": "fleet",
        },
    )


@cache_control(max_age=300, public=True)
def console_css(request):
    """The operator's stylesheet: the tenants' design system with a neutral theme."""
    return HttpResponse(theme_stylesheet(OPERATOR_TOKENS), content_type="text/css")


def operator_home(request):
    """The platform's landing page: operator staff go on to the console."""
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("tenants:console")
    return render(request, "tenants/operator_home.html")


def tls_ask(request):
    """May the reverse proxy get a certificate for `?domain=`? 200 only for a domain of
    an active tenant (Caddy's on-demand TLS `ask`); 404 otherwise, 400 when malformed.

    Answered from the host cache (unknown hosts are cached too), so a flood of TLS
    handshakes for random names does not become a flood of queries.
    """
    raw = request.GET.get("domain", "")
    hostname = raw.strip().lower().rstrip(".")
    if not hostname or len(hostname) > 253 or not HOSTNAME_PATTERN.match(hostname):
        message = "Give the host name as ?domain=." if not raw else "Not a valid host name."
        return JsonResponse(
            {"code": "invalid", "message": message, "fields": {"domain": [message]}}, status=400
        )
    tenant = tenant_for_hostname(hostname)
    if tenant is None or not tenant.is_active:
        return HttpResponse("no\n", status=404, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


class OperatorSigninView(SigninView):
    """The operator admin's sign-in page, with the same second step as a tenant's."""

    form_class = OperatorSigninForm
    template_name = "admin/login.html"

    def get_default_redirect_url(self):
        return reverse("admin:index")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request))
        context.setdefault("title", _("Log in"))
        context["app_path"] = self.request.get_full_path()
        return context
