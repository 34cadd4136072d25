"""Probe tasks for the worker tests; the test worker imports this module (`-I`).

Results go to Redis (which the test reads), so they survive whatever the task's own
database transaction does.
"""

import os

import redis
from celery import shared_task
from django.db import connection

RESULT_TTL_SECONDS = 600


def results() -> redis.Redis:
    return redis.Redis.from_url(os.environ.get("OPS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))


@shared_task(name="tests.ops.probe")
def probe(*, key: str) -> str:
    """Record the schema the task ran in."""
    results().set(key, connection.schema_name, ex=RESULT_TTL_SECONDS)
    return connection.schema_name


@shared_task(name="tests.ops.always_fails")
def always_fails(*, key: str) -> None:
    """Count an attempt, then fail."""
    store = results()
    store.incr(key)
    store.expire(key, RESULT_TTL_SECONDS)
    raise RuntimeError(f"probe failure in {connection.schema_name}")
