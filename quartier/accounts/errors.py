"""Error codes of accounts (ApplicationError.code)."""

INVALID_CREDENTIALS = "invalid_credentials"
SIGNIN_LOCKED = "signin_locked"
INVALID_CODE = "invalid_code"
MFA_REQUIRES_SELF = "mfa_requires_self"
MFA_REQUIRED = "mfa_required"
