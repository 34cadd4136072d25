"""Stable error codes of the providers app."""

PROFILE_EXISTS = "profile_exists"
PROFILE_REQUIRED = "profile_required"
