#!/bin/sh
# Entry point of the Quartier image: one image, several roles.
#   web        gunicorn serving quartier.config.wsgi (PORT, WEB_CONCURRENCY)
#   events     uvicorn serving quartier.config.asgi: the live stream /events/stream/
#              (PORT, EVENTS_CONCURRENCY, EVENTS_GRACEFUL_SECONDS, FORWARDED_ALLOW_IPS)
#   worker     a Celery worker (CELERY_CONCURRENCY, CELERY_QUEUES)
#   scheduler  celery beat: the periodic work of CELERY_BEAT_SCHEDULE
#   migrate    fleet migrations: public schema, every tenant schema, the pool
#   anything else is run as a command (e.g. "python manage.py tenant list")
set -eu

role="${1:-web}"

case "$role" in
  web)
    shift || true
    # Prometheus multiprocess mode: every gunicorn worker writes its counters here.
    if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
      rm -rf "$PROMETHEUS_MULTIPROC_DIR"
      mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    fi
    exec gunicorn quartier.config.wsgi \
      --config /app/deploy/gunicorn.conf.py \
      --bind "0.0.0.0:${PORT:-8000}" \
      --workers "${WEB_CONCURRENCY:-3}" \
      "$@"
    ;;
  events)
    shift || true
    unset PROMETHEUS_MULTIPROC_DIR
    # Each open stream holds a connection for up to LIVE_STREAM_MAX_SECONDS, so a
    # graceful shutdown cannot wait for them: after a short grace the streams close and
    # the browsers reconnect (with Last-Event-ID) to another process. The proxy in front
    # sets X-Forwarded-For/-Proto; only it can reach this port.
    exec uvicorn quartier.config.asgi:application \
      --host 0.0.0.0 \
      --port "${PORT:-8001}" \
      --workers "${EVENTS_CONCURRENCY:-2}" \
      --proxy-headers \
      --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}" \
      --timeout-graceful-shutdown "${EVENTS_GRACEFUL_SECONDS:-10}" \
      --timeout-keep-alive 5 \
      --no-server-header \
      --log-level "$(echo "${LOG_LEVEL:-INFO}" | tr '[:upper:]' '[:lower:]')" \
      "$@"
    ;;
  worker)
    shift || true
    # Counters of the web processes only; a worker has none to share.
    unset PROMETHEUS_MULTIPROC_DIR
    exec celery --app quartier worker \
      --loglevel "${LOG_LEVEL:-INFO}" \
      --concurrency "${CELERY_CONCURRENCY:-2}" \
      --queues "${CELERY_QUEUES:-quartier}" \
      --without-gossip --without-mingle \
      "$@"
    ;;
  scheduler)
    shift || true
    unset PROMETHEUS_MULTIPROC_DIR
    # The schedule file is state, not configuration: keep it out of the code folder.
    exec celery --app quartier beat \
      --loglevel "${LOG_LEVEL:-INFO}" \
      --schedule "${CELERY_BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}" \
      "$@"
    ;;
  migrate)
    shift || true
    unset PROMETHEUS_MULTIPROC_DIR
    python manage.py check --deploy --fail-level ERROR
    exec python manage.py migrate_schemas "$@"
    ;;
  *)
    exec "$@"
    ;;
esac
