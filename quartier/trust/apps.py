"""TENANT: vetting rules, provider applications, trust badges and the audit trail."""

from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "quartier.trust"
    label = "trust"
    verbose_name = "Trust"
