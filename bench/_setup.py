"""Shared set-up for benchmarks: a throw-away database on the configured server."""

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    from quartier.platform.embedded_db import embedded_database_url

    return embedded_database_url()


def _with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


@contextmanager
def bench_database(name: str):
    """Create database `name`, point Django at it, set Django up; drop it afterwards."""
    import psycopg2

    server = _server_url()
    admin = psycopg2.connect(_with_database(server, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = _with_database(server, name)
    os.environ.setdefault("QUARTIER_ENV", "test")
    os.environ["TENANT_POOL_AUTO_REFILL"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartier.config.settings")
    import django

    django.setup()
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return percentile(values, 0.5)
