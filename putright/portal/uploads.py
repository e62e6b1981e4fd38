"""Evidence a resident uploads before their case exists, kept until they send it.

Each file is checked when it is uploaded (with the checks ``case_attach`` makes), kept
in the default file storage under ``portal/pending/`` and attached to the case when the
resident sends it. Files of journeys never finished are deleted by the periodic job
``abandoned-portal-uploads`` once they are older than a session can live: by then the
journey that kept them has ended with its session.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone

from putright.cases.services import check_attachment

PENDING_DIR = "portal/pending"
MAX_FILES = 5


def keep(upload: UploadedFile[bytes], token: str) -> dict[str, Any]:
    """Check the file and keep it; raises ``CaseInputError`` with the reason it is refused."""
    # A safe name, with the extension of what the file really is ("@@@.pdf" -> "attachment.pdf").
    stored = check_attachment(upload)
    original = (upload.name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    key = default_storage.save(f"{PENDING_DIR}/{token}/{secrets.token_hex(8)}-{stored}", upload)
    return {
        "key": key,
        "name": original[:200],
        "content_type": (upload.content_type or "").split(";")[0].strip(),
        "size": upload.size,
    }


def reopen(item: dict[str, Any]) -> UploadedFile[bytes]:
    """A kept file, ready for ``case_attach``."""
    with default_storage.open(item["key"], "rb") as stored:
        content = stored.read()
    return SimpleUploadedFile(item["name"], content, item["content_type"])


def exists(item: dict[str, Any]) -> bool:
    return bool(default_storage.exists(item["key"]))


def discard(item: dict[str, Any]) -> None:
    if default_storage.exists(item["key"]):
        default_storage.delete(item["key"])


def remove_abandoned(
    *, now: datetime.datetime | None = None, older_than: datetime.timedelta | None = None
) -> int:
    """Delete kept files older than a session lives (their journeys have ended); how many."""
    limit = older_than or datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    moment = now or timezone.now()
    try:
        folders = default_storage.listdir(PENDING_DIR)[0]
    except FileNotFoundError:
        return 0
    removed = 0
    for folder in folders:
        path = f"{PENDING_DIR}/{folder}"
        for name in default_storage.listdir(path)[1]:
            key = f"{path}/{name}"
            if moment - default_storage.get_modified_time(key) > limit:
                default_storage.delete(key)
                removed += 1
    return removed
