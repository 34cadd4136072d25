"""TENANT: the marketplace's brand: design tokens, logo, texts per language."""

from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "quartier.themes"
    label = "themes"
    verbose_name = "Themes"
