"""Cache, Celery, email and Stripe: each optional in development, configured in production."""

from celery.schedules import crontab

from quartier.platform.env import deployment, env_bool, env_int, env_str

REDIS_URL = env_str("REDIS_URL")
# Live pages (quartier/notifications/stream.py): Redis pub/sub and per-user replay logs.
# Empty: no live delivery (pages still show everything on reload).
LIVE_REDIS_URL = env_str("LIVE_REDIS_URL") or REDIS_URL
# Pub/sub channels are shared by every database of a Redis server: a prefix of their own
# keeps environments (and concurrent test runs) apart.
LIVE_KEY_PREFIX = env_str("LIVE_KEY_PREFIX", "quartier-live")
LIVE_HEARTBEAT_SECONDS = env_int("LIVE_HEARTBEAT_SECONDS", 15)
# The session is checked when a stream opens: a stream ends after this long and the
# browser reconnects (with Last-Event-ID), which checks it again.
LIVE_STREAM_MAX_SECONDS = env_int("LIVE_STREAM_MAX_SECONDS", 600)
# Events kept per user for Last-Event-ID replay.
LIVE_REPLAY_MAX = env_int("LIVE_REPLAY_MAX", 100)

# Web Push (quartier/notifications/push.py): the platform's VAPID pair, base64url of the
# raw P-256 private key and of the uncompressed public point (`manage.py vapid_keys`
# prints a new pair). Development and tests use the fixed pair below; production sets
# its own, and without one the settings page offers no push at all.
_DEV_VAPID = (
    "djh4t1kb1k_hoEz3HYtlSbodR1tgCvGP2Gp6HmRUIIk",
    "BBJEKCH9unKxCFrPTVw3C1b9-Tf3GRRGNyIzGpBs_ddFEhIL1VgjO5eC3MIbdq9MA_y67ddyFjlG8N_gHRxbSjs",
)
WEB_PUSH_VAPID_PRIVATE_KEY = env_str("WEB_PUSH_VAPID_PRIVATE_KEY") or (
    "" if deployment() == "production" else _DEV_VAPID[0]
)
WEB_PUSH_VAPID_PUBLIC_KEY = env_str("WEB_PUSH_VAPID_PUBLIC_KEY") or (
    "" if deployment() == "production" else _DEV_VAPID[1]
)
# The contact push services may write to about our traffic (the JWT's `sub`).
WEB_PUSH_SUBJECT = env_str("WEB_PUSH_SUBJECT", "mailto:push@quartier.example")
WEB_PUSH_TIMEOUT_SECONDS = env_int("WEB_PUSH_TIMEOUT_SECONDS", 10)
# How long a push service keeps an undelivered message for a phone that is offline.
WEB_PUSH_TTL_SECONDS = env_int("WEB_PUSH_TTL_SECONDS", 3600)
WEB_PUSH_MAX_DEVICES = env_int("WEB_PUSH_MAX_DEVICES", 10)
# Tests run a push service on loopback (plain http); everywhere else a subscription's
# endpoint must be https on an address reachable from the internet (SSRF guard).
WEB_PUSH_ALLOW_PRIVATE = env_bool("WEB_PUSH_ALLOW_PRIVATE", False)

# Tenant-prefixed keys: the same key written on two tenants never collides.
_TENANT_KEYS = {
    "KEY_FUNCTION": "django_tenants.cache.make_key",
    "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
}

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            **_TENANT_KEYS,
        },
        # Platform-wide keys (host -> tenant resolution); not prefixed by tenant.
        "platform": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "platform",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "quartier-default",
            **_TENANT_KEYS,
        },
        "platform": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "quartier-platform",
        },
    }
TENANT_CACHE_SECONDS = env_int("TENANT_CACHE_SECONDS", 300)
# Anonymous answers of the shared pages (tenants/response_cache.py): served again while
# the tenant's data is unchanged, and never older than this (0 turns it off).
RESPONSE_CACHE_SECONDS = env_int("RESPONSE_CACHE_SECONDS", 30)
# Cookies a shared page may set (the same for every visitor who sends the same request):
# the last searched postal code (storefront.views.POSTAL_CODE_COOKIE).
RESPONSE_CACHE_COOKIES = ("q_postal_code",)

# Celery: a real broker when CELERY_BROKER_URL is set; otherwise tasks run in-process
# (development and most tests), which keeps `make demo` free of extra services.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "quartier"
CELERY_TIMEZONE = "Europe/Zurich"
# Workers log through our JSON formatter (tenant and request id on every line).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Every task retries with exponential backoff (1x, 2x, 4x... this many seconds, jittered,
# capped) and is dead-lettered after its last attempt (quartier.platform.task_base).
TASK_MAX_RETRIES = env_int("TASK_MAX_RETRIES", 5)
TASK_RETRY_BACKOFF_SECONDS = env_int("TASK_RETRY_BACKOFF_SECONDS", 2)
TASK_RETRY_BACKOFF_MAX_SECONDS = env_int("TASK_RETRY_BACKOFF_MAX_SECONDS", 600)

# Periodic work (celery beat, `docker-entrypoint.sh scheduler`; CronJobs on Kubernetes).
# Fleet-wide work fans out: platform.fan_out queues the task once per active tenant, in
# that tenant's schema, so one slow or failing tenant never holds up the others.
CELERY_BEAT_SCHEDULE = {
    "bookings-expire": {
        "task": "platform.fan_out",
        "schedule": crontab(minute="*/5"),
        "kwargs": {"task_name": "bookings.expire_due"},
    },
    # Urgent requests nobody took widen to ring 2, then the support queue (SLAs in minutes).
    "bookings-dispatch-escalate": {
        "task": "platform.fan_out",
        "schedule": crontab(minute="*"),
        "kwargs": {"task_name": "bookings.dispatch_escalate"},
    },
    "trust-daily": {
        "task": "platform.fan_out",
        "schedule": crontab(hour=3, minute=15),
        "kwargs": {"task_name": "trust.daily"},
    },
    # Pushes payments Stripe has not answered yet and renews ageing authorisations.
    "billing-sweep": {
        "task": "platform.fan_out",
        "schedule": crontab(minute="*/5"),
        "kwargs": {"task_name": "billing.sweep"},
    },
    # Each tenant's payout schedule decides whether today is a payout day.
    "billing-payouts": {
        "task": "platform.fan_out",
        "schedule": crontab(hour=6, minute=0),
        "kwargs": {"task_name": "billing.payouts"},
    },
    # Idempotency keys answer retries for 24 hours; older ones are deleted.
    "marketplace-idempotency-keys-expire": {
        "task": "platform.fan_out",
        "schedule": crontab(minute=40),
        "kwargs": {"task_name": "marketplace.idempotency_keys_expire"},
    },
    # Sends webhook deliveries whose retry is due (integrations.webhooks).
    "integrations-webhooks": {
        "task": "platform.fan_out",
        "schedule": crontab(minute="*"),
        "kwargs": {"task_name": "integrations.deliver"},
    },
    # Delivers outbox rows whose on-commit kick was lost or whose retry is due.
    "outbox-sweep": {
        "task": "platform.fan_out",
        "schedule": crontab(minute="*"),
        "kwargs": {"task_name": "outbox.dispatch"},
    },
    # The operator bills every tenant for the month just ended, one task per tenant.
    "tenants-invoices": {
        "task": "tenants.invoices_issue",
        "schedule": crontab(day_of_month=1, hour=4, minute=0),
    },
    "tenants-pool-refill": {
        "task": "tenants.pool_refill",
        "schedule": crontab(minute="*/10"),
    },
}

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if deployment() == "production"
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Quartier <noreply@quartier.example>")

STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
# Points the Stripe SDK at a local server (localstripe, the Connect test server).
STRIPE_API_BASE = env_str("STRIPE_API_BASE")
STRIPE_TIMEOUT_SECONDS = env_int("STRIPE_TIMEOUT_SECONDS", 20)
# Tries per call (timeouts, 5xx, rate limits), doubling the pause from the first one.
STRIPE_ATTEMPTS = env_int("STRIPE_ATTEMPTS", 3)
STRIPE_RETRY_BACKOFF_SECONDS = float(env_str("STRIPE_RETRY_BACKOFF_SECONDS", "0.5"))
STRIPE_CONNECT_COUNTRY = env_str("STRIPE_CONNECT_COUNTRY", "CH")
# The browser side: the publishable key and where Stripe.js is loaded from (tests point
# it at localstripe's stand-in, http://localhost:PORT/js.stripe.com/v3/). Its origin must
# be STRIPE_JS_ORIGIN (settings/headers.py), the only one the card step's CSP opens.
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_JS_URL = env_str("STRIPE_JS_URL", "https://js.stripe.com/v3/")

# /metrics asks for `Authorization: Bearer <METRICS_TOKEN>` when set (it is served
# only on the platform's hosts and bare IP addresses either way).
METRICS_TOKEN = env_str("METRICS_TOKEN")

# Who the operator is on its invoices to tenants (the QR-bill's creditor).
OPERATOR_BILLING = {
    "name": env_str("OPERATOR_BILLING_NAME", "Quartier AG"),
    "street": env_str("OPERATOR_BILLING_STREET", "Bahnhofstrasse"),
    "house_number": env_str("OPERATOR_BILLING_HOUSE_NUMBER", "1"),
    "postal_code": env_str("OPERATOR_BILLING_POSTAL_CODE", "8001"),
    "city": env_str("OPERATOR_BILLING_CITY", "Zürich"),
    "country": env_str("OPERATOR_BILLING_COUNTRY", "CH"),
    # A well-known example IBAN in development; production sets the operator's own.
    "iban": env_str("OPERATOR_BILLING_IBAN", "CH9300762011623852957"),
}

# Phone verification codes: logged in development; a real gateway in production.
SMS_BACKEND = env_str("SMS_BACKEND", "quartier.accounts.sms.ConsoleSMS")
