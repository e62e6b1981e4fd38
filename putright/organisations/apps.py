from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "putright.organisations"
    label = "organisations"
    verbose_name = "Organisations"
