"""Writes on the dead letters of background tasks: the operator queues one again.

The kernel's task base writes a dead letter (quartier.platform.services); retrying it
belongs here, where the tenant's status is known. Reads are in tenants/selectors.py.
"""

import logging
import uuid

from celery import current_app as celery_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from quartier.platform import errors
from quartier.platform.errors import Conflict
from quartier.platform.models import DeadLetter
from quartier.platform.tenancy import public_context, schema_context
from quartier.tenants.models import Tenant

logger = logging.getLogger(__name__)


@transaction.atomic
def dead_letter_retry(*, dead_letter: DeadLetter) -> DeadLetter:
    """Queue the task again, in its own schema, once; the row records when and as what."""
    with public_context():
        locked = DeadLetter.objects.select_for_update().get(pk=dead_letter.pk)
        if locked.is_retried:
            raise Conflict(errors.ALREADY_RETRIED, gettext("This task was already queued again."))
        _dead_letter_schema_serves(locked.schema_name)
        celery_app.loader.import_default_modules()
        if locked.task_name not in celery_app.tasks:
            raise Conflict(
                errors.UNKNOWN_TASK,
                gettext("No task named %(task_name)s exists.")
                % {"task_name": repr(locked.task_name)},
            )
        locked.retried_at = timezone.now()
        locked.retry_task_id = uuid.uuid4().hex
        locked.save(update_fields=["retried_at", "retry_task_id"])

    transaction.on_commit(
        lambda: _dead_letter_requeue(
            task_name=locked.task_name,
            schema_name=locked.schema_name,
            args=locked.args,
            kwargs=locked.kwargs,
            task_id=locked.retry_task_id,
        )
    )
    return locked


def _dead_letter_schema_serves(schema_name: str) -> None:
    if schema_name == settings.PUBLIC_SCHEMA_NAME:
        return
    status = Tenant.objects.filter(schema_name=schema_name).values_list("status", flat=True)
    if status.first() != Tenant.Status.ACTIVE:
        raise Conflict(
            errors.TENANT_NOT_ACTIVE,
            gettext("The task's tenant (%(schema_name)s) is gone or not active; it cannot run now.")
            % {"schema_name": schema_name},
        )


def _dead_letter_requeue(*, task_name: str, schema_name: str, args, kwargs, task_id: str) -> None:
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
