"""Signing and checking a webhook, after the Standard Webhooks convention (standardwebhooks.com).

The signed content is ``{id}.{timestamp}.{body}``; the signature, HMAC-SHA256 with the
secret, base64-encoded, is sent as ``webhook-signature: v1,<signature>`` beside
``webhook-id`` and ``webhook-timestamp`` (seconds since 1970). A secret written
``whsec_<base64>`` is used as the bytes it encodes (as the convention's libraries do); any other
as its UTF-8 bytes. Plain Python: the outgoing webhooks and the inbound e-mail webhook share it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Mapping

#: How far a timestamp may be from now, either way, for a signed request to be taken.
TOLERANCE_SECONDS = 5 * 60


class BadSignatureError(ValueError):
    """The request is not signed as agreed; the text says how, without revealing the secret."""


def new_secret() -> str:
    """A fresh secret in the convention's form."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except (binascii.Error, ValueError):
            pass
    return secret.encode()


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value for this body."""
    content = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers a signed request carries."""
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, webhook_id, timestamp, body),
    }


def verify(secret: str, received: Mapping[str, str], body: bytes, *, now: int) -> str:
    """The request's ``webhook-id`` if it is signed with ``secret`` recently; else ``BadSignatureError``."""
    webhook_id = received.get("webhook-id", "").strip()
    stamp = received.get("webhook-timestamp", "").strip()
    signatures = received.get("webhook-signature", "").split()
    if not webhook_id or not stamp or not signatures:
        raise BadSignatureError(
            "Sign the request: webhook-id, webhook-timestamp, webhook-signature."
        )
    try:
        timestamp = int(stamp)
    except ValueError:
        raise BadSignatureError("webhook-timestamp must be seconds since 1970.") from None
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise BadSignatureError("webhook-timestamp is more than five minutes from now.")
    expected = sign(secret, webhook_id, timestamp, body)
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise BadSignatureError("The signature does not match the body.")
    return webhook_id
