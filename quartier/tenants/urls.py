"""Operator console pages (public schema); included by quartier.config.urls_public."""

from django.urls import path

from quartier.tenants import views

app_name = "tenants"

urlpatterns = [
    path("operator/", views.console, name="console"),
    path("operator/dashboard/", views.dashboard, name="dashboard"),
    path("operator/fleet/", views.fleet, name="fleet"),
    path("operator/console.css", views.console_css, name="css"),
    path("operator/tenants/<slug:slug>/", views.tenant_detail, name="detail"),
    path("operator/tenants/<slug:slug>/status/", views.tenant_status, name="status"),
]
