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
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from quartier.accounts.forms import OperatorSigninForm
from quartier.accounts.views import SigninView
from quartier.bookings.speed import speed_summary
from quartier.platform.errors import ApplicationError, PermissionDenied
from quartier.platform.formatting import duration_format
from quartier.platform.forms import add_application_error
from quartier.platform.health import readiness_checks
from quartier.platform.tenancy import tenant_context
from quartier.tenants import services
from quartier.tenants.forms import TenantProvisionForm, activation_message
from quartier.tenants.pool import pool_size
from quartier.tenants.resolution import tenant_for_hostname
from quartier.tenants.selectors import (
    dead_letter_list,
    tenant_get,
    tenant_list,
    tenant_primary_url,
)
from quartier.tenants.validation import HOSTNAME_PATTERN


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
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=(("suspend", gettext_lazy("Suspend")), ("resume", gettext_lazy("Resume"))),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "suspend" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the tenant is suspended."))
        return cleaned


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


def _console(request, *, form, status_forms=None, status=200):
    tenants = list(tenant_list())
    status_forms = status_forms or {}
    rows = [
        {
            "tenant": tenant,
            "url": tenant_primary_url(tenant),
            "form": status_forms.get(tenant.slug)
            or TenantStatusForm(
                prefix=tenant.slug,
                initial={"action": "resume" if tenant.status == "suspended" else "suspend"},
            ),
        }
        for tenant in tenants
    ]
    return render(
        request,
        "tenants/console.html",
        {
            "rows": rows,
            "form": form,
            "health": fleet_health(),
            "speed_rows": fleet_dispatch_speed(tenants),
        },
        status=status,
    )


@operator_page
def console(request):
    form = TenantProvisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (provisioned := form.provision()):
        messages.success(request, activation_message(provisioned))
        return redirect("tenants:console")
    return _console(request, form=form, status=400 if form.errors else 200)


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
            return redirect("tenants:console")
    return _console(
        request, form=TenantProvisionForm(), status_forms={tenant.slug: form}, status=400
    )


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
