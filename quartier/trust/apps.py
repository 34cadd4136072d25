"""TENANT: vetting rules, provider applications, trust badges and the audit trail."""

from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "quartier.trust"
    label = "trust"
    verbose_name = "Trust"

    def ready(self):
        from quartier.platform.initialisers import demo_seeder_register, tenant_initialiser_register
        from quartier.trust import notifications, setup, subscribers

        tenant_initialiser_register(setup.tenant_initialise, order=40)
        demo_seeder_register(setup.demo_seed, order=15)
        subscribers.register()
        notifications.register()
