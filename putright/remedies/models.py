"""Remedies, the actions that put things right, and compensation awards with their parts."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from putright.domain.calendar import describe


class RemedyKind(models.TextChoices):
    """The remedies the Code lists (section 7)."""

    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledging where things went wrong"
    APOLOGY = "apology", "An apology"
    EXPLANATION = "explanation", "An explanation"
    ACTION = "action", "Taking action, now or in future"
    RECONSIDERED_DECISION = "reconsidered_decision", "Reconsidering or changing a decision"
    AMENDED_RECORD = "amended_record", "Amending a record"
    CHANGED_POLICY = "changed_policy", "Changing a policy or procedure"
    FINANCIAL = "financial", "A financial remedy"


class Remedy(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="remedies")
    issue = models.ForeignKey(
        "cases.CaseIssue", null=True, blank=True, on_delete=models.PROTECT, related_name="remedies"
    )
    kind = models.CharField(max_length=30, choices=RemedyKind.choices)
    description = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "remedies"

    def __str__(self) -> str:
        return f"{self.case}: {self.get_kind_display()}"


class RemedyAction(models.Model):
    """Something to do to put things right, with an owner, a due date and evidence it was done."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="remedy_actions")
    remedy = models.ForeignKey(
        Remedy, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="remedy_actions"
    )
    due_on = models.DateField(db_index=True)
    completed_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    overdue_alerted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case}: {self.description[:40]} by {describe(self.due_on)}"


class AwardStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Approval refused"
    OFFERED = "offered", "Offered to the customer"
    ACCEPTED = "accepted", "Accepted by the customer"
    REFUSED = "refused", "Refused by the customer"
    PAID = "paid", "Paid"


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    CHEQUE = "cheque", "Cheque"
    RENT_CREDIT = "rent_credit", "Credit to the rent account"
    VOUCHER = "voucher", "Voucher"
    NON_CASH = "non_cash", "Non-cash alternative"


class Award(models.Model):
    """A compensation award: its parts, its approval, the offer, the answer and the payment."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="awards")
    stage = models.CharField(max_length=60)
    status = models.CharField(max_length=30, choices=AwardStatus.choices)
    total_pence = models.PositiveIntegerField()
    reasoning = models.TextField(help_text="Why this amount: stated in the letter.")
    approval_by = models.CharField(
        max_length=60, blank=True, help_text="Pack role that must approve."
    )
    full_and_final = models.BooleanField(default=False)
    suggestion = models.JSONField(
        default=dict,
        blank=True,
        help_text="The calculator's range for time, trouble and distress when it was proposed.",
    )
    guidance = models.JSONField(
        default=dict,
        blank=True,
        help_text="The ombudsman's figure for the losses recorded when it was proposed.",
    )
    below_guidance_reason = models.TextField(
        blank=True,
        help_text="Why the proposer offered less than the ombudsman's figure (blank: not below).",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=20, choices=PaymentMethod.choices, blank=True)
    arrears_offset_pence = models.PositiveIntegerField(default=0)
    paid_pence = models.PositiveIntegerField(default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    ordered_by_ombudsman = models.BooleanField(
        default=False,
        help_text="Ordered by the Ombudsman: paid once, with no approval or acceptance.",
    )

    class Meta:
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(arrears_offset_pence__lte=models.F("total_pence")),
                name="offset_within_award",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: £{self.total_pence / 100:.2f} ({self.get_status_display()})"


class ComponentKind(models.TextChoices):
    TIME_TROUBLE_DISTRESS = "time_trouble_distress", "Time, trouble and distress"
    FINANCIAL_LOSS = "financial_loss", "Financial loss"
    STATUTORY = "statutory", "Statutory payment (Right to Repair)"
    GOODWILL = "goodwill", "Goodwill payment"
    NON_CASH = "non_cash", "Non-cash alternative"


class AwardComponent(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(max_length=30, choices=ComponentKind.choices)
    amount_pence = models.PositiveIntegerField()
    band = models.CharField(max_length=60, blank=True)
    description = models.CharField(max_length=500, blank=True)
    evidence = models.TextField(blank=True, help_text="Receipts, quotes, what shows the loss.")
    days_late = models.PositiveIntegerField(null=True, blank=True, help_text="Right to Repair.")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: £{self.amount_pence / 100:.2f}"


class Loss(models.Model):
    """A loss recorded on a case (days without heating or power, a missed appointment).

    ``kind`` is the id of a fixed sum in the ombudsman's remedies guidance; a period runs
    from ``started_on`` to ``ended_on`` inclusive (blank while it goes on), an occasion is
    the one day ``started_on``. A loss recorded in error is withdrawn, never deleted: the
    calculator leaves it out from then on.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="losses")
    kind = models.CharField(max_length=60)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True, help_text="Why it was recorded in error.")

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="loss_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.kind} from {describe(self.started_on)}"

    @property
    def label(self) -> str:
        """The loss as the remedies guidance names it ("Complete loss of heating")."""
        from .guidance import loss_kinds

        return dict(loss_kinds()).get(self.kind, self.kind.replace("_", " ").capitalize())
