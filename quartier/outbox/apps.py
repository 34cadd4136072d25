"""SHARED and TENANT: the outbox of side effects (mail, SMS; later push and webhooks).

A service writes an outbox row in its own transaction; the dispatcher task delivers it
after commit, with no transaction open, retries with backoff and dead-letters it after
the last attempt. Each app registers the delivery of its kinds in its AppConfig.ready.
"""

from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "quartier.outbox"
    label = "outbox"
    verbose_name = "Outbox"
