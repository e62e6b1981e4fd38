from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "putright.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from .lockout import tell_the_owner

        user_locked_out.connect(tell_the_owner, dispatch_uid="putright-tell-locked-out-owner")
