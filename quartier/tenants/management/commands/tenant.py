"""`manage.py tenant create|list|suspend|resume|delete|restore|purge|add-domain`."""

from django.core.management.base import BaseCommand, CommandError

from quartier.platform.errors import ApplicationError
from quartier.platform.tenancy import public_context
from quartier.tenants import services
from quartier.tenants.selectors import tenant_get, tenant_list, tenant_primary_url


class Command(BaseCommand):
    help = "Provision and manage tenants."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Provision a tenant.")
        create.add_argument("slug")
        create.add_argument("--name", required=True)
        create.add_argument("--admin-email", required=True)
        create.add_argument("--admin-password")
        create.add_argument("--plan")
        create.add_argument("--domain", action="append", default=[], dest="domains")
        create.add_argument("--language", default="de")
        create.add_argument("--currency", default="CHF")
        sub.add_parser("list", help="List tenants.")
        for action in ("suspend", "delete"):
            parser_ = sub.add_parser(action)
            parser_.add_argument("slug")
            parser_.add_argument("--reason", default="")
        for action in ("resume", "restore"):
            sub.add_parser(action).add_argument("slug")
        purge = sub.add_parser("purge", help="Drop a deleted tenant's schema for good.")
        purge.add_argument("slug")
        purge.add_argument("--yes", action="store_true", help="Confirm the purge.")
        add_domain = sub.add_parser("add-domain")
        add_domain.add_argument("slug")
        add_domain.add_argument("domain")

    def handle(self, *args, action, **options):
        with public_context():
            try:
                getattr(self, "_" + action.replace("-", "_"))(**options)
            except ApplicationError as error:
                details = "; ".join(
                    f"{field}: {' '.join(map(str, messages))}"
                    for field, messages in error.fields.items()
                )
                raise CommandError(f"{error.message} {details}".strip()) from error

    def _create(
        self, *, slug, name, admin_email, admin_password, plan, domains, language, currency, **_
    ):
        provisioned = services.tenant_provision(
            name=name,
            slug=slug,
            admin_email=admin_email,
            admin_password=admin_password,
            plan_code=plan,
            custom_domains=domains,
            language=language,
            currency=currency,
        )
        tenant = tenant_get(slug=provisioned.tenant.slug)
        self.stdout.write(f"Provisioned {tenant.name} at {tenant_primary_url(tenant)}")
        self.stdout.write(f"  admin: {provisioned.admin_email}")
        if provisioned.activation_url:
            self.stdout.write(f"  activation link (set a password): {provisioned.activation_url}")

    def _list(self, **_):
        for tenant in tenant_list():
            self.stdout.write(
                f"{tenant.slug:<20} {tenant.status:<10} {tenant.plan.code:<10} "
                f"{tenant_primary_url(tenant)}"
            )

    def _suspend(self, *, slug, reason, **_):
        services.tenant_suspend(tenant=tenant_get(slug=slug), reason=reason)
        self.stdout.write(f"Suspended {slug}.")

    def _delete(self, *, slug, reason, **_):
        services.tenant_delete(tenant=tenant_get(slug=slug), reason=reason)
        self.stdout.write(f"Deleted {slug} (soft; purge to drop its schema).")

    def _resume(self, *, slug, **_):
        services.tenant_resume(tenant=tenant_get(slug=slug))
        self.stdout.write(f"Resumed {slug}.")

    def _restore(self, *, slug, **_):
        services.tenant_restore(tenant=tenant_get(slug=slug))
        self.stdout.write(f"Restored {slug}.")

    def _purge(self, *, slug, yes, **_):
        if not yes:
            raise CommandError("Purging drops the schema and every row in it; add --yes.")
        services.tenant_purge(tenant=tenant_get(slug=slug))
        self.stdout.write(f"Purged {slug}.")

    def _add_domain(self, *, slug, domain, **_):
        services.domain_add(tenant=tenant_get(slug=slug), domain=domain)
        self.stdout.write(f"Added {domain} to {slug}.")
