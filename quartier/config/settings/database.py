"""PostgreSQL only: DATABASE_URL when set, otherwise the embedded server in .data/.

Production never falls back to the embedded server: without DATABASE_URL the
system check quartier.E001 stops it.
"""

from quartier.platform.embedded_db import database_settings_from_url, embedded_database_url
from quartier.platform.env import deployment, env_bool, env_int, env_str

DATABASE_URL = env_str("DATABASE_URL")
_URL = DATABASE_URL or (
    "postgres://unset@localhost/unset" if deployment() == "production" else embedded_database_url()
)

DATABASES = {
    "default": {
        # Our backend extends django-tenants': it sends `SET search_path` only when a
        # connection's schema actually changes, not once per cursor.
        "ENGINE": "quartier.platform.db_backend",
        **database_settings_from_url(_URL),
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        # Off by default: the check is a `SELECT 1` round trip on every request. Without
        # it a connection the server dropped fails one request, and Django closes it
        # (errors on a connection make it check usability at the request's end).
        "CONN_HEALTH_CHECKS": env_bool("DATABASE_CONN_HEALTH_CHECKS", False),
        "OPTIONS": {
            # Fail fast when the server is gone instead of hanging a worker.
            "connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 3),
        },
        "TEST": {"NAME": env_str("DATABASE_TEST_NAME") or None},
    }
}

# A PostgreSQL backend keeps the catalog entries of every tenant schema it has touched
# until the connection closes (~0.2 MB per tenant, docs/scaling.md): a web process's
# connection is closed and reopened before serving a tenant beyond this many distinct
# ones. 0 turns recycling off.
DATABASE_TENANTS_PER_CONNECTION = env_int("DATABASE_TENANTS_PER_CONNECTION", 200)
