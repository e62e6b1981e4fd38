from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "putright.imports"
    label = "imports"
    verbose_name = "Imported cases"
