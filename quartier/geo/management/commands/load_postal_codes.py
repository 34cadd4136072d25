from django.core.management.base import BaseCommand

from quartier.geo.loader import load_postal_codes
from quartier.geo.models import PostalCode
from quartier.geo.selectors import postal_codes_forget
from quartier.platform.tenancy import public_context


class Command(BaseCommand):
    help = "Load Swiss postal codes (swisstopo + GeoNames PO boxes); adds what is missing."

    def handle(self, *args, **options):
        with public_context():
            added = load_postal_codes(PostalCode)
            total = PostalCode.objects.count()
        postal_codes_forget()
        self.stdout.write(f"Added {added} postal codes; {total} in all.")
