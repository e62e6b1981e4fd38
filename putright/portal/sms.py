"""Sending text messages to residents (for now, one-time codes to follow a case).

A backend is any class with a ``send(to, message)`` method. Choose one with the setting
``PUTRIGHT_SMS_BACKEND``, a dotted path:

- ``putright.portal.sms.LogBackend`` (the default) writes the message to the
  ``putright.portal.sms`` logger. Nothing reaches a phone: use it on a demo or a
  development machine only, because the log then holds the codes.
- ``putright.portal.sms.MemoryBackend`` keeps messages in ``putright.portal.sms.outbox``
  (for tests).

To send real messages, write a small class for your provider (GOV.UK Notify, Twilio ...)
with ``send(self, to: str, message: str) -> None`` that raises ``SMSError`` when the
provider refuses, and point ``PUTRIGHT_SMS_BACKEND`` at it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "putright.portal.sms.LogBackend"
logger = logging.getLogger(__name__)


class SMSError(Exception):
    """The message could not be sent."""


class SMSBackend(Protocol):
    def send(self, to: str, message: str) -> None: ...


@dataclass(frozen=True)
class SentMessage:
    to: str
    message: str


outbox: list[SentMessage] = []


class LogBackend:
    """Logs the message instead of sending it."""

    def send(self, to: str, message: str) -> None:
        logger.info("Text message to %s: %s", to, message)


class MemoryBackend:
    """Keeps the message in ``outbox``."""

    def send(self, to: str, message: str) -> None:
        outbox.append(SentMessage(to=to, message=message))


def get_backend() -> SMSBackend:
    path = getattr(settings, "PUTRIGHT_SMS_BACKEND", "") or DEFAULT_BACKEND
    backend: SMSBackend = import_string(path)()
    return backend


def send_sms(to: str, message: str) -> None:
    """Send one text message through the configured backend."""
    get_backend().send(to, message)
