"""The languages a Quartier marketplace can speak (Switzerland first)."""

from django.db import models


class Language(models.TextChoices):
    GERMAN = "de", "Deutsch"
    FRENCH = "fr", "Français"
    ITALIAN = "it", "Italiano"
    ENGLISH = "en", "English"
