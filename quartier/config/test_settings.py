"""Settings for the test suite: the normal settings with QUARTIER_ENV=test.

A module of its own (not inside settings/) so that the variable is set before any
settings module reads it.
"""

import os

os.environ["QUARTIER_ENV"] = "test"
os.environ.setdefault("THROTTLE_LOGIN_RATE", "10000/minute")
os.environ.setdefault("THROTTLE_SIGNUP_RATE", "10000/minute")
# Tests that exercise the sign-in lockout set the real limits themselves.
os.environ.setdefault("SIGNIN_FAILURES_PER_ACCOUNT", "10000")
os.environ.setdefault("SIGNIN_FAILURES_PER_ADDRESS", "10000")

from quartier.config.settings import *  # noqa: E402, F403

# Hashing at full strength makes every login in the suite slow; tests need only
# correctness of the flow, not a password's resistance to brute force.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S105
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "quartier.accounts.sms.LocmemSMS"
# The tests' OpenID Connect provider (tests/oidc/provider.mjs) listens on
# http://127.0.0.1; the refusal of such issuers is tested with this turned off.
SSO_ALLOW_PRIVATE = True
