from django.db import migrations

PLANS = [
    # code, name, monthly fee (minor units), fee per booking (minor units)
    ("starter", "Starter", 0, 200),
    ("growth", "Growth", 49_000, 100),
    ("enterprise", "Enterprise", 190_000, 50),
]


def create_plans(apps, schema_editor):
    Plan = apps.get_model("tenants", "Plan")
    for code, name, monthly, per_booking in PLANS:
        Plan.objects.get_or_create(
            code=code,
            defaults={"name": name, "monthly_fee_minor": monthly,
                      "per_booking_fee_minor": per_booking, "currency": "CHF"},
        )


def remove_plans(apps, schema_editor):
    Plan = apps.get_model("tenants", "Plan")
    Plan.objects.filter(code__in=[code for code, *_ in PLANS], tenants__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [migrations.RunPython(create_plans, remove_plans)]
