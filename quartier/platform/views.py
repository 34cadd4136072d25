"""Pages of the platform kernel: the operator's landing page and the storefront home."""

import sys

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.clickjacking import xframe_options_sameorigin

from quartier.marketplace.selectors import marketplace_settings
from quartier.platform.errors import NOT_FOUND, is_database_outage


def operator_home(request):
    """The platform's landing page: operator staff go on to the console."""
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("tenants:console")
    return render(request, "platform/operator_home.html")


# The back office theme editor previews the home page in an iframe of the same host.
@xframe_options_sameorigin
def storefront_home(request):
    return render(request, "platform/storefront_home.html", {"marketplace": marketplace_settings()})


_UNAVAILABLE_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>Briefly unavailable</title></head><body><main><h1>Briefly unavailable</h1>"
    "<p>We are back in a few seconds. Please try again.</p></main></body></html>"
)


def not_found(request, exception):
    """handler404: under /api/ a path no route matches answers our JSON error body too."""
    if request.path.startswith("/api/"):
        body = {"code": NOT_FOUND, "message": gettext("Not found."), "fields": {}}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: a database outage is a fast 503 that clients retry, not a 500.

    Django calls this inside its `except` block, so the exception is at hand. Nothing
    here touches the database (no templates with context processors), or the error page
    would fail the same way.
    """
    error = sys.exc_info()[1]
    if is_database_outage(error):
        status, code, message = 503, "database_unavailable", "Briefly unavailable; retry soon."
    else:
        status, code, message = 500, "server_error", "Something went wrong on our side."
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": code, "message": message, "fields": {}}, status=status)
    elif status == 503:
        response = HttpResponse(_UNAVAILABLE_PAGE, status=503)
    else:
        response = HttpResponse(
            "<!doctype html><title>Error</title><h1>Something went wrong</h1>", status=500
        )
    if status == 503:
        response["Retry-After"] = "5"
    return response


def tls_ask(request):
    """May the reverse proxy get a certificate for `?domain=`? 200 only for a domain of
    an active tenant (Caddy's on-demand TLS `ask`); 404 otherwise, 400 when malformed.

    Answered from the host cache (unknown hosts are cached too), so a flood of TLS
    handshakes for random names does not become a flood of queries.
    """
    from quartier.tenants.resolution import tenant_for_hostname
    from quartier.tenants.validation import HOSTNAME_PATTERN

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
