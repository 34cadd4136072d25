"""Views of the kernel: the error page every URLconf uses (handler500)."""

import sys

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views import defaults

from quartier.platform.errors import NOT_FOUND, is_database_outage

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
