"""TENANT: categories, provider profiles, priced listings, task requests and search."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "quartier.catalog"
    label = "catalog"
    verbose_name = "Catalog"
