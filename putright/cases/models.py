"""A case, its issues, its links, its append-only chronology and the sweep's bookkeeping."""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.query import ModelIterable


class Kind(models.TextChoices):
    COMPLAINT = "complaint", "Complaint"
    DISSATISFACTION = "dissatisfaction", "Dissatisfaction (informal)"
    COMPLIMENT = "compliment", "Compliment"
    COMMENT = "comment", "Comment"
    SUGGESTION = "suggestion", "Suggestion"
    MP_ENQUIRY = "mp_enquiry", "MP or councillor enquiry"
    PETITION = "petition", "Petition"
    SERVICE_REQUEST = "service_request", "Service request"


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Letter"
    WEB_FORM = "web_form", "Web form"
    SOCIAL_MEDIA = "social_media", "Social media"
    IN_PERSON = "in_person", "In person"
    MP_COUNCILLOR = "mp_councillor", "Via an MP or councillor"
    OMBUDSMAN = "ombudsman", "Via the ombudsman"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    AWAITING_ESCALATION = "awaiting_escalation", "Responded: escalation window open"
    CLOSED = "closed", "Closed"


class Eligibility(models.TextChoices):
    PENDING = "pending", "Not yet decided"
    ACCEPTED = "accepted", "Accepted"
    REFUSED = "refused", "Refused"


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"


class ClosureReason(models.TextChoices):
    RESOLVED = "resolved", "Resolved"
    WITHDRAWN = "withdrawn", "Withdrawn by the customer"
    NO_CONTACT = "no_contact", "No further contact after the response"
    INFORMATION_NOT_PROVIDED = "information_not_provided", "Information not provided"
    WINDOW_LAPSED = "window_lapsed", "Escalation window lapsed"
    REFUSED = "refused", "Not accepted under the policy"
    REDIRECTED = "redirected", "Redirected: not a complaint"
    NO_RESPONSE_NEEDED = "no_response_needed", "Recorded; no response needed"


CLOSED_STAGE = "closed"


class DueOrLast(models.Func):
    """A case's next due date, or 9999-12-31 when nothing is due: undated cases sort last.

    The queues sort and filter by this expression and an index holds it. Its constant is
    written into the SQL rather than passed as a parameter, so that SQLite recognises the
    expression in a query as the indexed one (a ``nulls_last`` sort cannot use an index).
    """

    function = "COALESCE"
    template = "%(function)s(%(expressions)s, '9999-12-31')"
    output_field = models.DateField()

    def __init__(self, expression: Any = "next_due_on", **extra: Any) -> None:
        super().__init__(expression, **extra)


class Case(models.Model):
    """One matter raised by a customer, handled under its organisation's policy pack."""

    reference = models.CharField(max_length=30, unique=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # leads the composite indexes below
    )
    policy_pack = models.CharField(max_length=60, help_text="The pack the case is handled under.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField()
    deemed_received_on = models.DateField()
    matter_occurred_on = models.DateField(
        null=True, blank=True, help_text="When what the customer complains about happened."
    )
    summary = models.CharField(max_length=300)
    details = models.TextField(blank=True)
    desired_outcome = models.TextField(blank=True)
    service_area = models.CharField(max_length=100, blank=True)
    category = models.CharField(max_length=100, blank=True)
    customer = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    representative = models.ForeignKey(
        "people.Representative",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    health_and_safety = models.BooleanField(default=False)
    safeguarding = models.BooleanField(default=False)
    vulnerability = models.BooleanField(default=False)
    conduct = models.BooleanField(
        default=False, help_text="About the conduct of staff or board members: restricted."
    )
    anonymous = models.BooleanField(default=False)
    stage = models.CharField(max_length=60, help_text="A stage id of the pack, or 'closed'.")
    route = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.OPEN)
    eligibility = models.CharField(
        max_length=10, choices=Eligibility.choices, default=Eligibility.PENDING
    )
    eligibility_reason = models.TextField(blank=True)
    closure_reason = models.CharField(max_length=30, choices=ClosureReason.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_cases",
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="investigated_cases",
    )
    investigating_team = models.CharField(max_length=100, blank=True)
    # Derived from the chronology by the deadline engine, kept for queues and the sweep.
    next_due_on = models.DateField(null=True, blank=True, db_index=False)  # indexed below
    next_due_step = models.CharField(max_length=120, blank=True)
    next_action_on = models.DateField(null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "stage"]),
            models.Index(fields=["organisation", "received_at"]),
            models.Index(fields=["organisation", "kind", "received_at"]),  # reports
            # The API's list across organisations, newest first, read in order (backwards).
            models.Index(fields=["received_at", "id"], name="case_newest_first"),
            # The queue in due order without sorting the table's rows. For one organisation
            # SQLite reads the first page in order from the first index; for several it sorts
            # the entries of the third, which hold all it needs, and counts them there, also
            # for a complaint handler, whose visibility reads conduct, handler and
            # investigator; PostgreSQL walks the second. The third also gives the latest due
            # first, nothing due still last (SQLite's own descending order).
            models.Index(F("organisation"), DueOrLast(), F("id"), name="case_queue_by_due"),
            models.Index(DueOrLast(), F("id"), name="case_due_order"),
            models.Index(
                fields=["organisation", "next_due_on", "id", "conduct", "handler", "investigator"],
                name="case_org_next_due",
            ),
            # The same for one kind of case (complaints), and its counts by due date, with the
            # columns of visibility too (and next_due_on, without which SQLite before 3.41
            # reads the table to know DueOrLast).
            models.Index(
                F("organisation"),
                F("kind"),
                DueOrLast(),
                F("id"),
                F("conduct"),
                F("handler"),
                F("investigator"),
                F("next_due_on"),
                name="case_queue_kind_by_due",
            ),
            # My work's cases and a handler's queue, in due order.
            models.Index(F("handler"), DueOrLast(), F("id"), name="case_handler_by_due"),
            # My work's counts over the open cases, read from the index alone.
            models.Index(
                fields=[
                    "organisation",
                    "policy_pack",
                    "stage",
                    "next_due_step",
                    "next_due_on",
                    "handler",
                    "conduct",
                    "status",  # SQLite checks the condition again, on the index with this
                ],
                condition=~Q(status=Status.CLOSED),
                name="case_open_workload",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED


class CaseMember(models.Model):
    """Someone named on a case besides its handler and investigator (e.g. a panel member)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_memberships"
    )
    role = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_member_once")]

    def __str__(self) -> str:
        return f"{self.user} on {self.case} as {self.role}"


class ComplaintPoint(models.Model):
    """One point of the complaint as the landlord understood it, with the outcome the resident
    wants (the complaint definition, Code 5.6): set out at acknowledgement, or added by a
    response. ``number`` is the point's id within the case, the one a response refers to."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="points")
    number = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=60, blank=True)
    description = models.TextField()
    outcome_sought = models.TextField(blank=True)
    added_at_response = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="point_number_once")]

    def __str__(self) -> str:
        return f"{self.case} point {self.number}"


class CaseIssue(models.Model):
    """One issue a complaint raises, with its outcome at each stage it was answered: what was
    found, the decision and its reasons, the remedy and the actions still to do."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="issues")
    number = models.PositiveSmallIntegerField()
    description = models.TextField()
    stage = models.CharField(max_length=60, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    reasons = models.TextField(blank=True)
    point = models.ForeignKey(
        ComplaintPoint, null=True, blank=True, on_delete=models.PROTECT, related_name="answers"
    )
    finding = models.TextField(blank=True)
    remedy = models.TextField(blank=True)
    #: The outstanding actions as the response states them: ``text``, ``owner`` (a name),
    #: ``owner_id``, ``due_on`` (ISO date or None) and ``remedy_action_id`` once tracked.
    actions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="issue_number_once")]

    def __str__(self) -> str:
        return f"{self.case} issue {self.number}"

    @property
    def outstanding(self) -> list[dict[str, Any]]:
        """The actions with their due date as a date (None where none was given)."""
        return [
            {**a, "due": datetime.date.fromisoformat(a["due_on"]) if a.get("due_on") else None}
            for a in self.actions or []
        ]


class LinkKind(models.TextChoices):
    SPLIT_FROM = "split_from", "Split from"
    REPEAT_OF = "repeat_of", "Repeat of"
    RELATED = "related", "Related to"


class CaseLink(models.Model):
    from_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_out")
    to_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_case", "to_case", "kind"], name="link_once"),
            models.CheckConstraint(
                condition=~models.Q(from_case=models.F("to_case")), name="link_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_case} {self.get_kind_display().lower()} {self.to_case}"


class EventKind(models.TextChoices):
    RECEIVED = "received", "Received"
    CLASSIFIED = "classified", "Classified"
    ELIGIBILITY_DECIDED = "eligibility_decided", "Eligibility decided"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ASSIGNED = "assigned", "Assigned"
    INVESTIGATION_REQUESTED = "investigation_requested", "Investigation requested"
    INVESTIGATOR_REPLIED = "investigator_replied", "Investigator replied"
    CHASED = "chased", "Chased"
    ALERTED = "alerted", "Breach alert"
    EXTENDED = "extended", "Extended"
    RESPONDED = "responded", "Responded"
    CONTACTED = "contacted", "Customer contacted"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    INFORMATION_RECEIVED = "information_received", "Information received"
    STEP_DONE = "step_done", "Step done"
    MADE_FORMAL = "made_formal", "Made a formal complaint"
    ESCALATION_REQUESTED = "escalation_requested", "Escalation requested"
    ESCALATION_REFUSED = "escalation_refused", "Escalation refused"
    ROUTE_CHOSEN = "route_chosen", "Route chosen"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SPLIT = "split", "Split"
    LINKED = "linked", "Linked"
    NOTE = "note", "Note"
    FLAG_RAISED = "flag_raised", "Flag raised"
    FLAG_CLEARED = "flag_cleared", "Flag cleared"
    LEGAL_HOLD_PLACED = "legal_hold_placed", "Legal hold placed"
    LEGAL_HOLD_LIFTED = "legal_hold_lifted", "Legal hold lifted"
    ATTACHMENT = "attachment", "Attachment"
    MEMBER_ADDED = "member_added", "Person named on the case"
    LETTER_SENT = "letter_sent", "Letter sent"
    REMEDY_RECORDED = "remedy_recorded", "Remedy recorded"
    ACTION_ADDED = "action_added", "Action to put things right"
    ACTION_COMPLETED = "action_completed", "Action completed"
    ACTION_OVERDUE = "action_overdue", "Action overdue"
    AWARD_PROPOSED = "award_proposed", "Compensation proposed"
    AWARD_APPROVED = "award_approved", "Compensation approved"
    AWARD_REJECTED = "award_rejected", "Compensation approval refused"
    AWARD_OFFERED = "award_offered", "Compensation offered"
    AWARD_ACCEPTED = "award_accepted", "Compensation accepted"
    AWARD_REFUSED = "award_refused", "Compensation refused"
    AWARD_PAID = "award_paid", "Compensation paid"


class PersonalText(models.Model):
    """Someone's words that an event refers to by id (``{"$text": id}`` in its data): kept
    out of the append-only chronology so that erasure and retention can empty them."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()

    def __str__(self) -> str:
        return f"Text {self.pk} of case {self.case_id}"


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("events are append-only; they cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("events are append-only; they cannot be deleted")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Event]:
        if kwargs.get("update_conflicts") or kwargs.get("ignore_conflicts"):
            raise TypeError("events are append-only; they cannot be upserted")
        from .personal_text import store

        objs = list(objs)
        restore = store(objs)
        try:
            return super().bulk_create(objs, *args, **kwargs)
        finally:
            for event, data in restore:
                event.data = data

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._iterable_class is ModelIterable and self._result_cache:
            from .personal_text import resolve

            resolve(self._result_cache)


class Event(models.Model):
    """One fact in a case's chronology. Never updated or deleted.

    Personal data stays out of ``data`` where it can: people are referred to by id.
    """

    # Indexed by the (case, sequence) constraint; a separate index would only slow inserts.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    stage = models.CharField(max_length=60, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField(max_length=100, blank=True, help_text="e.g. 'deadline sweep'")
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["case", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="event_sequence_once")
        ]
        indexes = [models.Index(fields=["kind", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.sequence} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("events are append-only; they cannot be updated")
        from .personal_text import store

        ((_, data),) = store([self])
        try:
            super().save(*args, **kwargs)
        finally:
            self.data = data

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("events are append-only; they cannot be deleted")


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case.reference}/{filename}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def download_name(self) -> str:
        """The name it is downloaded under: the name it was sent with, cleaned, and the
        extension of the type its contents were recognised as (the stored file's), never
        the one it was sent with: ``statement.html`` kept as a PDF downloads as a PDF."""
        stem = clean_file_name(self.name).rsplit(".", 1)[0] or "attachment"
        stored = self.file.name or ""
        extension = "." + stored.rsplit(".", 1)[-1] if "." in stored else ""
        return f"{stem}{extension}"


def clean_file_name(name: str) -> str:
    """A file name without folders, control characters or the invisible ones that reorder
    or hide text (a right-to-left override makes ``invoice<RLO>fdp.exe`` show as
    ``invoiceexe.pdf``)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c for c in base if unicodedata.category(c) not in ("Cc", "Cf"))
    return kept.strip().strip(".")[:200] or "attachment"


class SweepAction(models.Model):
    """An action the deadline sweep took, recorded so that it is taken once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sweep_actions")
    key = models.CharField(max_length=200)
    done_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="sweep_action_once")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.key}"


# -- what residents said of the complaint handling -----------------------------------------


class Satisfaction(models.IntegerChoices):
    """The five-point scale of the Tenant Satisfaction Measures (TP09): 5 is the best."""

    VERY_SATISFIED = 5, "Very satisfied"
    FAIRLY_SATISFIED = 4, "Fairly satisfied"
    NEITHER = 3, "Neither satisfied nor dissatisfied"
    FAIRLY_DISSATISFIED = 2, "Fairly dissatisfied"
    VERY_DISSATISFIED = 1, "Very dissatisfied"


TP09_QUESTION = "How satisfied or dissatisfied are you with our approach to complaints handling?"


class SatisfactionResponse(models.Model):
    """A resident's answer to the TP09 question after their case closed: one per case.

    ``score`` runs from 1 (very dissatisfied) to 5 (very satisfied); TP09 counts 4 and 5
    as satisfied.
    """

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="satisfaction_response"
    )
    score = models.PositiveSmallIntegerField(choices=Satisfaction.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "portal_satisfactionresponse"  # where the portal first kept them
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="satisfaction_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_score_display()}"

    @property
    def satisfied(self) -> bool:
        """Very or fairly satisfied, as TP09 counts it."""
        return self.score >= Satisfaction.FAIRLY_SATISFIED
