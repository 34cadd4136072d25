from django.db import migrations


def load(apps, schema_editor):
    from quartier.geo.loader import load_postal_codes

    load_postal_codes(apps.get_model("geo", "PostalCode"))


def unload(apps, schema_editor):
    apps.get_model("geo", "PostalCode").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
