"""Secrets, hosts, cookies and HTTPS: permissive in development, strict in production."""

from quartier.platform.env import deployment, env_bool, env_int, env_list, env_str

_PRODUCTION = deployment() == "production"

# A development key is fine on a laptop; production refuses to start without its own
# (see quartier.platform.checks).
SECRET_KEY = env_str("SECRET_KEY") or (
    "" if _PRODUCTION else "django-insecure-quartier-development-key-not-for-production"
)
DEBUG = env_bool("DEBUG", default=not _PRODUCTION and deployment() != "test")

# Every host is accepted by Django; the tenant middleware is the real allowlist: it only
# serves hosts that belong to an active tenant or to the platform itself (404 otherwise).
ALLOWED_HOSTS = ["*"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Cookies are host-only (no Domain attribute), so a session on telco.example never
# reaches acme.example even though both sit under the same platform domain.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _PRODUCTION
CSRF_COOKIE_SECURE = _PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
# Other sites see our origin only, never a path (which can hold ids or one-time tokens).
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if _PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Probes call plain HTTP inside the cluster.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
