import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("cases", "0007_satisfactionresponse")]

    operations = [
        migrations.CreateModel(
            name="CaseText",
            fields=[
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="cases.case",
                    ),
                ),
                ("organisation_id", models.BigIntegerField()),
                ("public", models.TextField(blank=True)),
                ("private", models.TextField(blank=True)),
            ],
            options={"verbose_name": "case words", "verbose_name_plural": "case words"},
        ),
    ]
