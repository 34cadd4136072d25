"""Readiness: can this process serve? Database, cache and storage each answer or not."""

import time

from django.core.cache import caches
from django.core.files.storage import storages
from django.db import connection


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # any failure means "not ready"; the probe reports which
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:200]}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _database() -> None:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache = caches["platform"]
    cache.set("readiness", "1", 10)
    if cache.get("readiness") != "1":
        raise RuntimeError("cache did not return what was written")


def _storage() -> None:
    storages["default"].exists("readiness-probe")


def readiness_checks() -> dict:
    return {"database": _timed(_database), "cache": _timed(_cache), "storage": _timed(_storage)}
