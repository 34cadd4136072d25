"""Prometheus metrics at /metrics: requests per tenant, pool size, dead letters, queue."""

import re

from django.test import override_settings
from rest_framework.test import APIClient

from quartier.platform.models import DeadLetter
from tests.conftest import PLATFORM_HOST


def _metrics(host: str = PLATFORM_HOST, **headers) -> str:
    response = APIClient(HTTP_HOST=host).get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def _sample(text: str, name: str, **labels) -> float:
    """The value of one sample, 0.0 when the series does not exist yet."""
    label_text = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    pattern = (
        rf"^{re.escape(name)}{{{re.escape(label_text)}}} (\S+)$" if labels else rf"^{name} (\S+)$"
    )
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_a_tenant_page_request_is_counted_and_timed_under_its_slug(tenant_a, tenant_b):
    before = _metrics()
    telco_before = _sample(before, "quartier_http_requests_total", status="2xx", tenant="telco")
    acme_before = _sample(before, "quartier_http_requests_total", status="2xx", tenant="acme")
    timed_before = _sample(before, "quartier_http_request_duration_seconds_count", tenant="telco")

    # when
    assert tenant_a.client().get("/").status_code == 200
    assert tenant_a.client().get("/").status_code == 200

    # then
    after = _metrics()
    assert _sample(after, "quartier_http_requests_total", status="2xx", tenant="telco") == (
        telco_before + 2
    )
    assert (
        _sample(after, "quartier_http_requests_total", status="2xx", tenant="acme") == acme_before
    )
    assert (
        _sample(after, "quartier_http_request_duration_seconds_count", tenant="telco")
        == timed_before + 2
    )


def test_unknown_hosts_share_one_label_instead_of_one_per_host_name(tenant_a):
    before = _sample(_metrics(), "quartier_http_requests_total", status="4xx", tenant="unknown")

    for name in ("one", "two", "three"):
        assert APIClient(HTTP_HOST=f"{name}.nowhere.example").get("/").status_code == 404

    after = _metrics()
    assert _sample(after, "quartier_http_requests_total", status="4xx", tenant="unknown") == (
        before + 3
    )
    assert "nowhere" not in after


def test_pool_size_and_open_dead_letters_are_reported(tenant_a):
    from quartier.tenants.pool import pool_size

    DeadLetter.objects.create(
        task_name="bookings.notify",
        schema_name="t_telco",
        exception_type="builtins.RuntimeError",
        attempts=6,
    )
    open_count = DeadLetter.objects.filter(retried_at__isnull=True).count()

    text = _metrics()

    assert _sample(text, "quartier_tenant_pool_ready") == pool_size()
    assert _sample(text, "quartier_tenant_pool_target") == 3
    assert _sample(text, "quartier_dead_letters_open") == open_count


def test_queue_length_is_read_from_the_redis_broker(tenant_a):
    import uuid

    import redis

    queue = f"metrics-test-{uuid.uuid4().hex}"
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    client.rpush(queue, "a", "b")
    client.rpush(f"{queue}\x06\x163", "c")
    try:
        with override_settings(
            CELERY_BROKER_URL="redis://127.0.0.1:6379/0", CELERY_TASK_DEFAULT_QUEUE=queue
        ):
            text = _metrics()
    finally:
        client.delete(queue, f"{queue}\x06\x163")

    assert _sample(text, "quartier_celery_queue_length", queue=queue) == 3


def test_metrics_are_not_served_on_a_tenants_host(tenant_a):
    response = tenant_a.client().get("/metrics")

    assert response.status_code == 404
    assert b"quartier_http_requests" not in response.content


def test_metrics_are_served_to_a_scrape_by_ip_address(tenant_a):
    assert "quartier_tenant_pool_ready" in _metrics(host="10.1.2.3:8000")


def test_metrics_token_is_required_when_configured(tenant_a):
    with override_settings(METRICS_TOKEN="scrape-secret"):
        refused = APIClient(HTTP_HOST=PLATFORM_HOST).get("/metrics")
        wrong = APIClient(HTTP_HOST=PLATFORM_HOST).get(
            "/metrics", HTTP_AUTHORIZATION="Bearer guess"
        )
        text = _metrics(HTTP_AUTHORIZATION="Bearer scrape-secret")

    assert refused.status_code == 401
    assert wrong.status_code == 401
    assert "quartier_dead_letters_open" in text
