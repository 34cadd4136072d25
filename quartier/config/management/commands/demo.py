"""`manage.py demo`: the two demo marketplaces, with an admin each, ready to click through.

Idempotent: existing demo tenants are kept; each app's demo seeder (registered in its
AppConfig.ready, quartier.platform.initialisers) adds
its sample data once.
"""

from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from quartier.platform.initialisers import demo_seeders
from quartier.platform.tenancy import public_context, tenant_context
from quartier.tenants.models import Tenant
from quartier.tenants.services import tenant_provision

DEMO_PASSWORD = "quartier-demo-2026"  # noqa: S105  (a published demo login)
DEMO_TENANTS = [
    {"slug": "telco", "name": "Telco Friends", "language": "de"},
    {"slug": "acme", "name": "Acme Outdoor", "language": "en"},
]


class Command(BaseCommand):
    help = "Provision the demo tenants (telco, acme) and their sample data."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=settings.PLATFORM_PORT or "8000")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiplies the generated numbers"
        )

    def handle(self, *args, port, scale, **options):
        tenants = [self._tenant(demo) for demo in DEMO_TENANTS]
        # One thread (and database connection) per tenant: seeding mostly waits on the
        # database, and the tenants' schemas share nothing, so they fill side by side.
        with ThreadPoolExecutor(max_workers=len(tenants)) as pool:
            for seeded in [pool.submit(self._seed, tenant, scale) for tenant in tenants]:
                seeded.result()  # re-raises a seeder's error here
        lines = []
        for demo in DEMO_TENANTS:
            lines.append(
                f"  {demo['name']:<15} http://{demo['slug']}.localhost:{port}/   "
                f"admin: admin@{demo['slug']}.example / {DEMO_PASSWORD}"
            )
        self.stdout.write("\nQuartier demo is ready:\n" + "\n".join(lines))
        self.stdout.write(
            f"  Operator        http://localhost:{port}/admin/   "
            f"ops@quartier.example / {DEMO_PASSWORD}\n"
        )

    @staticmethod
    def _seed(tenant: Tenant, scale: float) -> None:
        try:
            with tenant_context(tenant):
                for seed in demo_seeders():
                    seed(tenant=tenant, password=DEMO_PASSWORD, scale=scale)
        finally:
            connection.close()

    def _tenant(self, demo) -> Tenant:
        with public_context():
            self._operator()
            existing = Tenant.objects.filter(slug=demo["slug"]).first()
            if existing is not None:
                return existing
            return tenant_provision(
                name=demo["name"],
                slug=demo["slug"],
                admin_email=f"admin@{demo['slug']}.example",
                admin_password=DEMO_PASSWORD,
                language=demo["language"],
            ).tenant

    def _operator(self) -> None:
        from quartier.accounts.models import User

        if not User.objects.filter(email="ops@quartier.example").exists():
            User.objects.create_superuser(email="ops@quartier.example", password=DEMO_PASSWORD)
