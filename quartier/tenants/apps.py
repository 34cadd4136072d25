"""SHARED (public schema): tenants, their domains, plans and the pool of ready schemas."""

from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "quartier.tenants"
    label = "tenants"
    verbose_name = "Tenants"
