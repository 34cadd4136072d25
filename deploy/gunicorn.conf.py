"""gunicorn settings of the production image (deploy/docker-entrypoint.sh web)."""

import gc
import os

# Log lines of gunicorn itself; the application logs JSON through Django's LOGGING.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Requests are short; a stuck worker is killed and replaced rather than waited on.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Load the application once in the master, then fork: a new worker (at start or when one
# is recycled) is serving within milliseconds instead of importing Django for 1-2 s,
# which is what turned every recycle into a p99 spike. Nothing connects at import time
# (database, Redis and S3 clients are opened lazily by each worker).
preload_app = True
# Recycle workers now and then so a slow leak never becomes an outage. A warm worker
# grows ~0.6 MB per 10,000 requests under the serving benchmark's mix (`bench/serving.py`,
# docs/operations.md), so 100,000-125,000 requests bound the growth to under 10 MB; the
# jitter (a quarter) spreads the recycles so workers never restart together. (At 20,000,
# two workers answering 3,000 shared answers a second each restarted every ~13 s, and
# each restart's cold first requests showed in the p99.)
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "25000"))
# Behind the ingress / reverse proxy, which sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")


def when_ready(server):
    """The application is loaded (preload_app): move everything it allocated out of the
    garbage collector's sight. Workers forked from here never scan those objects again,
    so a full collection in a worker stays short (it was a tail-latency spike of tens
    of milliseconds), and they keep sharing the pages copy-on-write."""
    gc.freeze()


def child_exit(server, worker):
    """Prometheus multiprocess mode: forget the live gauges of a worker that exited."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
