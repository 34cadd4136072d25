"""TENANT: payout configuration, payments, the ledger and payouts."""

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "quartier.billing"
    label = "billing"
    verbose_name = "Billing"
