"""Per-tenant reads of what rarely changes: in the cache, and at most once per request.

A value lives in the default cache (Redis in production) under a key that names the
tenant's schema, so tenant A's value is never read on tenant B. Within a request it is
also kept in memory: a page asks for the same value dozens of times (every translated
category name asks for the default language) and each cache read is a round trip.
Writers call `invalidate(key)` (the model's save signal does), which drops the value now
and again after commit, because a concurrent request may have cached the old one in
between; a value read after an invalidation in the same request is not written back
to the cache, so an uncommitted (or rolled back) value never reaches other requests.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction

_UNSET = object()
_request_memo: ContextVar[dict | None] = ContextVar("tenant_cache_request_memo", default=None)
_request_dirty: ContextVar[set | None] = ContextVar("tenant_cache_request_dirty", default=None)


def tenant_key(name: str) -> str:
    """`name` for the current tenant: the schema is part of the key itself."""
    return f"{name}:{connection.schema_name}"


@contextmanager
def request_scope():
    """Reads inside share one memory (the middleware opens one per request)."""
    memo_token = _request_memo.set({})
    dirty_token = _request_dirty.set(set())
    try:
        yield
    finally:
        _request_memo.reset(memo_token)
        _request_dirty.reset(dirty_token)


def cached(key: str, compute: Callable[[], Any], seconds: int) -> Any:
    """The value under `key` (which must carry the schema: see tenant_key)."""
    memo = _request_memo.get()
    if memo is not None:
        value = memo.get(key, _UNSET)
        if value is not _UNSET:
            return value
    dirty = _request_dirty.get()
    if dirty is not None and key in dirty:
        value = compute()
    else:
        value = cache.get(key, _UNSET)
        if value is _UNSET:
            value = compute()
            cache.set(key, value, seconds)
    if memo is not None:
        memo[key] = value
    return value


def invalidate(key: str) -> None:
    memo = _request_memo.get()
    if memo is not None:
        memo.pop(key, None)
    dirty = _request_dirty.get()
    if dirty is not None:
        dirty.add(key)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
