"""The outbox: written in the caller's transaction, sent after commit, retried, dead-lettered."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from quartier.accounts import sms
from quartier.accounts.services import phone_verification_send
from quartier.outbox.models import OutboxMessage
from quartier.outbox.services import (
    MAX_ATTEMPTS,
    outbox_dispatch,
    outbox_enqueue,
    outbox_handler_register,
    outbox_handler_unregister,
)
from quartier.platform.models import DeadLetter

delivered: list[dict] = []


class Refused(Exception):
    pass


def _deliver(payload: dict) -> None:
    if payload.get("refuse"):
        raise Refused("the relay said no")
    delivered.append(payload)


@pytest.fixture
def test_kind():
    delivered.clear()
    outbox_handler_register("tests.echo", _deliver)
    yield "tests.echo"
    outbox_handler_unregister("tests.echo")


def test_a_row_is_delivered_after_commit_only(
    tenant_a, test_kind, django_capture_on_commit_callbacks
):
    with (
        tenant_a.context(),
        django_capture_on_commit_callbacks(execute=True) as kicks,
        transaction.atomic(),
    ):
        outbox_enqueue(kind=test_kind, payload={"n": 1}, dedupe_key="echo:1")
        assert delivered == []  # nothing leaves while the transaction is open
    assert len(kicks) == 1
    assert delivered == [{"n": 1}]
    with tenant_a.context():
        row = OutboxMessage.objects.get(dedupe_key="echo:1")
        assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
        assert row.sent_at is not None


def test_the_same_dedupe_key_is_delivered_once(tenant_a, test_kind):
    with tenant_a.context():
        outbox_enqueue(kind=test_kind, payload={"n": 1}, dedupe_key="echo:same")
        outbox_enqueue(kind=test_kind, payload={"n": 2}, dedupe_key="echo:same")

        assert outbox_dispatch() == 1
        assert outbox_dispatch() == 0
    assert delivered == [{"n": 1}]


def test_an_unknown_kind_is_refused_when_written(tenant_a):
    with tenant_a.context(), pytest.raises(LookupError):
        outbox_enqueue(kind="tests.nobody", payload={})


def test_a_failing_delivery_backs_off_then_is_dead_lettered(tenant_a, test_kind, settings):
    settings.TASK_RETRY_BACKOFF_SECONDS = 10
    settings.TASK_RETRY_BACKOFF_MAX_SECONDS = 60
    with tenant_a.context():
        outbox_enqueue(kind=test_kind, payload={"refuse": True}, dedupe_key="echo:bad")
        row = OutboxMessage.objects.get(dedupe_key="echo:bad")

        # when the first attempt fails: retried 10 s later, then 20 s, 40 s, capped at 60 s
        before = timezone.now()
        assert outbox_dispatch() == 0
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.last_error == "Refused: the relay said no"
        assert timedelta(seconds=9) < row.next_attempt_at - before < timedelta(seconds=11)
        assert outbox_dispatch() == 0  # not due yet: untouched
        row.refresh_from_db()
        assert row.attempts == 1

        # when every attempt failed: dead, and a dead letter names it
        for attempt in range(2, MAX_ATTEMPTS + 1):
            assert outbox_dispatch(now=timezone.now() + timedelta(days=attempt)) == 0
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("dead", MAX_ATTEMPTS)
    letter = DeadLetter.objects.get(task_name="outbox:tests.echo", task_id=str(row.pk))
    assert (letter.schema_name, letter.kwargs, letter.attempts) == (
        tenant_a.tenant.schema_name,
        {"refuse": True},
        MAX_ATTEMPTS,
    )
    assert letter.exception_type.endswith("Refused")
    assert delivered == []


def test_a_verification_code_leaves_by_sms_and_is_not_kept(
    tenant_a, django_capture_on_commit_callbacks
):
    sms.outbox.clear()
    with tenant_a.context():
        user = tenant_a.users["customer"]
        user.phone = "+41 79 555 00 11"
        with django_capture_on_commit_callbacks(execute=True):
            phone_verification_send(user=user)
        row = OutboxMessage.objects.get(kind="accounts.sms")

    assert [to for to, _text in sms.outbox] == ["+41 79 555 00 11"]
    assert (row.status, row.payload) == ("sent", {})


def test_an_urgent_kind_is_delivered_before_older_rows(tenant_a, test_kind):
    order: list[str] = []
    outbox_handler_register("tests.urgent", lambda payload: order.append("urgent"), urgent=True)
    outbox_handler_register("tests.slow", lambda payload: order.append("slow"))
    try:
        with tenant_a.context():
            outbox_enqueue(kind="tests.slow", payload={}, dedupe_key="slow:1")
            outbox_enqueue(kind="tests.urgent", payload={}, dedupe_key="urgent:1")
            outbox_enqueue(kind="tests.slow", payload={}, dedupe_key="slow:2")

            assert outbox_dispatch() == 3
    finally:
        outbox_handler_unregister("tests.urgent")
        outbox_handler_unregister("tests.slow")
    assert order == ["urgent", "slow", "slow"]
