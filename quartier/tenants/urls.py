"""Operator console pages (public schema); included by quartier.config.urls_public."""

from django.urls import path

from quartier.tenants import views

app_name = "tenants"

urlpatterns = [
    path("operator/", views.console, name="console"),
    path("operator/tenants/<slug:slug>/status/", views.tenant_status, name="status"),
]
