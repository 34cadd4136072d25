"""Middleware that runs before tenant resolution."""

import uuid

from django.http import HttpResponse, JsonResponse

from quartier.platform.logging import request_id_var, tenant_var
from quartier.platform.tenant_cache import request_scope


class HealthProbeMiddleware:
    """Answers /healthz and /readyz on any host, before tenant resolution.

    Load balancers and Kubernetes call these by pod IP, which belongs to no tenant.
    Also tags the request with an id (X-Request-ID) for the logs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.request_id = request_id
        request_token = request_id_var.set(request_id)
        tenant_token = tenant_var.set("-")
        try:
            if request.path == "/healthz":
                return HttpResponse("ok", content_type="text/plain")
            if request.path == "/readyz":
                return readiness_response()
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            return response
        finally:
            request_id_var.reset(request_token)
            tenant_var.reset(tenant_token)


class TenantCacheScopeMiddleware:
    """Per-tenant cached values are read at most once per request (platform.tenant_cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            return self.get_response(request)


class ApplicationErrorMiddleware:
    """Pages show a service's ApplicationError as an error page with its status.

    (The API has its own exception handler; this covers server-rendered views.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from quartier.platform.errors import ApplicationError

        if not isinstance(exception, ApplicationError):
            return None
        return render(
            request,
            "platform/error.html",
            {"status": exception.status, "message": exception.message},
            status=exception.status,
        )


def readiness_response() -> JsonResponse:
    from quartier.platform.health import readiness_checks

    checks = readiness_checks()
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)
