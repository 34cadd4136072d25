"""TENANT: what connects a marketplace to its company's systems: API keys and webhooks."""

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "quartier.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self):
        from quartier.integrations import handoffs, subscribers, webhooks

        subscribers.register()
        webhooks.register()
        handoffs.register()
