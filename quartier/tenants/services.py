"""Tenant lifecycle: provision, suspend, resume, delete (soft), restore, purge; domains."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_tenants.utils import schema_exists

from quartier.platform.errors import ApplicationError, Conflict
from quartier.platform.initialisers import tenant_initialisers
from quartier.platform.money import validate_currency
from quartier.platform.tenancy import tenant_context
from quartier.tenants import errors
from quartier.tenants.models import Domain, Plan, Tenant
from quartier.tenants.pool import pool_claim, pool_refill_soon
from quartier.tenants.resolution import tenant_cache_forget, tenant_cache_forget_tenant
from quartier.tenants.schema_scripts import build_script, quote_schema, replay_script
from quartier.tenants.validation import (
    platform_subdomain,
    schema_name_for_slug,
    validate_admin_email,
    validate_custom_domain,
    validate_name,
    validate_slug,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TenantSeed:
    """What the initialisers need to make a new tenant complete."""

    name: str
    admin_email: str
    admin_password: str | None
    language: str
    currency: str


@dataclass(frozen=True)
class ProvisionedTenant:
    tenant: Tenant
    admin_email: str
    # Where the admin sets a password when none was given (a one-time link).
    activation_url: str | None


def tenant_provision(
    *,
    name: str,
    slug: str,
    admin_email: str,
    admin_password: str | None = None,
    plan_code: str | None = None,
    custom_domains: tuple[str, ...] | list[str] = (),
    language: str = "de",
    currency: str = "CHF",
) -> ProvisionedTenant:
    """Create a complete tenant (schema, domains, admin, defaults) in one transaction."""
    name = validate_name(name)
    slug = validate_slug(slug)
    admin_email = validate_admin_email(admin_email)
    domains = _validate_domains(slug, custom_domains)
    _validate_language(language)
    validate_currency(currency)
    if admin_password is not None:
        _validate_password(admin_password, admin_email)
    plan = _plan_for_code(plan_code)
    _check_not_taken(slug, domains)

    seed = TenantSeed(
        name=name,
        admin_email=admin_email,
        admin_password=admin_password,
        language=language,
        currency=currency,
    )
    try:
        tenant = _provision_atomically(name=name, slug=slug, plan=plan, domains=domains, seed=seed)
    except IntegrityError as error:
        # Lost a race with a concurrent provisioning of the same slug or domain.
        raise ApplicationError(
            errors.SLUG_TAKEN,
            gettext("That slug or domain was just taken."),
            fields={"slug": [str(slug)]},
        ) from error
    activation_url = None if admin_password else _activation_url(tenant, admin_email)
    return ProvisionedTenant(tenant=tenant, admin_email=admin_email, activation_url=activation_url)


def _activation_url(tenant: Tenant, admin_email: str) -> str:
    from quartier.accounts.models import User
    from quartier.accounts.services import user_activation_path
    from quartier.tenants.selectors import tenant_get, tenant_primary_url

    with tenant_context(tenant):
        path = user_activation_path(user=User.objects.get(email=admin_email))
    return tenant_primary_url(tenant_get(slug=tenant.slug)).rstrip("/") + path


@transaction.atomic
def _provision_atomically(*, name, slug, plan, domains, seed) -> Tenant:
    schema_name = schema_name_for_slug(slug)
    _claim_schema(schema_name)
    tenant = Tenant(name=name, slug=slug, schema_name=schema_name, plan=plan)
    tenant.save()
    for index, hostname in enumerate(domains):
        Domain.objects.create(
            tenant=tenant, domain=hostname, is_primary=index == 0, is_custom=index > 0
        )
    with tenant_context(tenant):
        for initialise in tenant_initialisers():
            initialise(tenant=tenant, seed=seed)
    tenant_cache_forget(domains)
    transaction.on_commit(pool_refill_soon)
    return tenant


def _claim_schema(schema_name: str) -> None:
    """Rename a ready pool schema to `schema_name`, or build one when the pool is empty."""
    pool_schema = pool_claim()
    if pool_schema is None:
        logger.warning("tenant pool empty: building %s from the script", schema_name)
        replay_script(schema_name, build_script(), create=True)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER SCHEMA {quote_schema(pool_schema.schema_name)} "
            f"RENAME TO {quote_schema(schema_name)}"
        )
    pool_schema.delete()


def _validate_domains(slug: str, custom_domains) -> list[str]:
    if isinstance(custom_domains, str) or not isinstance(custom_domains, list | tuple):
        raise ApplicationError.invalid_field(
            "domains", gettext("Give a list of host names."), code=errors.INVALID_DOMAIN
        )
    hostnames = [platform_subdomain(slug)]
    for domain in custom_domains:
        hostname = validate_custom_domain(domain)
        if hostname in hostnames:
            raise ApplicationError.invalid_field(
                "domains",
                gettext("%(hostname)s is listed twice.") % {"hostname": hostname},
                code=errors.INVALID_DOMAIN,
            )
        hostnames.append(hostname)
    return hostnames


def _validate_language(language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError.invalid_field(
            "language",
            gettext("Use one of %(languages)s.")
            % {"languages": ", ".join(code for code, _name in settings.LANGUAGES)},
        )


def _validate_password(password: str, email: str) -> None:
    from quartier.accounts.models import User

    try:
        validate_password(password, user=User(email=email))
    except ValidationError as error:
        raise ApplicationError(
            errors.WEAK_PASSWORD,
            gettext("Choose a stronger password."),
            fields={"admin_password": list(error.messages)},
        ) from error


def _plan_for_code(plan_code: str | None) -> Plan:
    plans = Plan.objects.filter(is_active=True)
    plan = plans.filter(code=plan_code).first() if plan_code else plans.first()
    if plan is None:
        raise ApplicationError.invalid_field(
            "plan",
            gettext("Unknown plan %(plan_code)s.") % {"plan_code": repr(plan_code)},
            code=errors.UNKNOWN_PLAN,
        )
    return plan


def _check_not_taken(slug: str, domains: list[str]) -> None:
    if Tenant.objects.filter(slug=slug).exists() or schema_exists(schema_name_for_slug(slug)):
        raise ApplicationError.invalid_field(
            "slug",
            gettext("%(slug)s is already taken.") % {"slug": repr(slug)},
            code=errors.SLUG_TAKEN,
        )
    taken = list(Domain.objects.filter(domain__in=domains).values_list("domain", flat=True))
    if taken:
        field = "slug" if taken[0] == domains[0] else "domains"
        raise ApplicationError.invalid_field(
            field,
            gettext("%(hostname)s already belongs to a tenant.") % {"hostname": taken[0]},
            code=errors.DOMAIN_TAKEN,
        )


# Which status changes each operation allows.
_TRANSITIONS = {
    "suspend": ({Tenant.Status.ACTIVE}, Tenant.Status.SUSPENDED),
    "resume": ({Tenant.Status.SUSPENDED}, Tenant.Status.ACTIVE),
    "delete": ({Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED}, Tenant.Status.DELETED),
    "restore": ({Tenant.Status.DELETED}, Tenant.Status.ACTIVE),
}


@transaction.atomic
def _tenant_change_status(*, tenant: Tenant, operation: str, reason: str) -> Tenant:
    allowed, target = _TRANSITIONS[operation]
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if tenant.status not in allowed:
        raise Conflict(
            errors.ILLEGAL_STATUS_CHANGE,
            gettext("Cannot %(operation)s a tenant that is %(status)s.")
            % {"operation": operation, "status": tenant.status},
            extra={"status": tenant.status},
        )
    tenant.status = target
    tenant.status_reason = (reason or "")[:500]
    tenant.status_changed_at = timezone.now()
    tenant.save(update_fields=["status", "status_reason", "status_changed_at"])
    tenant_cache_forget_tenant(tenant)
    return tenant


def tenant_suspend(*, tenant: Tenant, reason: str = "") -> Tenant:
    """Storefront shows a maintenance page and the API answers 503 until resumed."""
    return _tenant_change_status(tenant=tenant, operation="suspend", reason=reason)


def tenant_resume(*, tenant: Tenant) -> Tenant:
    return _tenant_change_status(tenant=tenant, operation="resume", reason="")


def tenant_delete(*, tenant: Tenant, reason: str = "") -> Tenant:
    """Soft delete: the marketplace disappears, its schema and domains stay until purged."""
    return _tenant_change_status(tenant=tenant, operation="delete", reason=reason)


def tenant_restore(*, tenant: Tenant) -> Tenant:
    return _tenant_change_status(tenant=tenant, operation="restore", reason="")


@transaction.atomic
def tenant_purge(*, tenant: Tenant) -> None:
    """Drop a soft-deleted tenant's schema, domains and row. Irreversible."""
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if tenant.status != Tenant.Status.DELETED:
        raise Conflict(
            errors.PURGE_REQUIRES_DELETE,
            gettext("Delete the tenant before purging it."),
            extra={"status": tenant.status},
        )
    hostnames = list(tenant.domains.values_list("domain", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema(tenant.schema_name)} CASCADE")
    tenant.domains.all().delete()
    Tenant.objects.filter(pk=tenant.pk).delete()
    tenant_cache_forget(hostnames)


@transaction.atomic
def domain_add(*, tenant: Tenant, domain: str) -> Domain:
    hostname = validate_custom_domain(domain, field="domain")
    if Domain.objects.filter(domain=hostname).exists():
        raise ApplicationError.invalid_field(
            "domain",
            gettext("%(hostname)s already belongs to a tenant.") % {"hostname": hostname},
            code=errors.DOMAIN_TAKEN,
        )
    created = Domain.objects.create(
        tenant=tenant, domain=hostname, is_primary=False, is_custom=True
    )
    tenant_cache_forget([hostname])
    return created


@transaction.atomic
def domain_remove(*, tenant: Tenant, domain: str) -> None:
    found = Domain.objects.filter(tenant=tenant, domain=domain.lower()).first()
    if found is None:
        raise ApplicationError.invalid_field(
            "domain", gettext("No such domain on this tenant."), code=errors.INVALID_DOMAIN
        )
    if found.is_primary:
        raise ApplicationError.invalid_field(
            "domain",
            gettext("The primary domain cannot be removed."),
            code=errors.PRIMARY_DOMAIN_REMOVAL,
        )
    hostname = found.domain
    found.delete()
    tenant_cache_forget([hostname])
