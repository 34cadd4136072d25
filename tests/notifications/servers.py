"""A real uvicorn process serving the whole site (quartier.config.asgi) on the test
database, for the event-stream and browser tests."""

import contextlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import redis
from django.db import connection

from tests.conftest import _wait_for_port, free_port

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[2]


def redis_available() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError:
        return False


def run_prefix() -> str:
    """Pub/sub channels are shared across a Redis server: each run gets its own prefix."""
    return f"quartier-live-test-{uuid.uuid4().hex[:8]}"


def _database_url() -> str:
    database = connection.settings_dict
    return (
        f"postgresql://{database['USER']}:{database['PASSWORD']}@/{database['NAME']}"
        f"?host={database['HOST']}" + (f"&port={database['PORT']}" if database["PORT"] else "")
    )


@contextlib.contextmanager
def uvicorn_server(*, prefix: str, heartbeat_seconds: int = 1):
    """Yields the port of a uvicorn process; its Redis keys are removed afterwards."""
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "quartier.config.test_settings",
        "DATABASE_URL": _database_url(),
        "LIVE_REDIS_URL": REDIS_URL,
        "LIVE_KEY_PREFIX": prefix,
        "LIVE_HEARTBEAT_SECONDS": str(heartbeat_seconds),
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "quartier.config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        _wait_for_port(port, process, seconds=60)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # An open stream can hold a graceful shutdown past any deadline under load;
            # its database connections must go before the test database is dropped.
            process.kill()
            process.wait(timeout=15)
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}-log:*"):
            client.delete(key)
