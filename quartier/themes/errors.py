"""Stable error codes of the themes app."""

INVALID_THEME = "invalid_theme"
CONTRAST_TOO_LOW = "contrast_too_low"
