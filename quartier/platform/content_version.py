"""A tenant's content version: a token that changes whenever the tenant's data changes.

Whole responses kept for anonymous visitors (platform.response_cache) are stamped with
it and served only while it is unchanged. It moves on every write, whatever wrote it:
the database backend (platform.db_backend) passes each statement it executes to
`watch`, so a model's save, a queryset's `update()` or `delete()`, `bulk_create` and
raw SQL through Django's cursors all count, and no write path can forget to.

Writes to tables no public page shows (sessions, outbox, notifications, private
messages, sign-in bookkeeping) are left out, so that signing in or delivering a
notification does not empty the tenant's cache.

The version moves after the transaction commits: a response computed while the
transaction was open (without its changes) and stored under the old version is never
served again. It moves at the write too when this process has served or stored a cached
response of that tenant since the last move: reads on the writer's own connection see
the uncommitted change (the test suite's transactions never commit).
"""

import re
import uuid

from django.core.cache import caches
from django.db import transaction
from django_tenants.utils import get_public_schema_name

VERSION_SECONDS = 7 * 24 * 60 * 60

# Tables whose rows no cacheable (public, anonymous) page reads.
PRIVATE_TABLES = frozenset(
    {
        "django_session",
        "usersessions_usersession",
        "accounts_signinfailure",
        "authtoken_token",
        "account_emailconfirmation",
        "mfa_authenticator",
        "socialaccount_socialtoken",
        "outbox_outboxmessage",
        "platform_deadletter",
        "notifications_notification",
        "notifications_pushsubscription",
        "marketplace_idempotencykey",
        "marketplace_auditentry",
        "integrations_webhookattempt",
        "integrations_webhookdelivery",
        "billing_webhookevent",
        "bookings_message",
        "django_admin_log",
    }
)

_WRITE = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(?:"?\w+"?\.)?"?(\w+)"?',
    re.IGNORECASE,
)
# Signing in stamps the user's last login: not something a public page shows.
_LAST_LOGIN_ONLY = re.compile(r'\s*UPDATE\s+"accounts_user"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE')
_WRITE_WORDS = ("INSERT ", "UPDATE ", "DELETE ", "ALTER ", "DROP ", "TRUNCATE ")
_READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET ", "SHOW", "BEGIN", "COMMIT")

# Schemas whose cached responses this process served or stored since their version last
# moved: the next write there moves it at once, not only after commit.
_served: set[str] = set()


def version_key(schema_name: str) -> str:
    return f"content-version:{schema_name}"


def _cache():
    return caches["platform"]


def current(schema_name: str) -> str | None:
    return _cache().get(version_key(schema_name))


def start(schema_name: str) -> str:
    """The version of a schema that has none (first use, or evicted): a new token, so a
    response stored under an earlier one can never match again."""
    _cache().add(version_key(schema_name), uuid.uuid4().hex, VERSION_SECONDS)
    return _cache().get(version_key(schema_name)) or ""


def served(schema_name: str) -> None:
    """A cached response of `schema_name` was served or stored by this process."""
    _served.add(schema_name)


def uncommitted(connection, schema_name: str) -> bool:
    """This connection's open transaction wrote to `schema_name`: what it reads now is
    not what others will read, so it must not be stored for them."""
    return connection.in_atomic_block and _pending(connection, schema_name)


def bump(schema_name: str) -> None:
    _served.discard(schema_name)
    _cache().set(version_key(schema_name), uuid.uuid4().hex, VERSION_SECONDS)


def written_table(sql: str) -> str | None:
    """The table a statement writes to, or None for a read (or a write no page shows)."""
    if sql[:64].lstrip()[:8].upper().startswith(_READS):
        return None
    match = _WRITE.match(sql)
    if match is None:
        # WITH ... INSERT, DDL and anything unusual: assume it changed something (a read
        # that says FOR UPDATE counts too; only an extra move of the version).
        upper = sql.upper()
        return "" if any(word in upper for word in _WRITE_WORDS) else None
    table = match.group(1).lower()
    if table in PRIVATE_TABLES or _LAST_LOGIN_ONLY.match(sql):
        return None
    return table


def watch(execute, sql, params, many, context):
    """Database execute wrapper: a write moves the version of the schema it ran in."""
    result = execute(sql, params, many, context)
    # SQL composed by psycopg (not a str) is not parsed: counted as a write.
    if not isinstance(sql, str) or written_table(sql) is not None:
        _written(context["connection"])
    return result


def _written(connection) -> None:
    schema_name = connection.schema_name
    if not schema_name or schema_name == get_public_schema_name():
        return
    if schema_name in _served or not connection.in_atomic_block:
        bump(schema_name)
    if connection.in_atomic_block and not _pending(connection, schema_name):
        callback = _after_commit(connection, schema_name)
        transaction.on_commit(callback, using=connection.alias)
        connection.content_version_pending[schema_name] = (
            len(connection.run_on_commit) - 1,
            callback,
        )


def _after_commit(connection, schema_name: str):
    def callback():
        connection.content_version_pending.pop(schema_name, None)
        bump(schema_name)

    return callback


def _pending(connection, schema_name: str) -> bool:
    """This transaction already moves the version after commit (its callback is still
    queued: a rollback drops the queue, and with it the need)."""
    entry = getattr(connection, "content_version_pending", {}).get(schema_name)
    if entry is None:
        return False
    index, callback = entry
    queued = connection.run_on_commit
    return index < len(queued) and queued[index][1] is callback
