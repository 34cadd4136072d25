from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0007_eligibility"),
    ]

    operations = [
        migrations.AddField(
            model_name="marketplacesettings",
            name="admins_require_mfa",
            field=models.BooleanField(default=False),
        ),
    ]
