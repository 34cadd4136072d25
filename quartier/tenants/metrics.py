"""Prometheus metrics: requests and latency per tenant, task queue, pool and dead letters.

Request metrics are recorded by RequestMetricsMiddleware (two in-memory updates per
request). The rest is read when Prometheus scrapes `/metrics`: the Celery queue's length
in Redis, the ready schemas of the provisioning pool, the open dead letters.

Under gunicorn with several workers set PROMETHEUS_MULTIPROC_DIR (the image does): every
worker process then writes its counters to files there and a scrape adds them up.
"""

import hmac
import logging
import os
import time
from ipaddress import ip_address

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

# Labels stay bounded: a tenant's slug, "public" (the platform's own host) or "unknown"
# (a host no tenant owns), never the raw Host header or the path.
REQUESTS = Counter(
    "quartier_http_requests",
    "HTTP requests served, by tenant and status class.",
    ["tenant", "status"],
)
LATENCY = Histogram(
    "quartier_http_request_duration_seconds",
    "Time to answer an HTTP request, by tenant.",
    ["tenant"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

PUBLIC_LABEL = "public"
UNKNOWN_LABEL = "unknown"
# Not counted: probes and scrapes would drown the traffic that matters.
_UNMEASURED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# Kombu's Redis transport keeps a queue's priorities in sibling lists: name, name\x06\x163...
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (3, 6, 9)


def request_tenant_label(request) -> str:
    tenant = getattr(request, "tenant", None)
    if tenant is not None:
        return tenant.slug
    if getattr(request, "urlconf", None) == settings.PUBLIC_SCHEMA_URLCONF:
        return PUBLIC_LABEL
    return UNKNOWN_LABEL


class RequestMetricsMiddleware:
    """Counts and times every request; answers `/metrics` for the platform's hosts.

    First in the chain so that the time covers every other middleware, and so that a
    request that tenant resolution refuses is still counted (as "unknown").
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/metrics" and may_serve_metrics(request):
            return metrics_response(request)
        if request.path in _UNMEASURED_PATHS:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        record_request(
            request_tenant_label(request), response.status_code, time.perf_counter() - started
        )
        return response


# (tenant, status class) -> the two labelled metrics: labels() takes a lock and builds
# a key on every call, and the hot path needs only the same few over and over.
_children: dict[tuple[str, int], tuple] = {}


def record_request(tenant: str, status_code: int, seconds: float) -> None:
    children = _children.get((tenant, status_code // 100))
    if children is None:
        children = (LATENCY.labels(tenant), REQUESTS.labels(tenant, f"{status_code // 100}xx"))
        _children[(tenant, status_code // 100)] = children
    children[0].observe(seconds)
    children[1].inc()


def may_serve_metrics(request) -> bool:
    """The platform's own hosts, and bare IP addresses (Prometheus scrapes pods by IP).

    Never a tenant's host: tenants must not see each other's slugs or traffic.
    """
    from django.core.exceptions import DisallowedHost

    from quartier.tenants.middleware import platform_hostnames, request_hostname

    try:
        hostname = request_hostname(request)
    except DisallowedHost:
        return False
    if hostname in platform_hostnames():
        return True
    try:
        ip_address(hostname.strip("[]"))
    except ValueError:
        return False
    return True


def metrics_response(request) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            return HttpResponse("unauthorised\n", status=401, content_type="text/plain")
    body = generate_latest(_request_registry()) + generate_latest(_live_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def _request_registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _live_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(PlatformCollector())
    return registry


class PlatformCollector:
    """Gauges read at scrape time; a source that does not answer is left out, not faked."""

    def collect(self):
        for read in (_queue_length, _pool_size, _dead_letters):
            try:
                yield from read()
            except Exception as error:  # noqa: BLE001  (a scrape must not fail on one source)
                logger.warning(
                    "metrics source failed", extra={"source": read.__name__, "error": str(error)}
                )


def _queue_length():
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith(("redis://", "rediss://", "unix://")):
        return
    import redis

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    client = redis.Redis.from_url(broker, socket_timeout=1, socket_connect_timeout=1)
    try:
        names = [queue] + [f"{queue}{_PRIORITY_SEPARATOR}{step}" for step in _PRIORITY_STEPS]
        with client.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.llen(name)
            length = sum(pipe.execute())
    finally:
        client.close()
    gauge = GaugeMetricFamily(
        "quartier_celery_queue_length", "Tasks waiting in the Celery queue.", labels=["queue"]
    )
    gauge.add_metric([queue], length)
    yield gauge


def _pool_size():
    from quartier.platform.tenancy import public_context
    from quartier.tenants.pool import pool_size

    with public_context():
        ready = pool_size()
    yield GaugeMetricFamily(
        "quartier_tenant_pool_ready", "Schemas ready for new tenants in the pool.", value=ready
    )
    yield GaugeMetricFamily(
        "quartier_tenant_pool_target",
        "How many ready schemas the pool is kept at.",
        value=settings.TENANT_POOL_SIZE,
    )


def _dead_letters():
    from quartier.platform.tenancy import public_context
    from quartier.tenants.selectors import dead_letter_open_count

    with public_context():
        count = dead_letter_open_count()
    yield GaugeMetricFamily(
        "quartier_dead_letters_open", "Failed tasks waiting for an operator.", value=count
    )
