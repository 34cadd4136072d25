"""The base class of every Celery task: tenant-aware, retried with backoff, dead-lettered.

tenant-schemas-celery's TenantTask runs a task in the schema it was queued from. On top
of it every task retries on failure with exponential backoff (`TASK_MAX_RETRIES`,
`TASK_RETRY_BACKOFF_SECONDS`, `TASK_RETRY_BACKOFF_MAX_SECONDS`), and a task that fails
for good is written to the dead-letter table (quartier.platform.models.DeadLetter)
instead of vanishing. Tasks take ids and are safe to run twice, so retrying is safe.
"""

from django.conf import settings
from django.db import connection
from tenant_schemas_celery.task import TenantTask

from quartier.platform.errors import ApplicationError
from quartier.platform.tenant_cache import request_scope


class QuartierTask(TenantTask):
    abstract = True

    autoretry_for = (Exception,)

    def __call__(self, *args, **kwargs):
        # One unit of work, like a request: cached tenant values are read once, and an
        # invalidation of a rolled back task does not outlive it.
        # A worker visits many tenants in turn: like a web process, its connection is
        # replaced before it serves more than DATABASE_TENANTS_PER_CONNECTION of them.
        connection.recycle_if_served_many(connection.schema_name)
        with request_scope():
            return super().__call__(*args, **kwargs)

    # A domain decision (not found, invalid, conflict) does not change on a retry: such a
    # task goes to the dead letters at once.
    dont_autoretry_for = (ApplicationError,)
    retry_jitter = True

    # Celery reads these when it builds each task (after Django's settings are loaded),
    # not at import time; a task may still override them with plain class attributes.
    @property
    def retry_backoff(self) -> int:
        return settings.TASK_RETRY_BACKOFF_SECONDS

    @property
    def retry_backoff_max(self) -> int:
        return settings.TASK_RETRY_BACKOFF_MAX_SECONDS

    @property
    def default_retry_delay(self) -> int:
        return settings.TASK_RETRY_BACKOFF_SECONDS

    @property
    def max_retries(self) -> int:
        return getattr(self, "_max_retries_override", None) or settings.TASK_MAX_RETRIES

    @max_retries.setter
    def max_retries(self, value: int) -> None:
        self._max_retries_override = value

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Called once retries are exhausted (or retrying cannot help): dead-letter it."""
        from quartier.platform.services import dead_letter_record

        dead_letter_record(
            task_name=self.name,
            task_id=task_id or "",
            schema_name=self.queued_schema_name(),
            args=args,
            kwargs=kwargs,
            error=exc,
            traceback_text=str(einfo) if einfo is not None else "",
            attempts=(self.request.retries or 0) + 1,
        )
        super().on_failure(exc, task_id, args, kwargs, einfo)

    def queued_schema_name(self) -> str:
        from django.db import connection
        from tenant_schemas_celery.app import get_schema_name_from_task

        return get_schema_name_from_task(self, {}) or connection.schema_name
