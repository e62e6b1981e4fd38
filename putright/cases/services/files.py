"""Files attached to a case: what is accepted, checked by content, stored by type."""

from __future__ import annotations

import datetime

import filetype
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from putright.accounts.actors import Actor

from ..errors import (
    CaseInputError,
)
from ..models import (
    Attachment,
    Case,
    EventKind,
    clean_file_name,
)
from ._common import _append, _lock, _moment, _save

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/heic",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/plain",
}


@transaction.atomic
def case_attach(
    *,
    case: Case,
    actor: Actor,
    upload: UploadedFile[bytes],
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Attachment:
    """Attach a document (PDF, image, Office document or text; at most 10 MB)."""
    case = _lock(case, expected_version)
    stored_name = check_attachment(upload)
    content_type = (upload.content_type or "").split(";")[0].strip()
    moment = _moment(occurred_at, case)
    name = clean_file_name(upload.name or "attachment")
    attachment = Attachment(
        case=case,
        name=name,
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor.user,
    )
    # Stored under the extension of the type its contents were recognised as, never the
    # extension it was sent with (``evil.html`` that is plain text is kept as ``evil.txt``).
    attachment.file.save(stored_name, upload, save=False)
    attachment.save()
    _append(
        case, EventKind.ATTACHMENT, actor, moment, {"attachment_id": attachment.pk, "name": name}
    )
    _save(case)
    return attachment


#: What each accepted type may be recognised as by ``filetype`` (a document saved by Word or
#: Excel is a zip archive, or an older compound file).
_RECOGNISED_AS = {
    "application/pdf": {"application/pdf"},
    "image/png": {"image/png"},
    "image/jpeg": {"image/jpeg"},
    "image/gif": {"image/gif"},
    "image/heic": {"image/heic", "image/heif"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/zip",
    },
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/zip",
    },
    "application/msword": {"application/msword", "application/x-ole-storage"},
    "application/vnd.ms-excel": {"application/vnd.ms-excel", "application/x-ole-storage"},
}


# The extension a file is stored under, from the type its contents were recognised as.
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/heic": ".heic",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/plain": ".txt",
}
_BLANK = b" \t\r\n\f\v"
#: The signature of a Microsoft compound file (an older .doc or .xls).
_COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF8_BOM = b"\xef\xbb\xbf"


def _looks_like_markup(upload: UploadedFile[bytes]) -> bool:
    """Text whose first non-blank character opens a tag (``<html``, ``<svg``, ``<?xml``...).

    A browser that meets such a file may render it as a page; plain text never needs it.
    """
    upload.seek(0)
    try:
        first = True
        while chunk := bytes(upload.read(8192)):
            if first and chunk.startswith(_UTF8_BOM):
                chunk = chunk[len(_UTF8_BOM) :]
            first = False
            chunk = chunk.lstrip(_BLANK)
            if chunk:
                return chunk.startswith(b"<")
        return False
    finally:
        upload.seek(0)


#: What a web page or a script carries; no PDF, image or Office document needs any of these
#: in the clear (a polyglot: a valid header followed by markup a browser would run).
#: Each at least six bytes, so that a photograph's random bytes almost never match one.
_MARKUP = (
    b"<script",
    b"<html>",
    b"<html ",
    b"<body>",
    b"<body ",
    b"<iframe",
    b"<svg xmlns",
    b"<!doctype html",
    b"javascript:",
)


def _carries_markup(upload: UploadedFile[bytes]) -> bool:
    """Markup in the clear anywhere in the file (read in overlapping chunks)."""
    upload.seek(0)
    try:
        tail = b""
        while chunk := bytes(upload.read(65536)):
            window = (tail + chunk).lower()
            if any(mark in window for mark in _MARKUP):
                return True
            tail = window[-32:]
        return False
    finally:
        upload.seek(0)


def _stored_name(name: str | None, content_type: str) -> str:
    """The name a file is stored under: its own stem, the extension of its recognised type."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in stem).strip("_")
    return f"{safe[:100] or 'attachment'}{_EXTENSIONS[content_type]}"


def _content_matches(upload: UploadedFile[bytes], content_type: str) -> bool:
    """What the file's contents are recognised as (the ``filetype`` library) agrees with the
    type it claims; text is whatever holds no binary content."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    allowed = _RECOGNISED_AS.get(content_type)
    if allowed is None:
        return b"\x00" not in head  # text: no binary content
    kind = filetype.guess(head)
    recognised = kind.mime if kind is not None else ""
    if not recognised and head.startswith(_COMPOUND_FILE):
        recognised = "application/x-ole-storage"  # filetype names only complete ones
    return recognised in allowed


def check_attachment(upload: UploadedFile[bytes]) -> str:
    """The checks ``case_attach`` makes on a file, before there is a case to attach it to.

    The resident portal calls it when a file is uploaded, so that a refusal is shown
    beside the field at once; ``case_attach`` checks again when the case is saved.
    Returns the name to store the file under: whatever its name said, the extension is
    the one of the type its contents were recognised as (text is always ``.txt``).
    """
    content_type = (upload.content_type or "").split(";")[0].strip()
    if content_type not in ALLOWED_ATTACHMENT_TYPES:
        raise CaseInputError(
            "The file must be a PDF, an image, an Office document or plain text.",
            fields={"file": "This type of file is not accepted."},
        )
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise CaseInputError("The file must be 10 MB or smaller.", fields={"file": "Too large."})
    if upload.size == 0:
        raise CaseInputError("The file is empty.", fields={"file": "The file is empty."})
    if not _content_matches(upload, content_type):
        raise CaseInputError(
            "The file's contents do not match its type.",
            fields={"file": "This file looks damaged or mislabelled."},
        )
    if content_type != "text/plain" and _carries_markup(upload):
        raise CaseInputError(
            "The file carries a web page or script inside it.",
            fields={"file": "This file looks damaged or mislabelled."},
        )
    if content_type == "text/plain" and _looks_like_markup(upload):
        raise CaseInputError(
            "The file is a web page or other markup, not plain text.",
            fields={"file": "Web pages, SVG and XML files are not accepted; send a PDF instead."},
        )
    return _stored_name(upload.name, content_type)
