"""One-time codes that let a resident follow their case without an account.

A resident gives the case reference and the e-mail address or phone number on the case
(the customer's, or that of whoever acts for them). If they match, a 6-digit code goes
to that address or phone. Only a salted hash of the code is kept; it lasts 15 minutes
and allows 5 attempts. Whether the reference exists is never revealed.
"""

from __future__ import annotations

import datetime
import logging
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from putright.cases.models import Case

from .models import CodeChannel, FollowerRole, OneTimeCode
from .sms import SMSError, send_sms

CODE_LIFETIME = datetime.timedelta(minutes=15)
MAX_ATTEMPTS = 5
ACCESS_LIFETIME = datetime.timedelta(minutes=30)
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Match:
    case: Case
    channel: str
    role: str
    to: str


class Verdict(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"


def phone_digits(value: str) -> str:
    """A UK phone number as digits with a leading 0: ``+44 7700 900123`` -> ``07700900123``."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("44") and len(digits) >= 12:
        digits = "0" + digits[2:]
    return digits


def find_match(reference: str, contact: str) -> Match | None:
    """The case and where to send its code, when the contact is one recorded on the case."""
    reference = reference.strip().upper()
    contact = contact.strip()
    if not reference or not contact:
        return None
    case = (
        Case.objects.select_related("customer", "representative", "organisation")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        return None
    people = [
        (case.customer, FollowerRole.CUSTOMER),
        (case.representative, FollowerRole.REPRESENTATIVE),
    ]
    if "@" in contact:
        for who, role in people:
            if who is not None and who.email and who.email.strip().lower() == contact.lower():
                return Match(case, CodeChannel.EMAIL, role, who.email)
        return None
    wanted = phone_digits(contact)
    if len(wanted) < 10:
        return None
    for who, role in people:
        if who is not None and who.phone and phone_digits(who.phone) == wanted:
            return Match(case, CodeChannel.SMS, role, who.phone)
    return None


def _hash(salt: str, code: str) -> str:
    return salted_hmac(
        "putright.portal.one-time-code", f"{salt}:{code}", algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def issue_code(match: Match) -> OneTimeCode:
    """A new code for the case (earlier ones stop working), sent by e-mail or text message."""
    now = timezone.now()
    OneTimeCode.objects.filter(case=match.case, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    salt = secrets.token_hex(16)
    record = OneTimeCode.objects.create(
        case=match.case,
        channel=match.channel,
        role=match.role,
        salt=salt,
        code_hash=_hash(salt, code),
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )
    organisation = match.case.organisation.name
    reference = match.case.reference
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    try:
        if match.channel == CodeChannel.EMAIL:
            send_mail(
                subject=f"Your code to follow {reference}",
                message=(
                    f"Your code is {code}\n\n"
                    f"Enter it to see your case {reference} with {organisation}. "
                    f"The code works for {minutes} minutes.\n\n"
                    "If you did not ask for this code, you can ignore this e-mail. "
                    "Nobody can see your case without it."
                ),
                from_email=None,
                recipient_list=[match.to],
            )
        else:
            send_sms(
                match.to,
                f"Your code to see case {reference} with {organisation} is {code}. "
                f"It works for {minutes} minutes.",
            )
    except (OSError, SMSError):
        # The resident sees the same page either way; they can ask for another code.
        logger.exception("could not send a one-time code for case %s", match.case.pk)
    return record


@transaction.atomic
def check_code(code_id: int, entered: str) -> tuple[Verdict, OneTimeCode | None, int]:
    """Whether the code entered is right, and how many tries are left."""
    record = OneTimeCode.objects.select_for_update().filter(pk=code_id).first()
    now = timezone.now()
    if record is None or record.used_at is not None or now >= record.expires_at:
        return Verdict.EXPIRED, None, 0
    if record.attempts >= MAX_ATTEMPTS:
        return Verdict.LOCKED, None, 0
    record.attempts += 1
    left = MAX_ATTEMPTS - record.attempts
    if constant_time_compare(_hash(record.salt, entered.strip()), record.code_hash):
        record.used_at = now
        record.save(update_fields=["attempts", "used_at"])
        return Verdict.OK, record, left
    record.save(update_fields=["attempts"])
    return (Verdict.LOCKED if left <= 0 else Verdict.WRONG), None, left
