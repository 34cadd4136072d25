"""Per-tenant reads of what rarely changes (settings, languages, categories, theme).

Each value is cached under a key that names the tenant's schema (`tenant_key`), so
tenant A's value is never read on tenant B, and stamped with the tenant's cache
generation: a random token in the shared cache (Redis in production). A write calls
`invalidate(key)` (the models' save and bulk-update paths do), which gives the tenant a
new generation now and again after commit; every value stamped with an older one is
stale for every process at once, including a value a concurrent request read from the
database before the commit and stored after it.

A request reads the generation once; values of the current generation are then served
from this process's memory, so a page that asks for the default language fifty times
(every translated name does) costs one cache round trip, not fifty. A value read after
an invalidation in the same transaction is never stored, so an uncommitted or rolled
back value never reaches another request. Cached objects are shared by the requests of
a process: read them, never change them.
"""

import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache, caches
from django.db import connection, transaction

GENERATION_SECONDS = 7 * 24 * 60 * 60
# Entries kept in a process's memory; beyond this the memory starts again from empty.
LOCAL_MAX_ENTRIES = 5000

_local: dict[str, tuple[str, Any, float]] = {}
_request_memo: ContextVar[dict | None] = ContextVar("tenant_cache_request_memo", default=None)
_dirty: ContextVar[frozenset] = ContextVar("tenant_cache_dirty", default=frozenset())


def tenant_key(name: str) -> str:
    """`name` for the current tenant: the schema is part of the key itself."""
    return f"{name}:{connection.schema_name}"


@contextmanager
def request_scope():
    """Reads inside share one generation read and one memory (opened per request and
    per task; a scope inside another, such as an eager task, shares the outer one)."""
    if _request_memo.get() is not None:
        yield
        return
    memo_token = _request_memo.set({})
    dirty_token = _dirty.set(frozenset())
    try:
        yield
    finally:
        _request_memo.reset(memo_token)
        _dirty.reset(dirty_token)


def cached(key: str, compute: Callable[[], Any], seconds: int) -> Any:
    """The value under `key` (which must carry the schema: see tenant_key)."""
    memo = _request_memo.get()
    if memo is not None and key in memo:
        return memo[key]
    value = compute() if key in _dirty.get() else _read_through(key, compute, seconds)
    if memo is not None:
        memo[key] = value
    return value


def _read_through(key: str, compute: Callable[[], Any], seconds: int) -> Any:
    generation = _generation()
    now = time.monotonic()
    entry = _local.get(key)
    if entry is not None and entry[0] == generation and entry[2] > now:
        return entry[1]
    stored = cache.get(key)
    if stored is not None and stored[0] == generation:
        value = stored[1]
    else:
        value = compute()
        cache.set(key, (generation, value), seconds)
    if len(_local) >= LOCAL_MAX_ENTRIES:
        _local.clear()
    _local[key] = (generation, value, now + seconds)
    return value


def generation_key(schema_name: str) -> str:
    """The platform-cache key of `schema_name`'s generation (read beside the host entry
    by tenant resolution, so a warm request makes one round trip, not two)."""
    return f"tenant-cache:generation:{schema_name}"


_generation_key = generation_key


def generation_known(schema_name: str, generation: str | None) -> None:
    """The current request read `schema_name`'s generation itself (in the same round
    trip as something else): remember it as if _generation() had read it."""
    memo = _request_memo.get()
    if memo is None or generation is None:
        return
    memo.setdefault(generation_key(schema_name), generation)


def _generations():
    # The platform cache adds no tenant prefix: the key names its schema itself, so an
    # after-commit callback that runs on another schema still bumps the right one.
    return caches["platform"]


def _generation() -> str:
    key = _generation_key(connection.schema_name)
    memo = _request_memo.get()
    if memo is not None and key in memo:
        return memo[key]
    generation = _generations().get(key)
    if generation is None:
        _generations().add(key, uuid.uuid4().hex, GENERATION_SECONDS)
        # Whoever added first wins; without a cache every read is its own generation.
        generation = _generations().get(key) or uuid.uuid4().hex
    if memo is not None:
        memo[key] = generation
    return generation


def current_generation() -> str:
    """The current tenant's cache generation (read once per request): a value derived
    from per-tenant data and stamped with it is stale once the generation moves."""
    return _generation()


def invalidate(key: str) -> None:
    """The value under `key` changed (or is about to, in this transaction)."""
    generation_key = _generation_key(connection.schema_name)
    memo = _request_memo.get()
    if memo is not None:
        memo.pop(key, None)
        memo.pop(generation_key, None)
    _dirty.set(_dirty.get() | {key})
    cache.delete(key)
    _generations().set(generation_key, uuid.uuid4().hex, GENERATION_SECONDS)

    def after_commit():
        _generations().set(generation_key, uuid.uuid4().hex, GENERATION_SECONDS)
        _dirty.set(_dirty.get() - {key})

    transaction.on_commit(after_commit)


def forget_pending() -> None:
    """Outside any scope: forget invalidations whose transaction ended without a commit
    (the test suite calls it between tests, whose transactions roll back)."""
    _dirty.set(frozenset())
