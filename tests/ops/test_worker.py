"""A real Celery worker against Redis: tasks run in their tenant's schema; failures are
retried with backoff and then dead-lettered.

The worker is a subprocess on the test database (the session tenants are committed, so
it sees them) and consumes a queue of its own, so parallel runs never take each other's
tasks. The test process queues over the same Redis and reads results from Redis and
from committed dead-letter rows, which it deletes afterwards.
"""

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from quartier.config.celery_app import app
from quartier.platform.models import DeadLetter
from tests.ops.worker_tasks import always_fails, probe, results

REDIS_URL = "redis://127.0.0.1:6379/0"
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
MAX_RETRIES = 2


def _database_url(settings_dict: dict) -> str:
    """The test database (not the development one) as a DATABASE_URL for the worker."""
    user = quote(settings_dict["USER"] or "postgres", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    host, port = settings_dict["HOST"] or "", str(settings_dict["PORT"] or "")
    name = quote(settings_dict["NAME"], safe="")
    if host.startswith("/"):  # a unix socket directory
        port_part = f":{port}" if port else ""
        return f"postgres://{credentials}{port_part}/{name}?host={quote(host, safe='')}"
    return f"postgres://{credentials}{host}{':' + port if port else ''}/{name}"


class Worker:
    def __init__(self, queue: str, database_url: str):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "quartier.config.test_settings",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": REDIS_URL,
            "OPS_TEST_REDIS_URL": REDIS_URL,
            "TASK_MAX_RETRIES": str(MAX_RETRIES),
            "TASK_RETRY_BACKOFF_SECONDS": "1",
            "TASK_RETRY_BACKOFF_MAX_SECONDS": "2",
            "LOG_LEVEL": "INFO",
        }
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "quartier",
                "worker",
                "--pool=solo",
                "--queues",
                queue,
                "--include",
                "tests.ops.worker_tasks",
                "--hostname",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            cwd=REPOSITORY_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            if "ready." in line:  # "celery@host ready."
                self.ready.set()

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.ready.wait(0.2):
                return
            if self.process.poll() is not None:
                break
        raise AssertionError("worker did not start:\n" + "".join(self.lines[-40:]))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _wait_for(read, seconds: float, worker: Worker, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = read()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(
        f"timed out waiting for {what}; worker said:\n" + "".join(worker.lines[-40:])
    )


def _delete_dead_letters(run: str) -> None:
    """On a connection of its own: the test's transaction is rolled back, the worker's
    rows were committed."""
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with own.cursor() as cursor:
            cursor.execute(
                "DELETE FROM public.platform_deadletter WHERE kwargs->>'key' LIKE %s",
                [f"ops-test:{run}:%"],
            )
    finally:
        own.close()


@pytest.mark.slow
def test_worker_runs_each_task_in_its_tenants_schema_and_dead_letters_failures(tenant_a, tenant_b):
    telco, acme = tenant_a, tenant_b
    run = uuid.uuid4().hex[:12]
    queue = f"quartier-test-{run}"
    database_url = _database_url(connection.settings_dict)
    store = results()
    keys = {name: f"ops-test:{run}:{name}" for name in ("telco", "acme", "fails")}
    worker = Worker(queue, database_url)
    # The test settings run tasks in-process; queue these to the real broker instead.
    app.conf.task_always_eager = False
    try:
        worker.wait_ready()
        with app.connection_for_write(REDIS_URL) as broker:
            # given tasks queued from inside each tenant (the schema travels in headers)
            with telco.context():
                probe.apply_async(kwargs={"key": keys["telco"]}, queue=queue, connection=broker)
                failing = always_fails.apply_async(
                    kwargs={"key": keys["fails"]}, queue=queue, connection=broker
                )
            with acme.context():
                probe.apply_async(kwargs={"key": keys["acme"]}, queue=queue, connection=broker)

        # then each ran in its own schema
        assert _wait_for(lambda: store.get(keys["telco"]), 30, worker, "telco probe") == (
            telco.tenant.schema_name.encode()
        )
        assert _wait_for(lambda: store.get(keys["acme"]), 30, worker, "acme probe") == (
            acme.tenant.schema_name.encode()
        )

        # and the failing task was tried 1 + MAX_RETRIES times, then dead-lettered
        def dead_letter():
            # Read committed: each query sees what the worker committed since.
            return DeadLetter.objects.filter(task_id=failing.id).first()

        row = _wait_for(dead_letter, 45, worker, "the dead letter")
        assert int(store.get(keys["fails"])) == 1 + MAX_RETRIES
        assert row.task_name == "tests.ops.always_fails"
        assert row.schema_name == telco.tenant.schema_name
        assert row.attempts == 1 + MAX_RETRIES
        assert row.kwargs == {"key": keys["fails"]}
        assert row.exception_type == "builtins.RuntimeError"
        assert row.exception_message == f"probe failure in {telco.tenant.schema_name}"
        assert "RuntimeError" in row.traceback
        retries = [line for line in worker.lines if "Retry in" in line]
        assert len(retries) == MAX_RETRIES
    finally:
        app.conf.task_always_eager = True
        worker.stop()
        store.delete(*keys.values())
        _delete_dead_letters(run)
