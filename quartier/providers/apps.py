"""TENANT: the provider and their facts (profile, social links, vetted, suspended, rating,
completed jobs, badges shown). Every fact changes through one service of this app."""

from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "quartier.providers"
    label = "providers"
    verbose_name = "Providers"
