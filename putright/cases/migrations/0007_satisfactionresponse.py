"""The satisfaction answers move from the portal to the case they are about; the table stays."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_queue_indexes"),
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SatisfactionResponse",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "score",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (5, "Very satisfied"),
                                    (4, "Fairly satisfied"),
                                    (3, "Neither satisfied nor dissatisfied"),
                                    (2, "Fairly dissatisfied"),
                                    (1, "Very dissatisfied"),
                                ]
                            ),
                        ),
                        ("comment", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "case",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="satisfaction_response",
                                to="cases.case",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "portal_satisfactionresponse",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("score__gte", 1), ("score__lte", 5)),
                                name="satisfaction_score_1_to_5",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
