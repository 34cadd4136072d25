"""Dead letters: a task that fails for good is kept, listed for operators and retried.

Tasks run in-process here (no broker in the test settings); tests/ops/test_worker.py
proves the same with a real worker.
"""

import uuid

import pytest
from rest_framework.test import APIClient

from quartier.platform.models import DeadLetter
from quartier.platform.tasks import fleet_fan_out
from tests.conftest import PLATFORM_HOST
from tests.ops.worker_tasks import always_fails, probe, results


def _dead_letter(**overrides) -> DeadLetter:
    fields = {
        "task_name": "tests.ops.probe",
        "task_id": uuid.uuid4().hex,
        "schema_name": "t_telco",
        "args": [],
        "kwargs": {"key": f"ops-test:{uuid.uuid4().hex}"},
        "exception_type": "builtins.RuntimeError",
        "exception_message": "boom",
        "traceback": "Traceback ...",
        "attempts": 6,
    }
    return DeadLetter.objects.create(**{**fields, **overrides})


@pytest.fixture
def failures_not_raised():
    """In-process tasks normally raise into the caller (CELERY_TASK_EAGER_PROPAGATES),
    which skips retries and dead letters; a worker never raises, so act like one."""
    from quartier.config.celery_app import app

    app.conf.task_eager_propagates = False
    try:
        yield
    finally:
        app.conf.task_eager_propagates = True


def test_a_task_failing_every_attempt_is_retried_then_dead_lettered(
    tenant_a, settings, failures_not_raised
):
    key = f"ops-test:{uuid.uuid4().hex}"
    settings.TASK_MAX_RETRIES = 2

    with tenant_a.context():
        result = always_fails.apply_async(kwargs={"key": key})

    assert result.failed()

    assert int(results().get(key)) == 3
    dead_letter = DeadLetter.objects.get(kwargs={"key": key})
    assert dead_letter.task_name == "tests.ops.always_fails"
    assert dead_letter.schema_name == tenant_a.tenant.schema_name
    assert dead_letter.attempts == 3
    assert dead_letter.args == []
    assert dead_letter.exception_type == "builtins.RuntimeError"
    assert dead_letter.exception_message == "probe failure in t_telco"
    assert "RuntimeError" in dead_letter.traceback
    assert dead_letter.retried_at is None


def test_an_application_error_is_dead_lettered_without_retrying(tenant_a, failures_not_raised):
    from quartier.config.celery_app import app
    from quartier.platform.errors import NotFound

    @app.task(name="tests.ops.not_found", bind=True)
    def not_found(self):
        raise NotFound("gone")

    with tenant_a.context():
        assert not_found.apply_async().failed()

    dead_letter = DeadLetter.objects.get(task_name="tests.ops.not_found")
    assert dead_letter.attempts == 1
    assert dead_letter.exception_type == "quartier.platform.errors.NotFound"


def test_operator_lists_dead_letters_newest_first_and_filters_open_ones(operator_client):
    older = _dead_letter(task_name="bookings.notify")
    newer = _dead_letter(task_name="trust.daily")
    retried = _dead_letter(task_name="tenants.pool_refill", retried_at="2026-01-01T00:00:00Z")

    everything = operator_client.get("/api/operator/dead-letters/")
    open_only = operator_client.get("/api/operator/dead-letters/", {"is_retried": "false"})

    assert everything.status_code == 200
    ids = [row["id"] for row in everything.json()["results"]]
    assert ids[:3] == [retried.pk, newer.pk, older.pk]
    open_ids = [row["id"] for row in open_only.json()["results"]]
    assert retried.pk not in open_ids
    assert open_ids[:2] == [newer.pk, older.pk]
    row = everything.json()["results"][1]
    assert row["task_name"] == "trust.daily"
    assert row["schema_name"] == "t_telco"
    assert row["attempts"] == 6
    assert row["is_retried"] is False


def test_a_bad_filter_is_a_400_naming_the_field(operator_client):
    response = operator_client.get("/api/operator/dead-letters/", {"is_retried": "maybe"})

    assert response.status_code == 400
    assert response.json()["fields"] == {"is_retried": ["Use true or false."]}


def test_retry_queues_the_task_again_in_its_own_schema(
    operator_client, tenant_b, django_capture_on_commit_callbacks
):
    key = f"ops-test:{uuid.uuid4().hex}"
    dead_letter = _dead_letter(schema_name=tenant_b.tenant.schema_name, kwargs={"key": key})

    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(f"/api/operator/dead-letters/{dead_letter.pk}/retry/")

    assert response.status_code == 202
    assert response.json()["is_retried"] is True
    assert results().get(key) == tenant_b.tenant.schema_name.encode()
    dead_letter.refresh_from_db()
    assert dead_letter.retried_at is not None
    assert dead_letter.retry_task_id == response.json()["retry_task_id"]

    again = operator_client.post(f"/api/operator/dead-letters/{dead_letter.pk}/retry/")
    assert again.status_code == 409
    assert again.json()["code"] == "already_retried"


def test_retry_refuses_a_suspended_tenants_task_and_changes_nothing(operator_client, tenant_b):
    from quartier.tenants.services import tenant_suspend

    dead_letter = _dead_letter(schema_name=tenant_b.tenant.schema_name)
    tenant_suspend(tenant=tenant_b.tenant, reason="unpaid")

    response = operator_client.post(f"/api/operator/dead-letters/{dead_letter.pk}/retry/")

    assert response.status_code == 409
    assert response.json()["code"] == "tenant_not_active"
    dead_letter.refresh_from_db()
    assert dead_letter.retried_at is None


def test_retry_of_an_unknown_task_is_refused(operator_client, tenant_a):
    dead_letter = _dead_letter(task_name="gone.with.the.wind")

    response = operator_client.post(f"/api/operator/dead-letters/{dead_letter.pk}/retry/")

    assert response.status_code == 409
    assert response.json()["code"] == "unknown_task"


def test_unknown_dead_letter_is_a_404(operator_client):
    assert operator_client.post("/api/operator/dead-letters/999999/retry/").status_code == 404
    assert operator_client.get("/api/operator/dead-letters/999999/").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "tenant-admin-token"])
def test_dead_letters_are_for_operator_staff_only(tenant_a, who):
    dead_letter = _dead_letter()
    client = APIClient(HTTP_HOST=PLATFORM_HOST)
    if who == "tenant-admin-token":
        client.credentials(HTTP_AUTHORIZATION=f"Token {tenant_a.tokens['admin']}")

    listing = client.get("/api/operator/dead-letters/")
    retry = client.post(f"/api/operator/dead-letters/{dead_letter.pk}/retry/")

    assert listing.status_code in (401, 403)
    assert retry.status_code in (401, 403)
    dead_letter.refresh_from_db()
    assert dead_letter.retried_at is None


def test_dead_letters_are_not_on_a_tenants_host(tenant_a):
    response = tenant_a.client("admin").get("/api/operator/dead-letters/")

    assert response.status_code == 404


def test_fan_out_queues_one_task_per_active_tenant_in_its_schema(tenant_a, tenant_b, monkeypatch):
    import quartier.platform.tasks as platform_tasks

    active = [tenant_a.tenant, tenant_b.tenant]
    monkeypatch.setattr(platform_tasks, "active_tenants", lambda: active)
    seen = []

    from quartier.config.celery_app import app

    @app.task(name="tests.ops.fan_out_target")
    def target(*, schema_name: str) -> None:
        from django.db import connection

        seen.append((schema_name, connection.schema_name))

    assert fleet_fan_out.apply(kwargs={"task_name": "tests.ops.fan_out_target"}).get() == 2
    assert seen == [(t.schema_name, t.schema_name) for t in active]


def test_probe_task_runs_in_the_schema_it_was_queued_from(tenant_a):
    key = f"ops-test:{uuid.uuid4().hex}"

    with tenant_a.context():
        probe.apply_async(kwargs={"key": key})

    assert results().get(key) == tenant_a.tenant.schema_name.encode()
