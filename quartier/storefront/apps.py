"""TENANT (no models): the storefront's public pages, composed from catalog, bookings and trust."""

from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "quartier.storefront"
    label = "storefront"
    verbose_name = "Storefront"
