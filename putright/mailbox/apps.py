from typing import Any

from django.apps import AppConfig


def _messages_visible_to(user: Any, messages: Any) -> Any:
    from .selectors import messages_visible_to

    return messages_visible_to(user).filter(pk__in=messages.values("pk"))


def _message_url(message: Any) -> str:
    from django.urls import reverse

    return reverse("staff:mail-message", args=[message.pk])


class MailboxConfig(AppConfig):
    name = "putright.mailbox"
    label = "mailbox"
    verbose_name = "E-mail in"

    def ready(self) -> None:
        # An incoming message has its own history: received, then classified by someone.
        from putright.timeline import registry

        from .models import IncomingMessage

        registry.register(
            name="incoming_message",
            label="Incoming e-mail",
            model=IncomingMessage,
            visible_to=_messages_visible_to,
            url=_message_url,
        )
