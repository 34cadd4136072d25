"""TENANT: categories, provider profiles, priced listings, task requests and search."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "quartier.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from quartier.catalog import setup
        from quartier.platform.initialisers import demo_seeder_register, tenant_initialiser_register

        tenant_initialiser_register(setup.tenant_initialise, order=30)
        demo_seeder_register(setup.demo_seed, order=20)
