"""Restrictions recorded before as free text: the text is kept (behaviour, arrangements,
appeal), the pack they fall under is set, and each is marked for a person to finish (its
categories and measures). ``putright restrictions-to-finish`` lists them."""

from django.db import migrations


def mark(apps, schema_editor):
    ContactRestriction = apps.get_model("people", "ContactRestriction")
    for restriction in ContactRestriction.objects.select_related("person__organisation"):
        if restriction.categories or restriction.measures:
            continue
        restriction.needs_finishing = True
        restriction.pack = restriction.person.organisation.policy_pack
        restriction.save(update_fields=["needs_finishing", "pack"])


class Migration(migrations.Migration):
    dependencies = [("people", "0003_restriction_process")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
