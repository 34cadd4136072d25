"""Writes of the kernel: the dead letter of a background task that failed for good.

The task base class writes it; the operator lists and retries dead letters through
quartier.tenants (services, API, admin, console).
"""

import json
import logging

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, transaction

from quartier.platform.models import DeadLetter
from quartier.platform.tenancy import public_context

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
