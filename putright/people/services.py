"""Every change to a customer, their representatives and their contact restrictions.

Each interface (the API, "Record a contact", the resident portal, the admin) creates and
changes people through these functions, so that one set of defaults and checks holds:

- a person has a name; an e-mail address, if given, is one;
- the postcode is kept in one form (``normalise_postcode``);
- with no preferred way of contact given, it is e-mail if there is an e-mail address, else
  phone if there is a phone number, else letter;
- a legal representative needs no written authority; anyone else starts with it
  requested, unless it is already held;
- every change is an entry in the person's history (record type ``"person"``), which
  names the fields changed but never keeps the old values of contact details.

Errors are ``CaseInputError`` with ``fields``, so every interface shows each beside its field.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from putright.accounts.actors import Actor
from putright.accounts.models import User
from putright.errors import CaseInputError
from putright.organisations.models import Organisation
from putright.timeline.services import record_event

from .models import (
    Authority,
    ContactMethod,
    ContactRestriction,
    Person,
    Relationship,
    Representative,
    RestrictionLevel,
    Tenure,
)

#: The record type of a person's history in the timeline.
RECORD_TYPE = "person"

# The kinds of entry in a person's history.
PERSON_CREATED = "person_created"
PERSON_CHANGED = "person_changed"
REPRESENTATIVE_ADDED = "representative_added"
REPRESENTATIVE_CHANGED = "representative_changed"
RESTRICTION_RECORDED = "restriction_recorded"
RESTRICTION_CHANGED = "restriction_changed"

NO_NAME = "Enter the person's name."
BAD_EMAIL = "The e-mail address is not valid."
NOT_AN_EMAIL = "Not an e-mail address."
POSTCODE_TOO_LONG = "A postcode is at most 10 characters."
BAD_CHOICE = "{value!r} is not one of: {choices}."
NOT_CHANGEABLE = "{field} cannot be changed here."
AUTHORITY_NEEDED = (
    "Only a legal representative may act without the customer's written authority: "
    "record it as requested, or as held once it has arrived."
)
NO_BEHAVIOUR = "Say what happened that the restriction answers."
NO_ARRANGEMENTS = "Say how the customer may contact us meanwhile."
NO_DATE = "Give the date."
REVIEW_BEFORE_START = "The review must be on or after the day it starts."
ENDS_BEFORE_START = "It must end on or after the day it starts."

POSTCODE_MAX = 10

#: What ``person_update`` may change (the organisation and anonymisation are not changes
#: of a customer's details).
PERSON_FIELDS = frozenset(
    {
        "name",
        "email",
        "phone",
        "address",
        "postcode",
        "property_reference",
        "preferred_contact",
        "contact_times",
        "tenure",
        "accessibility_needs",
        "reasonable_adjustments",
        "equality_consent",
        "equality_data",
    }
)
REPRESENTATIVE_FIELDS = frozenset(
    {"name", "relationship", "authority", "email", "phone", "address"}
)
RESTRICTION_FIELDS = frozenset(
    {
        "level",
        "behaviour",
        "arrangements",
        "starts_on",
        "review_on",
        "ends_on",
        "decided_by",
        "appeal",
    }
)


# -- the rules every function shares --------------------------------------------------


def normalise_postcode(text: str) -> str:
    """Upper-case, one space before the inward code (``so147ff``: ``SO14 7FF``); else only trimmed."""
    compact = "".join(text.split()).upper()
    if 5 <= len(compact) <= 7 and compact[-3].isdigit() and compact[-2:].isalpha():
        return f"{compact[:-3]} {compact[-3:]}"
    return " ".join(text.split()).upper()


def check_email(email: str, *, field: str = "email") -> str:
    """The address trimmed; refused, naming ``field``, if it is not an e-mail address (blank is allowed)."""
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise CaseInputError(BAD_EMAIL, fields={field: NOT_AN_EMAIL}) from None
    return email


def default_contact(*, email: str, phone: str) -> str:
    """With no preference given: e-mail if there is an address, else phone if a number, else letter."""
    if email:
        return ContactMethod.EMAIL
    if phone:
        return ContactMethod.PHONE
    return ContactMethod.LETTER


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise CaseInputError(NO_NAME, fields={"name": NO_NAME})
    return name


def _postcode(text: str) -> str:
    postcode = normalise_postcode(text)
    if len(postcode) > POSTCODE_MAX:
        raise CaseInputError(POSTCODE_TOO_LONG, fields={"postcode": POSTCODE_TOO_LONG})
    return postcode


def _choice(field: str, value: str, choices: Iterable[str]) -> str:
    allowed = list(choices)
    if value not in allowed:
        message = BAD_CHOICE.format(value=value, choices=", ".join(allowed))
        raise CaseInputError(message, fields={field: message})
    return value


def _record(person: Person, kind: str, actor: Actor, data: dict[str, Any]) -> None:
    record_event(
        record_type=RECORD_TYPE,
        record_id=person.pk,
        organisation=person.organisation,
        kind=kind,
        actor=actor,
        data=data,
    )


def _not_changeable(fields: Iterable[str], allowed: frozenset[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        message = NOT_CHANGEABLE.format(field=unknown[0])
        raise CaseInputError(message, fields={unknown[0]: message})


# -- people -------------------------------------------------------------------------


@transaction.atomic
def person_create(
    *,
    organisation: Organisation,
    name: str,
    email: str = "",
    phone: str = "",
    address: str = "",
    postcode: str = "",
    preferred_contact: str = "",
    tenure: str = Tenure.UNKNOWN,
    accessibility_needs: str = "",
    contact_times: str = "",
    property_reference: str = "",
    reasonable_adjustments: str = "",
    actor: Actor,
) -> Person:
    """A new customer: named, any e-mail valid, postcode normalised, contact by ``default_contact``."""
    email = check_email(email)
    phone = phone.strip()
    person = Person.objects.create(
        organisation=organisation,
        name=_name(name),
        email=email,
        phone=phone,
        address=address.strip(),
        postcode=_postcode(postcode),
        preferred_contact=_choice(
            "preferred_contact",
            preferred_contact or default_contact(email=email, phone=phone),
            ContactMethod.values,
        ),
        tenure=_choice("tenure", tenure or Tenure.UNKNOWN, Tenure.values),
        accessibility_needs=accessibility_needs.strip(),
        contact_times=contact_times.strip(),
        property_reference=property_reference.strip(),
        reasonable_adjustments=reasonable_adjustments.strip(),
    )
    given = [
        field
        for field in sorted(PERSON_FIELDS)
        if field not in ("name", "preferred_contact", "tenure") and getattr(person, field)
    ]
    _record(
        person,
        PERSON_CREATED,
        actor,
        {
            "fields": given,
            "preferred_contact": person.preferred_contact,
            "tenure": person.tenure,
        },
    )
    return person


def _person_value(person: Person, field: str, value: Any, changes: dict[str, Any]) -> Any:
    """A changed value in the form it is kept, checked as ``person_create`` checks it."""
    if field == "name":
        return _name(str(value))
    if field == "email":
        return check_email(str(value or ""))
    if field == "postcode":
        return _postcode(str(value or ""))
    if field == "preferred_contact":
        if not value:
            return default_contact(
                email=check_email(str(changes.get("email", person.email) or "")),
                phone=str(changes.get("phone", person.phone) or "").strip(),
            )
        return _choice(field, str(value), ContactMethod.values)
    if field == "tenure":
        return _choice(field, str(value or Tenure.UNKNOWN), Tenure.values)
    if field == "equality_consent":
        return bool(value)
    if field == "equality_data":
        return dict(value or {})
    return str(value or "").strip()


@transaction.atomic
def person_update(*, person: Person, actor: Actor, **changes: Any) -> Person:
    """Change only the fields given, checked as on creation; the entry names them, not their old values."""
    _not_changeable(changes, PERSON_FIELDS)
    # Compared with the person as stored (an admin form has already set its values).
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=person.pk)
    )
    changed = []
    for field in sorted(changes):
        value = _person_value(person, field, changes[field], changes)
        if value != getattr(person, field):
            setattr(person, field, value)
            changed.append(field)
    if changed:
        person.save(update_fields=changed)
        _record(person, PERSON_CHANGED, actor, {"fields": changed})
    return person


# -- representatives ----------------------------------------------------------------


def representative_authority(relationship: str, authority: str | None = None) -> str:
    """A legal representative needs no written authority; anyone else starts as requested unless held."""
    if relationship == Relationship.LEGAL_REPRESENTATIVE:
        return Authority.NOT_NEEDED
    if not authority:
        return Authority.REQUESTED
    if authority == Authority.NOT_NEEDED:
        raise CaseInputError(AUTHORITY_NEEDED, fields={"authority": AUTHORITY_NEEDED})
    return _choice("authority", authority, Authority.values)


@transaction.atomic
def representative_create(
    *,
    person: Person,
    name: str,
    relationship: str,
    authority: str | None = None,
    email: str = "",
    phone: str = "",
    address: str = "",
    actor: Actor,
) -> Representative:
    """Someone who acts for the customer, with authority by ``representative_authority``."""
    relationship = _choice("relationship", relationship, Relationship.values)
    representative = Representative.objects.create(
        person=person,
        name=_name(name),
        relationship=relationship,
        authority=representative_authority(relationship, authority),
        email=check_email(email),
        phone=phone.strip(),
        address=address.strip(),
    )
    _record(
        person,
        REPRESENTATIVE_ADDED,
        actor,
        {
            "representative_id": representative.pk,
            "relationship": representative.relationship,
            "authority": representative.authority,
        },
    )
    return representative


@transaction.atomic
def representative_change(
    *, representative: Representative, actor: Actor, **changes: Any
) -> Representative:
    """Change only the fields given, authority by ``representative_authority``; the entry names them."""
    _not_changeable(changes, REPRESENTATIVE_FIELDS)
    representative = (
        Representative.objects.select_for_update(of=("self",))
        .select_related("person__organisation")
        .get(pk=representative.pk)
    )
    values: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "name":
            values[field] = _name(str(value))
        elif field == "email":
            values[field] = check_email(str(value or ""))
        elif field == "relationship":
            values[field] = _choice(field, str(value), Relationship.values)
        elif field != "authority":
            values[field] = str(value or "").strip()
    relationship = values.get("relationship", representative.relationship)
    if "authority" in changes or "relationship" in changes:
        authority = changes.get("authority", representative.authority)
        if "authority" not in changes and authority == Authority.NOT_NEEDED:
            authority = None  # no longer a legal representative: authority is requested again
        values["authority"] = representative_authority(relationship, authority)
    changed = sorted(f for f, v in values.items() if v != getattr(representative, f))
    if changed:
        for field in changed:
            setattr(representative, field, values[field])
        representative.save(update_fields=changed)
        _record(
            representative.person,
            REPRESENTATIVE_CHANGED,
            actor,
            {
                "representative_id": representative.pk,
                "fields": changed,
                "authority": representative.authority,
            },
        )
    return representative


# -- contact restrictions -----------------------------------------------------------


def _check_restriction(restriction: ContactRestriction) -> None:
    """What every restriction needs: a level, what happened, the arrangements, dates in order."""
    problems: dict[str, str] = {}
    if restriction.level not in RestrictionLevel.values:
        problems["level"] = BAD_CHOICE.format(
            value=restriction.level, choices=", ".join(RestrictionLevel.values)
        )
    if not restriction.behaviour.strip():
        problems["behaviour"] = NO_BEHAVIOUR
    if not restriction.arrangements.strip():
        problems["arrangements"] = NO_ARRANGEMENTS
    for field in ("starts_on", "review_on"):
        if not isinstance(getattr(restriction, field), datetime.date):
            problems[field] = NO_DATE
    if not problems:
        if restriction.review_on < restriction.starts_on:
            problems["review_on"] = REVIEW_BEFORE_START
        if restriction.ends_on is not None and restriction.ends_on < restriction.starts_on:
            problems["ends_on"] = ENDS_BEFORE_START
    if problems:
        raise CaseInputError(next(iter(problems.values())), fields=problems)


def _restriction_dates(restriction: ContactRestriction) -> dict[str, Any]:
    return {
        "restriction_id": restriction.pk,
        "level": restriction.level,
        "starts_on": restriction.starts_on.isoformat(),
        "review_on": restriction.review_on.isoformat(),
        "ends_on": restriction.ends_on.isoformat() if restriction.ends_on else None,
    }


@transaction.atomic
def restriction_record(
    *,
    person: Person,
    level: str,
    behaviour: str,
    arrangements: str,
    starts_on: datetime.date,
    review_on: datetime.date,
    ends_on: datetime.date | None = None,
    appeal: str = "",
    decided_by: User | None = None,
    actor: Actor,
) -> ContactRestriction:
    """A warning or restriction on how the customer may contact us; decided by the actor unless named."""
    restriction = ContactRestriction(
        person=person,
        level=level,
        behaviour=behaviour.strip(),
        arrangements=arrangements.strip(),
        starts_on=starts_on,
        review_on=review_on,
        ends_on=ends_on,
        appeal=appeal.strip(),
        decided_by=decided_by or actor.user,
    )
    _check_restriction(restriction)
    restriction.save()
    _record(
        person,
        RESTRICTION_RECORDED,
        actor,
        {**_restriction_dates(restriction), "decided_by_id": restriction.decided_by_id},
    )
    return restriction


@transaction.atomic
def restriction_change(
    *, restriction: ContactRestriction, actor: Actor, **changes: Any
) -> ContactRestriction:
    """Change only the fields given (lifted: an end date), checked as when recorded; the entry names them."""
    _not_changeable(changes, RESTRICTION_FIELDS)
    locked = (
        ContactRestriction.objects.select_for_update(of=("self",))
        .select_related("person__organisation", "decided_by")
        .get(pk=restriction.pk)
    )
    changed = []
    for field in sorted(changes):
        value = changes[field]
        if field in ("behaviour", "arrangements", "appeal"):
            value = str(value or "").strip()
        current = locked.decided_by if field == "decided_by" else getattr(locked, field)
        if value != current:
            setattr(locked, field, value)
            changed.append(field)
    if changed:
        _check_restriction(locked)
        locked.save(update_fields=changed)
        _record(
            locked.person,
            RESTRICTION_CHANGED,
            actor,
            {**_restriction_dates(locked), "fields": changed},
        )
    return locked


__all__ = [
    "RECORD_TYPE",
    "check_email",
    "default_contact",
    "normalise_postcode",
    "person_create",
    "person_update",
    "representative_authority",
    "representative_change",
    "representative_create",
    "restriction_change",
    "restriction_record",
]
