"""Writes of the platform app: dead letters of background tasks (public schema)."""

import json
import logging
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.platform import errors
from quartier.platform.errors import Conflict
from quartier.platform.models import DeadLetter
from quartier.platform.tenancy import public_context, schema_context

logger = logging.getLogger(__name__)

_TRACEBACK_CHARS = 4000
_MESSAGE_CHARS = 2000


def _as_json(value, default):
    """The value as JSON data; anything JSON cannot hold becomes its repr."""
    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    except (TypeError, ValueError):
        try:
            return json.loads(json.dumps(value, default=repr))
        except (TypeError, ValueError):
            return default


def dead_letter_record(
    *,
    task_name: str,
    task_id: str,
    schema_name: str,
    args,
    kwargs,
    error: BaseException,
    traceback_text: str,
    attempts: int,
) -> DeadLetter | None:
    """Keep a task that failed for good; returns None when even that write failed."""
    fields = {
        "task_name": task_name[:200],
        "task_id": (task_id or "")[:64],
        "schema_name": schema_name[:63],
        "args": _as_json(list(args or ()), []),
        "kwargs": _as_json(dict(kwargs or {}), {}),
        "exception_type": f"{type(error).__module__}.{type(error).__qualname__}"[:200],
        "exception_message": str(error)[:_MESSAGE_CHARS],
        "traceback": traceback_text[-_TRACEBACK_CHARS:],
        "attempts": attempts,
    }
    try:
        with public_context(), transaction.atomic():
            dead_letter = DeadLetter.objects.create(**fields)
    except DatabaseError:
        # The database may be what failed: the log line is then the only record left.
        logger.exception("task failed and its dead letter could not be written", extra=fields)
        return None
    logger.error(
        "task dead-lettered",
        extra={
            "task_name": task_name,
            "task_schema": schema_name,
            "dead_letter_id": dead_letter.pk,
            "attempts": attempts,
        },
    )
    return dead_letter


@transaction.atomic
def dead_letter_retry(*, dead_letter: DeadLetter) -> DeadLetter:
    """Queue the task again, in its own schema, once; the row records when and as what."""
    from quartier.platform.celery_app import app as celery_app

    with public_context():
        locked = DeadLetter.objects.select_for_update().get(pk=dead_letter.pk)
        if locked.is_retried:
            raise Conflict(errors.ALREADY_RETRIED, _("This task was already queued again."))
        _ensure_schema_serves(locked.schema_name)
        celery_app.loader.import_default_modules()
        if locked.task_name not in celery_app.tasks:
            raise Conflict(
                errors.UNKNOWN_TASK,
                _("No task named %(task_name)s exists.") % {"task_name": repr(locked.task_name)},
            )
        locked.retried_at = timezone.now()
        locked.retry_task_id = uuid.uuid4().hex
        locked.save(update_fields=["retried_at", "retry_task_id"])

    transaction.on_commit(
        lambda: _requeue(
            task_name=locked.task_name,
            schema_name=locked.schema_name,
            args=locked.args,
            kwargs=locked.kwargs,
            task_id=locked.retry_task_id,
        )
    )
    return locked


def _ensure_schema_serves(schema_name: str) -> None:
    from quartier.tenants.models import Tenant

    if schema_name == settings.PUBLIC_SCHEMA_NAME:
        return
    status = Tenant.objects.filter(schema_name=schema_name).values_list("status", flat=True)
    if status.first() != Tenant.Status.ACTIVE:
        raise Conflict(
            errors.TENANT_NOT_ACTIVE,
            _("The task's tenant (%(schema_name)s) is gone or not active; it cannot run now.")
            % {"schema_name": schema_name},
        )


def _requeue(*, task_name: str, schema_name: str, args, kwargs, task_id: str) -> None:
    from quartier.platform.celery_app import app as celery_app

    task = celery_app.tasks[task_name]
    # The schema travels in the task's headers (tenant-schemas-celery), taken from the
    # connection at the time of queueing.
    with schema_context(schema_name):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # No broker (development): run it here; a failure is logged, not raised
            # into the operator's request.
            try:
                task.apply(args=args, kwargs=kwargs, task_id=task_id)
            except Exception:
                logger.exception("retried task failed again", extra={"task_name": task_name})
            return
        task.apply_async(args=args, kwargs=kwargs, task_id=task_id)
