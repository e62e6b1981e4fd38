"""The satisfaction answers now belong to the cases app; their table is unchanged."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("cases", "0007_satisfactionresponse"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SatisfactionResponse")],
            database_operations=[],
        ),
    ]
