"""Stable error codes of the marketplace app."""

INVALID_LANGUAGES = "invalid_languages"

# Idempotency keys (quartier.marketplace.idempotency).
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
