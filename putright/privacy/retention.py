"""The daily retention job: past each record type's period, personal data is anonymised (or,
for access logs, removed); the figures every report needs stay, and a legal hold stops it."""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from putright.accounts.actors import Actor

from .anonymise import (
    Done,
    _model,
    _wipe,
    anonymisable_people,
    anonymise_cases,
    anonymise_person_records,
    held_case_ids,
    moment,
)
from .models import Anonymised, RetentionRun
from .registry import CASE_RECORDS, OTHER_RECORDS
from .schedule import periods_for

RETENTION = Actor.system("retention schedule")
REASON = "Past the retention period for {label} ({months} months from {counted_from})."
BATCH = 2000


def _closed_before(organisation_id: int, cutoff: datetime.date) -> list[int]:
    from putright.cases.models import Case

    return list(
        Case.objects.filter(
            organisation_id=organisation_id,
            closed_at__isnull=False,
            closed_at__lt=moment(cutoff),
        ).values_list("pk", flat=True)
    )


def apply_retention(
    organisation: Any, *, today: datetime.date | None = None, dry_run: bool = False
) -> RetentionRun:
    """Anonymise what an organisation holds past its periods; a dry run only counts."""
    today = today or timezone.localdate()
    periods = periods_for(organisation.pk)
    run = RetentionRun(organisation=organisation, started_at=timezone.now(), dry_run=dry_run)
    counts: dict[str, Any] = {"periods": {k: p.months for k, p in periods.items()}}
    done = Done()
    with transaction.atomic():
        # Records that follow their case: the case's closure starts their period.
        by_type: dict[str, list[int]] = {}
        for record_type in ("closed_cases", "letters", "files", "hazards"):
            period = periods[record_type]
            ids = _closed_before(organisation.pk, period.cutoff(today))
            held = held_case_ids(ids)
            if record_type == "closed_cases":
                finished = set(
                    Anonymised.objects.filter(case_id__in=ids).values_list("case_id", flat=True)
                )
                ids = [pk for pk in ids if pk not in finished]
            by_type[record_type] = [pk for pk in ids if pk not in held]
            counts[f"{record_type}_held"] = len(held)
        counts["cases_due"] = len(by_type["closed_cases"])
        if not dry_run:
            for record_type, ids in by_type.items():
                period = periods[record_type]
                reason = REASON.format(
                    label=period.label.lower(),
                    months=period.months,
                    counted_from=period.counted_from,
                )
                for start in range(0, len(ids), BATCH):
                    done.add(
                        anonymise_cases(
                            ids[start : start + BATCH],
                            basis="retention",
                            reason=reason,
                            actor=RETENTION,
                            record_types=[record_type],
                        )
                    )
            # Records with their own start: survey comments, mail dealt with, access logs.
            for entry in (*CASE_RECORDS, *OTHER_RECORDS):
                if not entry.since or entry.case not in (None, "case"):
                    continue
                model = _model(entry)
                if model is None:
                    continue
                cutoff = moment(periods[entry.record_type].cutoff(today))
                rows = model._default_manager.filter(**{f"{entry.since}__lt": cutoff})
                if any(f.name == "organisation" for f in model._meta.get_fields()):
                    rows = rows.filter(organisation=organisation)
                elif entry.case == "case":
                    rows = rows.filter(case__organisation=organisation)
                    rows = rows.exclude(
                        case_id__in=held_case_ids(rows.values_list("case_id", flat=True))
                    )
                elif entry.model == "accounts.AccessLog":
                    rows = _access_logs_of(organisation, rows)
                else:
                    continue
                _wipe(entry, rows, done)
            # Restrictions ended long enough ago.
            from putright.people.models import Person

            people = list(
                Person.objects.filter(organisation=organisation).values_list("pk", flat=True)
            )
            done.add(
                anonymise_person_records(
                    people,
                    record_types=["restrictions"],
                    since_before=periods["restrictions"].cutoff(today),
                )
            )
            # People with nothing left that keeps them.
            customers = list(
                apps.get_model("cases", "Case")
                .objects.filter(pk__in=done.cases)
                .values_list("customer_id", flat=True)
                .distinct()
            )
            free = anonymisable_people([pk for pk in customers if pk])
            if free:
                done.add(anonymise_person_records(free))
        counts.update(done.as_dict())
        run.counts = counts
        run.finished_at = timezone.now()
        run.save()
    return run


def _access_logs_of(organisation: Any, rows: Any) -> Any:
    """Access logs name a case by reference: an organisation's are those of its cases."""
    from putright.cases.models import Case

    references = Case.objects.filter(organisation=organisation).values("reference")
    return rows.filter(case_reference__in=references)


def apply_retention_everywhere(*, today: datetime.date | None = None) -> list[RetentionRun]:
    """The daily job: every organisation in turn, each in its own transaction."""
    from putright.organisations.models import Organisation

    return [apply_retention(o, today=today) for o in Organisation.objects.order_by("pk")]
