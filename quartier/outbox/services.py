"""Write side effects in the caller's transaction; deliver them after commit.

    outbox_enqueue()  inside the service's transaction: one INSERT ... ON CONFLICT
                      DO NOTHING on the dedupe key, and an on-commit kick of the
                      dispatcher task (a second kick finds nothing left to do)
    outbox_dispatch() claim due rows (SELECT ... FOR UPDATE SKIP LOCKED, lease them,
                      commit), deliver each with NO transaction open (mail, SMS,
                      Stripe, later push and webhooks), record the outcome in a new
                      short transaction; a failure is retried with backoff and
                      dead-lettered after MAX_ATTEMPTS

Delivery is at least once: a dispatcher that dies after sending but before recording
sends again when the lease ends. Handlers are registered per kind in each app's
AppConfig.ready (`outbox_handler_register`) and take the JSON payload only.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from quartier.outbox.models import OutboxMessage
from quartier.platform.tenancy import schema_context

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# How long a claimed row stays with its dispatcher before another may take it.
LEASE = timedelta(minutes=5)
BATCH_SIZE = 50


@dataclass(frozen=True)
class _Delivery:
    handler: Callable[[dict], object]
    # Payloads holding secrets (an SMS code) are emptied once delivered.
    keep_payload: bool
    # Claimed before older rows of other kinds: a page waiting for a live event must not
    # queue behind the same commit's five hundred e-mails.
    urgent: bool = False


_deliveries: dict[str, _Delivery] = {}


def outbox_handler_register(
    kind: str, handler: Callable[[dict], object], *, keep_payload: bool = True, urgent: bool = False
) -> None:
    """Deliver rows of `kind` with `handler(payload)`; called from AppConfig.ready.
    Due rows of `urgent` kinds are delivered first, whatever their age."""
    _deliveries[kind] = _Delivery(handler, keep_payload, urgent)


def outbox_handler_unregister(kind: str) -> None:
    _deliveries.pop(kind, None)


def outbox_kinds() -> dict[str, Callable[[dict], object]]:
    return {kind: delivery.handler for kind, delivery in _deliveries.items()}


def outbox_enqueue(
    *, kind: str, payload: dict, dedupe_key: str = "", not_before: datetime | None = None
) -> None:
    """Record a side effect in the current transaction; delivered after it commits (and
    not before `not_before`, when given: a push held for the user's quiet hours)."""
    if kind not in _deliveries:
        raise LookupError(f"no outbox delivery is registered for {kind!r}")
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                kind=kind,
                payload=payload,
                dedupe_key=(dedupe_key or f"{kind}:{uuid.uuid4().hex}")[:200],
                **({"next_attempt_at": not_before} if not_before else {}),
            )
        ],
        ignore_conflicts=True,
    )
    _kick_after_commit()


def _kick_after_commit() -> None:
    schema = connection.schema_name

    def kick() -> None:
        from quartier.outbox.tasks import outbox_dispatch_task

        # The callback may run after the caller left this schema (an outer transaction
        # commits later): queue from the schema the row lives in.
        with schema_context(schema):
            outbox_dispatch_task.delay()

    # robust: the caller's work is committed either way; the beat sweep finds the row.
    transaction.on_commit(kick, robust=True)


def outbox_dispatch(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Deliver every due row of the current schema; returns how many were delivered."""
    delivered = 0
    while True:
        claimed = _claim(now or timezone.now(), batch_size)
        for message in claimed:
            delivered += _deliver(message)
        if len(claimed) < batch_size:
            return delivered


def _claim(now: datetime, batch_size: int) -> list[OutboxMessage]:
    with transaction.atomic():
        messages = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
            .order_by(_urgent_first(), "id")[:batch_size]
        )
        if messages:
            OutboxMessage.objects.filter(pk__in=[message.pk for message in messages]).update(
                attempts=F("attempts") + 1, next_attempt_at=now + LEASE
            )
    for message in messages:
        message.attempts += 1
    return messages


def _urgent_first() -> Case:
    urgent = [kind for kind, delivery in _deliveries.items() if delivery.urgent]
    return Case(When(kind__in=urgent, then=Value(0)), default=Value(1))


def _deliver(message: OutboxMessage) -> int:
    delivery = _deliveries.get(message.kind)
    try:
        if delivery is None:
            raise LookupError(f"no outbox delivery is registered for {message.kind!r}")
        delivery.handler(message.payload)
    # Whatever a delivery raises (SMTP, HTTP, a bug) is recorded on the row and retried;
    # letting it escape would leave the row leased and the rest of the batch undelivered.
    except Exception as error:  # noqa: BLE001
        _record_failure(message, error, traceback.format_exc())
        return 0
    _record_sent(message, keep_payload=delivery.keep_payload)
    return 1


def _record_sent(message: OutboxMessage, *, keep_payload: bool) -> None:
    fields = {"status": OutboxMessage.Status.SENT, "sent_at": timezone.now(), "last_error": ""}
    if not keep_payload:
        fields["payload"] = {}
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(**fields)


def _record_failure(message: OutboxMessage, error: Exception, traceback_text: str) -> None:
    error_text = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts < MAX_ATTEMPTS:
        with transaction.atomic():
            OutboxMessage.objects.filter(pk=message.pk).update(
                last_error=error_text, next_attempt_at=timezone.now() + _backoff(message.attempts)
            )
        logger.warning("outbox delivery failed, will retry", extra={"kind": message.kind})
        return
    from quartier.platform.services import dead_letter_record

    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxMessage.Status.DEAD, last_error=error_text
        )
    dead_letter_record(
        task_name=f"outbox:{message.kind}",
        task_id=str(message.pk),
        schema_name=connection.schema_name,
        args=[],
        kwargs=message.payload,
        error=error,
        traceback_text=traceback_text,
        attempts=message.attempts,
    )


def _backoff(attempts: int) -> timedelta:
    seconds = settings.TASK_RETRY_BACKOFF_SECONDS * 2 ** (attempts - 1)
    return timedelta(seconds=min(seconds, settings.TASK_RETRY_BACKOFF_MAX_SECONDS))
