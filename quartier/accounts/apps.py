"""SHARED and TENANT: one user table per schema.

In the public schema it holds the operator's staff; in each tenant's schema that
tenant's customers, providers and admins. Accounts, sessions and tokens never cross.
"""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "quartier.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from quartier.accounts import notifications
        from quartier.accounts.services import tenant_admin_initialise
        from quartier.platform.initialisers import tenant_initialiser_register

        tenant_initialiser_register(tenant_admin_initialise, order=10)
        notifications.register()
