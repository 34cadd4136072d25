"""SHARED and TENANT: one user table per schema.

In the public schema it holds the operator's staff; in each tenant's schema that
tenant's customers, providers and admins. Accounts, sessions and tokens never cross.
"""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "quartier.accounts"
    label = "accounts"
    verbose_name = "Accounts"
