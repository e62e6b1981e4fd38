from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "putright.policies"
    label = "policies"
    verbose_name = "Policy packs"
