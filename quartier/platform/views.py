"""Pages of the platform kernel: the operator's landing page and the storefront home."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from quartier.marketplace.selectors import marketplace_settings


def operator_home(request):
    from quartier.tenants.selectors import tenant_list

    tenants = tenant_list() if request.user.is_authenticated and request.user.is_staff else []
    return render(request, "platform/operator_home.html", {"tenants": tenants})


def storefront_home(request):
    return render(request, "platform/storefront_home.html", {"marketplace": marketplace_settings()})


_UNAVAILABLE_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>Briefly unavailable</title></head><body><main><h1>Briefly unavailable</h1>"
    "<p>We are back in a few seconds. Please try again.</p></main></body></html>"
)


def server_error(request):
    """handler500: a database outage is a fast 503 that clients retry, not a 500.

    Django calls this inside its `except` block, so the exception is at hand. Nothing
    here touches the database (no templates with context processors), or the error page
    would fail the same way.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
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
