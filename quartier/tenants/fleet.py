"""Migrating the whole fleet of tenant schemas: fast when nothing changed, parallel when
something did, and a failing schema never stops the others.

1. Read which migrations each schema has (one small query per schema).
2. Group schemas by what they still need; a schema needing nothing costs nothing more.
3. For a group whose pending migrations only change the schema (no RunPython), migrate
   one schema for real while recording its SQL, then replay that SQL on the rest in
   parallel, one transaction per schema. A replay that fails falls back to the real
   executor for that schema before it is reported as failed.
4. Groups with data migrations (RunPython) go through Django's executor schema by schema.
"""

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, connections, migrations, transaction
from django.db.migrations.loader import MigrationLoader

from quartier.tenants.schema_scripts import (
    content_types_sql,
    migrate_schema_for_real,
    quote_schema,
    recording,
    tenant_app_labels,
)

logger = logging.getLogger(__name__)

# Operations whose SQL does not depend on a schema's rows: safe to record once and replay.
_REPLAYABLE_OPERATIONS = (
    migrations.CreateModel,
    migrations.DeleteModel,
    migrations.RenameModel,
    migrations.AlterModelTable,
    migrations.AlterModelTableComment,
    migrations.AlterModelOptions,
    migrations.AlterModelManagers,
    migrations.AlterUniqueTogether,
    migrations.AlterIndexTogether if hasattr(migrations, "AlterIndexTogether") else (),
    migrations.AlterOrderWithRespectTo,
    migrations.AddField,
    migrations.RemoveField,
    migrations.AlterField,
    migrations.RenameField,
    migrations.AddIndex,
    migrations.RemoveIndex,
    migrations.RenameIndex,
    migrations.AddConstraint,
    migrations.RemoveConstraint,
    migrations.RunSQL,
)


@dataclass
class SchemaResult:
    schema_name: str
    method: str  # "current", "recorded", "replayed", "executor", "failed"
    applied: int = 0
    seconds: float = 0.0
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.method != "failed"


@dataclass
class FleetReport:
    results: list[SchemaResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[SchemaResult]:
        return [result for result in self.results if not result.ok]

    def count(self, method: str) -> int:
        return sum(1 for result in self.results if result.method == method)


Progress = Callable[[SchemaResult, int, int], None]


def fleet_migrate(
    *, schemas: Iterable[str], workers: int = 4, progress: Progress | None = None
) -> FleetReport:
    """Bring every schema in `schemas` to the latest tenant migrations."""
    started = time.perf_counter()
    schemas = list(schemas)
    report = FleetReport()
    done = _Counter(len(schemas), progress, report)
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    expected = _expected_migrations(loader)
    groups: dict[frozenset, list[str]] = defaultdict(list)
    for schema_name, applied in _applied_migrations(schemas).items():
        if applied is None:
            done(
                SchemaResult(
                    schema_name, "failed", error="schema or its migration table is missing"
                )
            )
            continue
        groups[frozenset(expected - applied)].append(schema_name)
    for pending, members in groups.items():
        if not pending:
            for schema_name in members:
                done(SchemaResult(schema_name, "current"))
        elif _is_replayable(loader, pending):
            _migrate_by_replay(members, len(pending), workers, done)
        else:
            for schema_name in members:
                done(_migrate_with_executor(schema_name, len(pending)))
    report.seconds = time.perf_counter() - started
    return report


class _Counter:
    def __init__(self, total: int, progress: Progress | None, report: FleetReport):
        self.total, self.progress, self.report = total, progress, report

    def __call__(self, result: SchemaResult) -> None:
        self.report.results.append(result)
        if not result.ok:
            logger.error("migrating %s failed: %s", result.schema_name, result.error)
        if self.progress:
            self.progress(result, len(self.report.results), self.total)


def _expected_migrations(loader: MigrationLoader) -> set[tuple[str, str]]:
    labels = tenant_app_labels()
    return {key for key in loader.graph.nodes if key[0] in labels}


def _applied_migrations(schemas: list[str]) -> dict[str, set | None]:
    labels = tenant_app_labels()
    applied: dict[str, set | None] = {}
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE c.relname = 'django_migrations' AND n.nspname = ANY(%s)",
            [schemas],
        )
        present = {row[0] for row in cursor.fetchall()}
        for schema_name in schemas:
            if schema_name not in present:
                applied[schema_name] = None
                continue
            # quote_schema() refuses anything but a plain identifier.
            table = f"{quote_schema(schema_name)}.django_migrations"
            cursor.execute(f"SELECT app, name FROM {table}")  # noqa: S608
            applied[schema_name] = {row for row in cursor.fetchall() if row[0] in labels}
    return applied


def _is_replayable(loader: MigrationLoader, pending: frozenset) -> bool:
    for key in pending:
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, migrations.SeparateDatabaseAndState):
                operations = operation.database_operations
            else:
                operations = [operation]
            if not all(isinstance(op, _REPLAYABLE_OPERATIONS) for op in operations):
                return False
    return True


def _migrate_by_replay(members: list[str], pending: int, workers: int, done) -> None:
    script = None
    remaining = list(members)
    while remaining and script is None:
        source = remaining.pop(0)
        started = time.perf_counter()
        try:
            script = record_migration(source)
        except Exception as error:  # reported per schema; the fleet goes on
            done(
                SchemaResult(
                    source, "failed", seconds=time.perf_counter() - started, error=_describe(error)
                )
            )
        else:
            done(SchemaResult(source, "recorded", pending, time.perf_counter() - started))
    if script is None:
        return
    retry = []
    opened = _ThreadConnections()
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        work = opened.track(lambda name: _replay_one(name, script, pending))
        for result in pool.map(work, remaining):
            if result.ok:
                done(result)
            else:
                retry.append(result)
    opened.close()
    for failed in retry:
        logger.warning(
            "replay failed on %s (%s); trying the executor", failed.schema_name, failed.error
        )
        done(_migrate_with_executor(failed.schema_name, pending))


class _ThreadConnections:
    """Remembers each worker thread's connection so the caller can close them all."""

    def __init__(self):
        self._connections = []
        self._lock = threading.Lock()

    def track(self, function):
        def tracked(*args):
            current = connections["default"]
            with self._lock:
                if current not in self._connections:
                    self._connections.append(current)
            return function(*args)

        return tracked

    def close(self) -> None:
        for worker_connection in self._connections:
            worker_connection.inc_thread_sharing()
            try:
                worker_connection.close()
            finally:
                worker_connection.dec_thread_sharing()


def record_migration(schema_name: str) -> str:
    """Apply pending migrations to one schema for real; return the SQL it sent."""
    extras = content_types_sql()
    with transaction.atomic():
        with recording() as recorder:
            migrate_schema_for_real(schema_name)
        _execute_in(schema_name, extras)
    return recorder.script() + extras


def _execute_in(schema_name: str, sql: str) -> None:
    connection.set_schema(schema_name)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.set_schema_to_public()


def _replay_one(schema_name: str, script: str, pending: int) -> SchemaResult:
    started = time.perf_counter()
    try:
        with transaction.atomic():
            _execute_in(schema_name, script)
    except Exception as error:  # reported per schema; the fleet goes on
        return SchemaResult(
            schema_name, "failed", seconds=time.perf_counter() - started, error=_describe(error)
        )
    return SchemaResult(schema_name, "replayed", pending, time.perf_counter() - started)


def _migrate_with_executor(schema_name: str, pending: int) -> SchemaResult:
    started = time.perf_counter()
    try:
        with transaction.atomic():
            migrate_schema_for_real(schema_name)
            _execute_in(schema_name, content_types_sql())
    except Exception as error:  # reported per schema; the fleet goes on
        return SchemaResult(
            schema_name, "failed", seconds=time.perf_counter() - started, error=_describe(error)
        )
    return SchemaResult(schema_name, "executor", pending, time.perf_counter() - started)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".strip()[:500]
