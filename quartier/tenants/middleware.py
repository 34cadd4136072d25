"""Picks the tenant from the Host header and points the connection at its schema.

A warm request costs no database query here (resolution.py caches host -> tenant), and
`set_tenant` only records the schema: the backend sends `SET search_path` with the
request's first query, and only when the connection served another schema before.
"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from quartier.platform.logging import tenant_var
from quartier.tenants import errors
from quartier.tenants.models import Tenant
from quartier.tenants.resolution import tenant_for_hostname


def platform_hostnames() -> set[str]:
    domain = settings.PLATFORM_DOMAIN
    return {domain, f"www.{domain}", *settings.PLATFORM_EXTRA_HOSTS}


def request_hostname(request) -> str:
    # get_host() validates the header's syntax (a malformed one is a 400, not a 500).
    host = request.get_host().lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def is_api_request(request) -> bool:
    return request.path.startswith("/api/")


class TenantResolutionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hostname = request_hostname(request)
        connection.set_schema_to_public()
        request.tenant = None
        if hostname in platform_hostnames():
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            return self.get_response(request)
        # Longer than any DNS name: not worth a cache entry, let alone a query.
        prefetched = getattr(request, "prefetched_tenant", None)
        tenant = tenant_for_hostname(hostname, prefetched) if len(hostname) <= 253 else None
        if tenant is None or tenant.status == Tenant.Status.DELETED:
            return unknown_host_response(request, hostname)
        if tenant.status == Tenant.Status.SUSPENDED:
            return suspended_response(request, tenant)
        tenant.domain_url = hostname
        tenant_var.set(tenant.slug)
        request.tenant = tenant
        request.urlconf = settings.ROOT_URLCONF
        # A connection that has served many tenants holds all their catalog entries in
        # its server process: start a fresh one before it takes on yet another tenant.
        connection.recycle_if_served_many(tenant.schema_name)
        connection.set_tenant(tenant)
        return self.get_response(request)


def unknown_host_response(request, hostname: str):
    if is_api_request(request):
        return JsonResponse(
            {
                "code": errors.TENANT_NOT_FOUND,
                "message": "No marketplace at this address.",
                "fields": {},
            },
            status=404,
        )
    return render(request, "platform/unknown_host.html", {"hostname": hostname}, status=404)


def suspended_response(request, tenant: Tenant):
    if is_api_request(request):
        response = JsonResponse(
            {
                "code": errors.TENANT_SUSPENDED,
                "message": "This marketplace is temporarily unavailable.",
                "fields": {},
            },
            status=503,
        )
    else:
        response = render(
            request, "platform/maintenance.html", {"tenant_name": tenant.name}, status=503
        )
    response["Retry-After"] = "3600"
    return response
