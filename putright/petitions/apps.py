from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    """Petitions: a case signed by many people, each a signatory written to in their own way."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "putright.petitions"
    label = "petitions"
    verbose_name = "Petitions"
