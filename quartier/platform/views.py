"""Pages of the platform kernel: the operator's landing page and the storefront home."""

from django.shortcuts import render

from quartier.marketplace.selectors import marketplace_settings


def operator_home(request):
    from quartier.tenants.selectors import tenant_list

    tenants = tenant_list() if request.user.is_authenticated and request.user.is_staff else []
    return render(request, "platform/operator_home.html", {"tenants": tenants})


def storefront_home(request):
    return render(request, "platform/storefront_home.html", {"marketplace": marketplace_settings()})


def tls_ask(request):
    """May the reverse proxy get a certificate for `?domain=`? 200 only for a domain of
    an active tenant (Caddy's on-demand TLS `ask`); 404 otherwise, 400 when malformed.

    Answered from the host cache (unknown hosts are cached too), so a flood of TLS
    handshakes for random names does not become a flood of queries.
    """
    from django.http import HttpResponse, JsonResponse

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
