"""The tenant URLs plus a view that runs exactly N queries (for statement counting)."""

from django.http import JsonResponse
from django.urls import path

from quartier.accounts.models import User
from quartier.config.urls_tenant import urlpatterns as tenant_urlpatterns


def run_queries(request, count: int):
    for _ in range(count):
        User.objects.filter(pk=0).exists()
    return JsonResponse({"queries": count})


urlpatterns = [path("test-queries/<int:count>/", run_queries), *tenant_urlpatterns]
