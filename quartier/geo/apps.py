"""SHARED (public schema): Swiss postal codes and their coordinates, for every tenant.

Reference data, read-only on the request path: lookups are answered from an in-process
table loaded once, so searching near a postal code never joins a tenant table with
the public schema.
"""

from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "quartier.geo"
    label = "geo"
    verbose_name = "Geography"
