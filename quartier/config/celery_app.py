"""The Celery application, tenant-aware: every task runs in the schema it was queued from.

tenant-schemas-celery stores the current schema name in the task's headers when it is
queued and switches the worker's connection to that schema before the task runs. Every
task's base class (quartier.platform.task_base.QuartierTask) adds retries with backoff
and writes a dead letter when a task fails for good.
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartier.config.settings")

app = CeleryApp("quartier", task_cls="quartier.platform.task_base:QuartierTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
