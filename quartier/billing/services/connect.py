"""Stripe Connect: a provider's Express account, its onboarding link, its status."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _

from quartier.billing import gateway
from quartier.billing.models import BillingCustomer, ConnectedAccount
from quartier.platform.errors import ApplicationError
from quartier.providers.models import ProviderProfile


def connected_account_onboard(
    *, provider: ProviderProfile, refresh_url: str, return_url: str
) -> tuple[ConnectedAccount, str]:
    """The provider's account (created on first use) and a fresh onboarding link.

    Stripe is called with no transaction open; a concurrent first onboarding sends the
    same idempotency key, gets the same account, and one row stands.
    """
    account = ConnectedAccount.objects.filter(provider=provider).first()
    if account is None:
        created = gateway.call(
            "accounts",
            "create",
            idempotency_key=f"{connection.schema_name}:provider:{provider.pk}:account",
            type="express",
            country=_country(),
            email=provider.user.email,
            capabilities={"transfers": {"requested": True}},
            metadata={"tenant": connection.schema_name, "provider": str(provider.pk)},
        )
        with transaction.atomic():
            account, _created = ConnectedAccount.objects.get_or_create(
                provider=provider, defaults={"stripe_account_id": created.id}
            )
            connected_account_sync(stripe_account=created)
    link = gateway.call(
        "account_links",
        "create",
        account=account.stripe_account_id,
        refresh_url=refresh_url,
        return_url=return_url,
        type="account_onboarding",
    )
    return account, link.url


def _country() -> str:
    from django.conf import settings

    return settings.STRIPE_CONNECT_COUNTRY


def connected_account_refresh(*, account: ConnectedAccount) -> ConnectedAccount:
    """Ask Stripe for the account's status now (the webhook does it too)."""
    stripe_account = gateway.call("accounts", "retrieve", account.stripe_account_id)
    return connected_account_sync(stripe_account=stripe_account) or account


def connected_account_sync(*, stripe_account) -> ConnectedAccount | None:
    """Copy onboarding status from a Stripe account object; unknown accounts are ignored."""
    if hasattr(stripe_account, "to_dict"):
        stripe_account = stripe_account.to_dict()
    account = ConnectedAccount.objects.filter(stripe_account_id=stripe_account["id"]).first()
    if account is None:
        return None
    account.details_submitted = bool(stripe_account.get("details_submitted"))
    account.charges_enabled = bool(stripe_account.get("charges_enabled"))
    account.payouts_enabled = bool(stripe_account.get("payouts_enabled"))
    account.save()
    return account


def billing_customer_ensure(*, user) -> BillingCustomer:
    """The user's Stripe customer, created on first use (idempotent per user)."""
    billing = BillingCustomer.objects.filter(user=user).first()
    if billing is None:
        customer = gateway.call(
            "customers",
            "create",
            idempotency_key=f"{connection.schema_name}:user:{user.pk}:customer",
            email=user.email,
            metadata={"tenant": connection.schema_name, "user": str(user.pk)},
        )
        billing, _created = BillingCustomer.objects.get_or_create(
            user=user, defaults={"stripe_customer_id": customer.id}
        )
    return billing


def payment_method_attach(*, user, payment_method_id: str) -> BillingCustomer:
    """Make a card (collected by Stripe.js in the browser) the customer's default.

    Stripe is called with no transaction open (idempotent per user for the customer);
    only the local rows are written in short transactions.
    """
    billing = billing_customer_ensure(user=user)
    method = gateway.call("payment_methods", "retrieve", payment_method_id)
    if method.customer and method.customer != billing.stripe_customer_id:
        raise ApplicationError.invalid_field(
            "payment_method", _("This payment method belongs to someone else.")
        )
    gateway.call(
        "payment_methods", "attach", payment_method_id, customer=billing.stripe_customer_id
    )
    billing.default_payment_method_id = payment_method_id
    billing.save()
    return billing


@dataclass(frozen=True)
class AccountStatus:
    """Where a provider's payout account stands, as Stripe says now."""

    account: ConnectedAccount
    requirements_due: list[str]  # what Stripe still needs (currently or past due)
    details_submitted: bool
    payouts_enabled: bool


def connected_account_status(*, provider: ProviderProfile) -> AccountStatus | None:
    """Ask Stripe where the provider's account stands now (no transaction open).

    A read only: the stored flags follow Stripe's account.updated webhook (or an explicit
    refresh), so a page showing this status writes nothing.
    """
    account = ConnectedAccount.objects.filter(provider=provider).first()
    if account is None:
        return None
    stripe_account = gateway.call("accounts", "retrieve", account.stripe_account_id)
    if hasattr(stripe_account, "to_dict"):
        stripe_account = stripe_account.to_dict()
    requirements = stripe_account.get("requirements") or {}
    due = [*requirements.get("past_due", []), *requirements.get("currently_due", [])]
    return AccountStatus(
        account=account,
        requirements_due=list(dict.fromkeys(due)),
        details_submitted=bool(stripe_account.get("details_submitted")),
        payouts_enabled=bool(stripe_account.get("payouts_enabled")),
    )
