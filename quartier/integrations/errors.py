"""Stable error codes of the integrations app."""

INVALID_URL = "invalid_url"
INVALID_SCOPES = "invalid_scopes"
INVALID_EXPIRY = "invalid_expiry"
INVALID_EVENTS = "invalid_events"
API_KEY_INVALID = "api_key_invalid"
API_KEY_SCOPE = "api_key_scope"
