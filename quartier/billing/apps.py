"""TENANT: payout configuration, payments, the ledger and payouts."""

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "quartier.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self):
        from quartier.billing import setup, subscribers
        from quartier.platform.initialisers import demo_seeder_register, tenant_initialiser_register

        tenant_initialiser_register(setup.tenant_initialise, order=60)
        demo_seeder_register(setup.demo_seed, order=50)
        subscribers.register()
