"""`manage.py tenant_pool fill|status`: the schemas waiting for new tenants."""

from django.conf import settings
from django.core.management.base import BaseCommand

from quartier.platform.tenancy import public_context
from quartier.tenants.pool import pool_fill, pool_size


class Command(BaseCommand):
    help = "Fill or inspect the pool of ready tenant schemas."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["fill", "status"])
        parser.add_argument("--target", type=int, default=None)

    def handle(self, *args, action, target, **options):
        with public_context():
            if action == "fill":
                built = pool_fill(target=target)
                self.stdout.write(f"Built {built}; {pool_size()} ready.")
            else:
                self.stdout.write(f"{pool_size()} ready (target {settings.TENANT_POOL_SIZE}).")
