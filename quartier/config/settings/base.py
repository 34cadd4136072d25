"""Apps, middleware, templates, i18n and the API: what every deployment shares."""

from quartier.platform.env import (
    REPOSITORY_ROOT,
    deployment,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = REPOSITORY_ROOT
QUARTIER_ENV = deployment()

# Apps whose tables live once, in the public schema: the operator's side.
# quartier.tenants comes before django_tenants so that its `migrate_schemas` (the fleet
# migrator) replaces django-tenants' command of the same name, and the admin before it
# so that the admin's own templates win over django-tenants' (which expect a tenant row
# for the public schema; ours has none).
SHARED_APPS = [
    "quartier.platform",
    "quartier.tenants",
    "quartier.config",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django_tenants",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_filters",
    "django.contrib.postgres",
    "quartier.accounts",
    "quartier.geo",
    "quartier.outbox",
    # Identity (issue 18): allauth's tables sit beside our User in every schema that has
    # one — operator staff in public, each tenant's users in its own schema.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    # "Signed-in devices": one row per signed-in session (quartier.accounts.devices).
    "allauth.usersessions",
    "django_htmx",
]

# Apps whose tables exist in every tenant's schema. Accounts, sessions and tokens are
# listed in both: operator staff live in public, each tenant's users in its own schema,
# so no account, session or password ever crosses tenants.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "rest_framework.authtoken",
    "quartier.accounts",
    "quartier.marketplace",
    "quartier.providers",
    "quartier.catalog",
    "quartier.trust",
    "quartier.bookings",
    "quartier.billing",
    "quartier.themes",
    "quartier.storefront",
    "quartier.backoffice",
    "quartier.outbox",
    "quartier.workspace",
    "quartier.notifications",
    "quartier.integrations",
    "quartier.sso",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.usersessions",
]

INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "quartier.config.urls_public"
ROOT_URLCONF = "quartier.config.urls_tenant"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

# The platform's own domain: tenants live at <slug>.<PLATFORM_DOMAIN>, the operator
# console at PLATFORM_DOMAIN itself.
PLATFORM_DOMAIN = env_str("PLATFORM_DOMAIN", "localhost").lower()
PLATFORM_SCHEME = env_str("PLATFORM_SCHEME", "http" if QUARTIER_ENV != "production" else "https")
PLATFORM_PORT = env_str("PLATFORM_PORT", "8000" if QUARTIER_ENV == "development" else "")
# Further host names that serve the operator side (e.g. an internal admin host).
PLATFORM_EXTRA_HOSTS = env_list("PLATFORM_EXTRA_HOSTS")

# Provisioning: schemas migrated ahead of time that a new tenant claims by renaming.
TENANT_POOL_SIZE = env_int("TENANT_POOL_SIZE", 3 if QUARTIER_ENV == "test" else 5)
# Refill the pool after each claim (a Celery task, or a thread without a broker).
TENANT_POOL_AUTO_REFILL = env_bool("TENANT_POOL_AUTO_REFILL", QUARTIER_ENV != "test")
# Each app registers its tenant initialisers, demo seeders and event subscribers in its
# AppConfig.ready (quartier.platform.initialisers, quartier.platform.events). A system
# check fails when an installed app below has not subscribed to the event it must see.
EVENT_SUBSCRIBERS_REQUIRED = {
    "quartier.bookings.events.BookingTransitioned": ["quartier.billing", "quartier.integrations"],
    "quartier.catalog.events.OfferAccepted": ["quartier.bookings"],
    "quartier.catalog.events.ListingChanged": ["quartier.trust"],
    "quartier.providers.events.ProviderFactsChanged": ["quartier.trust"],
    "quartier.catalog.events.OfferMade": ["quartier.notifications"],
    "quartier.bookings.events.BroadcastInvited": ["quartier.notifications"],
    "quartier.bookings.events.BroadcastEscalated": ["quartier.notifications"],
    "quartier.bookings.events.MessageSent": ["quartier.notifications"],
    "quartier.trust.events.BadgeExpiring": ["quartier.notifications"],
    "quartier.billing.events.PayoutSent": ["quartier.notifications"],
}
# The living style guide (/style-guide/): on in development (DEBUG), or with this set.
STYLE_GUIDE = env_bool("STYLE_GUIDE", False)
# Tests fetch calendars from a local server; production refuses private addresses.
CALENDAR_IMPORT_ALLOW_PRIVATE = env_bool("CALENDAR_IMPORT_ALLOW_PRIVATE", False)
# Webhook endpoints on http or on private/loopback addresses: only the tests turn this on
# (their receiver listens on 127.0.0.1); no environment variable reaches it.
WEBHOOK_ALLOW_PRIVATE = False

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Our User signs in by e-mail and has no username.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_UNIQUE_EMAIL = True
# Single sign-on (quartier.sso): allauth's socialaccount with one OpenID Connect app per
# tenant, built from the tenant's own configuration (never stored as a SocialApp).
SOCIALACCOUNT_ADAPTER = "quartier.sso.adapter.SsoAdapter"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the provider's email_verified claim decides
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking by verified e-mail: see the adapter
SOCIALACCOUNT_STORE_TOKENS = False
# A Fernet key for the stored client secrets; derived from SECRET_KEY when empty.
SSO_SECRET_KEY = env_str("SSO_SECRET_KEY")
# Issuers on http or on private/loopback addresses: only the tests turn this on (their
# provider listens on 127.0.0.1); no environment variable reaches it.
SSO_ALLOW_PRIVATE = False

# Two-step sign-in (quartier.accounts.mfa): allauth.mfa stores and checks the
# authenticators; our own pages run the enrolment and the sign-in's second step.
MFA_ADAPTER = "quartier.accounts.mfa_adapter.QuartierMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
# Browsers accept passkeys on http only for *.localhost; fido2 wants https otherwise.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = QUARTIER_ENV in ("development", "test")
# Our sessions list writes its rows itself (at sign-in, and "last seen" every few
# minutes), not on every request as allauth's tracking would.
USERSESSIONS_TRACK_ACTIVITY = False
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

MIDDLEWARE = [
    # Outermost, so a request's time covers every other middleware and requests that
    # tenant resolution refuses are counted too; also answers /metrics.
    "quartier.tenants.metrics.RequestMetricsMiddleware",
    # Health probes answer before tenant resolution: load balancers call them by IP.
    "quartier.platform.middleware.HealthProbeMiddleware",
    # Answers an anonymous GET of a shared page from Redis when nothing it shows has
    # changed (tenants/response_cache.py); before the rest, which it then skips.
    "quartier.tenants.response_cache.ResponseCacheMiddleware",
    # Values cached per tenant (settings, languages, categories, theme) are read from
    # Redis once per request, however often the page asks.
    "quartier.platform.middleware.TenantCacheScopeMiddleware",
    # Security headers before tenant resolution, so its own answers (unknown host,
    # suspended tenant) carry them too; the CSP nonce is made only for pages that use one.
    "csp.middleware.CSPMiddleware",
    "quartier.platform.headers.PermissionsPolicyMiddleware",
    # Tenant resolution must run first of the rest: sessions, auth and CSRF all read
    # tables in the tenant's schema, so the search path has to be set before them.
    "quartier.tenants.middleware.TenantResolutionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware limited to the tenant's enabled languages: after tenant
    # resolution (it reads the tenant's settings), before CommonMiddleware (as Django's).
    "quartier.marketplace.middleware.MarketplaceLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After auth and messages: its refusal page is a full page of the marketplace.
    "quartier.sso.middleware.SsoMiddleware",
    # "Last seen" and address of the signed-in device, written at most every few minutes.
    "quartier.accounts.devices.DeviceSeenMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "quartier.platform.middleware.ApplicationErrorMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "quartier" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "quartier.platform.context_processors.platform",
                # `language_choices`: lazy, the tenant's enabled languages for the switcher.
                "quartier.marketplace.context_processors.languages",
                # `theme`: lazy, reads the cached published theme only when a page uses it.
                "quartier.themes.context_processors.theme",
                # `notification_unread`: lazy, one COUNT when a page shows the bell.
                "quartier.notifications.context_processors.notifications",
            ],
        },
    }
]

WSGI_APPLICATION = "quartier.config.wsgi.application"

LANGUAGE_CODE = "en"
LANGUAGES = [("de", "Deutsch"), ("fr", "Français"), ("it", "Italiano"), ("en", "English")]
# QUARTIER_LOCALE_DIR points makemessages/compilemessages and the catalogs at another
# folder (the translation test merges new strings into a temporary copy there).
LOCALE_PATHS = [env_str("QUARTIER_LOCALE_DIR") or str(BASE_DIR / "quartier" / "locale")]
# Swiss conventions for dates and times in every language (quartier/platform/formats).
FORMAT_MODULE_PATH = ["quartier.platform.formats"]
TIME_ZONE = "Europe/Zurich"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_str("STATIC_ROOT") or str(BASE_DIR / ".data" / "staticfiles")
# htmx, fetched at install time by scripts/fetch-htmx.py (pinned, digest checked).
STATICFILES_DIRS = [("vendor/htmx", BASE_DIR / ".cache" / "vendor" / "htmx")]
# Outside production, WhiteNoise serves straight from the apps' static folders, so no
# collectstatic is needed for `make demo` or the browser tests.
WHITENOISE_USE_FINDERS = QUARTIER_ENV != "production"
WHITENOISE_AUTOREFRESH = QUARTIER_ENV != "production"
if QUARTIER_ENV != "production":
    (BASE_DIR / ".data" / "staticfiles").mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Reverse proxies in front of the app that append the client's address to
# X-Forwarded-For (Caddy or the ingress in production). Without the right count every
# client would look like the proxy, and one attacker's failures would lock out everyone.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if QUARTIER_ENV == "production" else 0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Tenant API keys (`Bearer qk_...`); first, so that a hostile Bearer header is
        # refused before DRF's token class tries to encode it (a 500 for non-Latin-1).
        "quartier.integrations.api.auth.ApiKeyAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "quartier.platform.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "quartier.platform.api.exception_handler",
    # DRF's three, made to answer 400 for any body they cannot read (nesting included).
    "DEFAULT_PARSER_CLASSES": [
        "quartier.platform.api.parsers.JSONParser",
        "quartier.platform.api.parsers.FormParser",
        "quartier.platform.api.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "quartier.platform.pagination.CursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_RATES": {
        "login": env_str("THROTTLE_LOGIN_RATE", "20/minute"),
        "signup": env_str("THROTTLE_SIGNUP_RATE", "30/hour"),
    },
    # The throttles tell clients apart by the same address as the sign-in lockout.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

# Failed sign-ins, on the token endpoint and every sign-in page alike (one policy,
# quartier.accounts.signin): an e-mail address, or a client address, that fails this
# often within SIGNIN_LOCKOUT_SECONDS is refused, even with the right password, for
# SIGNIN_LOCKOUT_SECONDS. The per-address limit is higher: offices share one address.
SIGNIN_FAILURES_PER_ACCOUNT = env_int("SIGNIN_FAILURES_PER_ACCOUNT", 10)
SIGNIN_FAILURES_PER_ADDRESS = env_int("SIGNIN_FAILURES_PER_ADDRESS", 20)
SIGNIN_LOCKOUT_SECONDS = env_int("SIGNIN_LOCKOUT_SECONDS", 15 * 60)
# Wrong codes (authenticator app, recovery code, passkey) at the sign-in's second step:
# the account is locked out after this many within SIGNIN_LOCKOUT_SECONDS.
SIGNIN_SECOND_STEP_FAILURES = env_int("SIGNIN_SECOND_STEP_FAILURES", 5)

SPECTACULAR_SETTINGS = {
    "TITLE": "Quartier marketplace API",
    "DESCRIPTION": (
        "The API of one tenant's marketplace; every path is relative to its host. "
        "The operator's API is described at /api/schema/ on the platform's own domain."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # What Django's converters really match, so a client (or a fuzzer) knows which
    # values reach the view at all.
    "PATH_CONVERTER_OVERRIDES": {
        "int": {"type": "integer", "minimum": 0},
        "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
        "str": {"type": "string", "pattern": "^[^/]+$"},
    },
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "quartier.platform.languages.Language",
        "ProviderKindEnum": "quartier.catalog.models.ProviderProfile.Kind",
        "BookingKindEnum": "quartier.bookings.models.Booking.Kind",
        "RequirementKindEnum": "quartier.trust.models.Requirement.Kind",
        "ApplicationStatusEnum": "quartier.trust.models.Application.Status",
        "BookingStatusEnum": "quartier.bookings.models.BookingStatus",
        "ListingStatusEnum": "quartier.catalog.models.Listing.Status",
        "TaskStatusEnum": "quartier.catalog.models.TaskRequest.Status",
        "OfferStatusEnum": "quartier.catalog.models.Offer.Status",
        "TenantStatusEnum": "quartier.tenants.models.Tenant.Status",
        "PaymentModeEnum": "quartier.billing.models.PaymentMode",
        "PaymentStatusEnum": "quartier.billing.models.Payment.Status",
        "PayoutStatusEnum": "quartier.billing.models.Payout.Status",
        "InvoiceMethodEnum": "quartier.tenants.models.TenantInvoice.Method",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "quartier.platform.logging.JsonFormatter"},
    },
    "filters": {
        "request_context": {"()": "quartier.platform.logging.RequestContextFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_context"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
    },
}
