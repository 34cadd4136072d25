from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0005_idempotency_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="marketplacesettings",
            name="rating_min_reviews",
            field=models.PositiveSmallIntegerField(default=3),
        ),
    ]
