"""The pool of ready tenant schemas.

A new tenant claims a pool schema with `ALTER SCHEMA ... RENAME`, a catalog update of a
few milliseconds, so provisioning costs the same for tenant #1 and tenant #500. The pool
is refilled in the background from the captured build script (schema_scripts), and
schemas built for older migrations are dropped and rebuilt by `migrate_schemas`.
"""

import logging
import secrets
import threading

from django.conf import settings
from django.db import connection, transaction

from quartier.tenants.models import PoolSchema
from quartier.tenants.schema_scripts import (
    build_script,
    migration_fingerprint,
    quote_schema,
    replay_script,
)

logger = logging.getLogger(__name__)
_refill_lock = threading.Lock()


def pool_schema_create() -> PoolSchema:
    """Build one schema from the captured script and add it to the pool."""
    script = build_script()
    schema_name = f"pool_{secrets.token_hex(8)}"
    with transaction.atomic():
        replay_script(schema_name, script, create=True)
        return PoolSchema.objects.create(
            schema_name=schema_name, fingerprint=migration_fingerprint()
        )


def pool_claim() -> PoolSchema | None:
    """Take one current pool schema for the caller's transaction, or None when empty.

    SKIP LOCKED lets concurrent provisioning calls take different schemas without
    waiting on each other; the row is deleted by the caller in the same transaction.
    """
    return (
        PoolSchema.objects.select_for_update(skip_locked=True)
        .filter(fingerprint=migration_fingerprint())
        .order_by("id")
        .first()
    )


def pool_size() -> int:
    return PoolSchema.objects.filter(fingerprint=migration_fingerprint()).count()


def pool_fill(*, target: int | None = None) -> int:
    """Drop stale pool schemas and build new ones until `target` are ready; returns built."""
    target = settings.TENANT_POOL_SIZE if target is None else target
    pool_drop_stale()
    built = 0
    while pool_size() < target:
        pool_schema_create()
        built += 1
    return built


def pool_drop_stale() -> int:
    """Pool schemas carry no data: ones built for other migrations are simply dropped."""
    stale = list(PoolSchema.objects.exclude(fingerprint=migration_fingerprint()))
    for pool_schema in stale:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DROP SCHEMA IF EXISTS {quote_schema(pool_schema.schema_name)} CASCADE"
                )
            pool_schema.delete()
    return len(stale)


def pool_refill_soon() -> None:
    """Ask for a refill without making the caller wait for it."""
    if not settings.TENANT_POOL_AUTO_REFILL:
        return
    from quartier.tenants.tasks import tenant_pool_refill

    if not settings.CELERY_TASK_ALWAYS_EAGER:
        tenant_pool_refill.delay()
        return
    # No task broker (development): refill on a daemon thread, one at a time.
    if _refill_lock.locked():
        return
    threading.Thread(target=_refill_in_thread, name="tenant-pool-refill", daemon=True).start()


def _refill_in_thread() -> None:
    from django.db import connections

    if not _refill_lock.acquire(blocking=False):
        return
    try:
        pool_fill()
    except Exception:  # a background refill must never take the process down
        logger.exception("tenant pool refill failed")
    finally:
        _refill_lock.release()
        connections.close_all()
