"""TENANT: the marketplace's brand: design tokens, logo, texts per language."""

from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "quartier.themes"
    label = "themes"
    verbose_name = "Themes"

    def ready(self):
        from quartier.platform.initialisers import demo_seeder_register, tenant_initialiser_register
        from quartier.themes import setup

        tenant_initialiser_register(setup.tenant_initialise, order=70)
        demo_seeder_register(setup.demo_seed, order=10)
