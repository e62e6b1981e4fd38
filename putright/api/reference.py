"""Organisations, policy packs and people."""

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from putright.accounts.access import (
    NotVisibleError,
    organisations_for,
    people_visible_to,
    record_access,
    require_organisation_role,
)
from putright.accounts.models import User
from putright.cases.services import Actor
from putright.domain.compliance import check_against_code
from putright.domain.errors import UnknownPackError
from putright.organisations.models import Organisation
from putright.people.models import Person, Tenure
from putright.people.services import check_email, person_create
from putright.policies.presenters import pack_summary
from putright.policies.registry import code_pack, pack_registry

from .people import RestrictionOut, restrictions_of
from .schemas import (
    In,
    OrganisationOut,
    PersonIn,
    PersonOut,
    PolicyCheckOut,
    PolicySummaryOut,
    Text,
    errors,
)

router = Router(tags=["reference"])


def valid_email(email: str | None, field: str) -> None:
    """Refuse (400) an e-mail address that is not one, by the people service's rule."""
    check_email(email or "", field=field)


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def organisation_out(organisation: Organisation) -> OrganisationOut:
    homes = organisation.homes.values_list("homes", flat=True).first()
    return OrganisationOut(
        slug=organisation.slug,
        name=organisation.name,
        policy=organisation.policy_pack,
        calendar_region=organisation.calendar_region,
        cutoff_time=organisation.cutoff_time.strftime("%H:%M"),
        ombudsman_route=organisation.ombudsman_route,
        parent=organisation.parent.slug if organisation.parent else None,
        homes=homes,
    )


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **errors()},
    operation_id="organisations_list",
)
def organisations_list(request: HttpRequest) -> list[OrganisationOut]:
    """The organisations you work for."""
    return [
        organisation_out(o) for o in organisations_for(user_of(request)).select_related("parent")
    ]


@router.get(
    "/organisations/{slug}",
    response={200: OrganisationOut, **errors(404)},
    operation_id="organisations_get",
)
def organisations_get(request: HttpRequest, slug: Text) -> OrganisationOut:
    organisation = organisations_for(user_of(request)).filter(slug=slug).first()
    if organisation is None:
        raise NotVisibleError(f"There is no organisation {slug} that you work for.")
    return organisation_out(organisation)


@router.get(
    "/policies", response={200: list[PolicySummaryOut], **errors()}, operation_id="policies_list"
)
def policies_list(request: HttpRequest) -> list[dict[str, object]]:
    """Every policy pack this installation knows."""
    return [pack_summary(p) for p in pack_registry().all()]


def _pack(pack_id: str):  # type: ignore[no-untyped-def]
    try:
        return pack_registry().get(pack_id)
    except UnknownPackError as error:
        raise NotVisibleError(str(error)) from None


@router.get("/policies/{pack_id}", response={200: dict, **errors(404)}, operation_id="policies_get")
def policies_get(request: HttpRequest, pack_id: Text) -> dict[str, object]:
    """The whole pack as data."""
    data: dict[str, object] = _pack(pack_id).model_dump(mode="json")
    return data


@router.get(
    "/policies/{pack_id}/check",
    response={200: PolicyCheckOut, **errors(404)},
    operation_id="policies_check",
)
def policies_check(request: HttpRequest, pack_id: Text) -> dict[str, object]:
    """The pack compared with the Housing Ombudsman's Code (2024)."""
    pack = _pack(pack_id)
    return {
        "pack": pack.id,
        "findings": [f.as_dict() for f in check_against_code(pack, code_pack())],
    }


class PeopleFilter(In):
    organisation: str | None = None
    q: str | None = None


def person_out(person: Person, *, redacted: bool = False) -> dict[str, object]:
    """A customer as ``PersonOut`` shows them (a plain dict: it is validated on the way out).

    Redacted: who they are and nothing else, for a reader who may not see personal data.
    """
    if redacted:
        return {
            "id": person.pk,
            "organisation": person.organisation.slug,
            "name": person.name,
            "redacted": True,
        }
    return {
        "id": person.pk,
        "organisation": person.organisation.slug,
        "name": person.name,
        "email": person.email,
        "phone": person.phone,
        "address": person.address,
        "postcode": person.postcode,
        "preferred_contact": person.preferred_contact,
        "tenure": person.tenure,
        "accessibility_needs": person.accessibility_needs,
        "reasonable_adjustments": person.reasonable_adjustments,
        "redacted": False,
    }


@router.get("/people", response={200: list[PersonOut], **errors()}, operation_id="people_list")
def people_list(request: HttpRequest, filters: Query[PeopleFilter]) -> list[dict[str, object]]:
    """Customers of your organisations (at most 100), by name, e-mail or postcode."""
    user = user_of(request)
    people = Person.objects.filter(organisation_id__in=people_visible_to(user)).select_related(
        "organisation"
    )
    if filters.organisation:
        people = people.filter(organisation__slug=filters.organisation)
    if filters.q:
        people = people.filter(
            Q(name__icontains=filters.q)
            | Q(email__icontains=filters.q)
            | Q(postcode__icontains=filters.q)
        )
    found = [person_out(p) for p in people.order_by("name", "pk")[:100]]
    if found:
        record_access(
            user, "searched customer records", detail=f"{len(found)} people, query {filters.q!r}"
        )
    return found


class PersonDetailOut(PersonOut):
    restrictions: list[RestrictionOut] = []


@router.get(
    "/people/{person_id}", response={200: PersonDetailOut, **errors(404)}, operation_id="people_get"
)
def people_get(request: HttpRequest, person_id: int) -> dict[str, object]:
    """A customer's record with their contact details and their warnings and restrictions,
    each with its deadlines explained (the read is recorded)."""
    user = user_of(request)
    person = get_object_or_404(
        Person.objects.select_related("organisation"),
        pk=person_id,
        organisation_id__in=people_visible_to(user),
    )
    record_access(user, "read customer record", detail=f"{person.name} (person {person.pk})")
    return {**person_out(person), "restrictions": restrictions_of(person)}


@router.post("/people", response={201: PersonOut, **errors(403, 404)}, operation_id="people_create")
def people_create(request: HttpRequest, payload: PersonIn) -> Status[dict[str, object]]:
    user = user_of(request)
    organisation = organisations_for(user).filter(slug=payload.organisation).first()
    if organisation is None:
        raise NotVisibleError(f"You do not work for {payload.organisation}.")
    require_organisation_role(user, organisation, "receive")
    person = person_create(
        organisation=organisation,
        name=payload.name,
        email=payload.email or "",
        phone=payload.phone or "",
        address=payload.address or "",
        postcode=payload.postcode or "",
        preferred_contact=payload.preferred_contact or "",
        tenure=payload.tenure or Tenure.UNKNOWN,
        accessibility_needs=payload.accessibility_needs or "",
        actor=Actor(user),
    )
    return Status(201, person_out(person))
