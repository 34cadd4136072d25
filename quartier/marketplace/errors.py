"""Stable error codes of the marketplace app."""

INVALID_LANGUAGES = "invalid_languages"
