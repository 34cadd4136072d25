"""Error codes of accounts (ApplicationError.code)."""

INVALID_CREDENTIALS = "invalid_credentials"
SIGNIN_LOCKED = "signin_locked"
