"""Where PutRight keeps personal data, record by record: what anonymising replaces, what it
removes, and which record type's retention period lets it go.

Every model field that can hold a person's words, contact details or files is either named
here or listed in ``NOT_PERSONAL`` with the reason (a test walks every model and fails on a
field in neither), so a record added later cannot be missed by retention, erasure or a
subject access export.
"""

from __future__ import annotations

from dataclasses import dataclass

#: What anonymised words read as.
REMOVED = "[removed]"


@dataclass(frozen=True)
class Personal:
    """The personal data of one model, and how to reach the case or person it belongs to."""

    model: str  # "app_label.ModelName"
    record_type: str  # a key of the retention schedule
    texts: tuple[str, ...] = ()  # words: replaced by REMOVED (blank ones stay blank)
    blanks: tuple[str, ...] = ()  # names, addresses, e-mail addresses: emptied
    files: tuple[str, ...] = ()  # the file is deleted and the field emptied
    json: tuple[str, ...] = ()  # emptied
    case: str | None = None  # the lookup from this model to its case ("" for the case itself)
    person: str | None = None  # the lookup to the person it is about
    since: str = ""  # when its period starts, where not the case's closure (a date field)
    delete: bool = False  # rows are removed rather than emptied (access logs)


CASE_RECORDS: tuple[Personal, ...] = (
    Personal(
        "cases.Case",
        "closed_cases",
        texts=("summary", "details", "desired_outcome", "eligibility_reason"),
        case="",
        person="customer",
    ),
    Personal(
        "cases.ComplaintPoint", "closed_cases", texts=("description", "outcome_sought"), case="case"
    ),
    Personal(
        "cases.CaseIssue",
        "closed_cases",
        texts=("description", "reasons", "finding", "remedy"),
        json=("actions",),
        case="case",
    ),
    # The words events refer to by id (putright/cases/personal_text.py).
    Personal("cases.PersonalText", "closed_cases", texts=("body",), case="case"),
    Personal("cases.Attachment", "files", files=("file",), texts=("name",), case="case"),
    Personal(
        "letters.Correspondence",
        "letters",
        texts=("html",),
        blanks=("recipient",),
        files=("pdf",),
        case="case",
    ),
    Personal("remedies.Remedy", "closed_cases", texts=("description",), case="case"),
    Personal(
        "remedies.RemedyAction",
        "closed_cases",
        texts=("description", "evidence"),
        case="remedy__case",
    ),
    Personal(
        "remedies.Award", "closed_cases", texts=("reasoning", "below_guidance_reason"), case="case"
    ),
    Personal("remedies.AwardComponent", "closed_cases", texts=("evidence",), case="award__case"),
    Personal("remedies.Loss", "closed_cases", texts=("withdrawn_reason",), case="case"),
    Personal(
        "hazards.Hazard",
        "hazards",
        texts=("description", "dismissed_reason", "findings"),
        json=("triggers", "signs"),
        case="case",
    ),
    Personal("hazards.HazardLetter", "letters", texts=("html",), case="hazard__case"),
    Personal("learning.Lesson", "closed_cases", texts=("text",), case="case"),
    Personal(
        "ombudsman.Contact",
        "closed_cases",
        texts=("asked", "covering_letter"),
        json=("evidence_index",),
        case="case",
    ),
    Personal(
        "ombudsman.Determination",
        "closed_cases",
        texts=("appeal_reasons", "new_information"),
        case="case",
    ),
    Personal(
        "ombudsman.Order",
        "closed_cases",
        texts=("evidence", "delay_reason"),
        case="determination__case",
    ),
    Personal("quality.ResponseReview", "closed_cases", texts=("comments",), case="case"),
    Personal("imports.ImportedCase", "closed_cases", json=("values",), case="case"),
    Personal("petitions.Petition", "closed_cases", texts=("issues_clear_note",), case="case"),
    Personal(
        "petitions.Signatory",
        "closed_cases",
        texts=("unhappy_reason",),
        blanks=("name", "address", "postcode"),
        case="petition__case",
        person="person",
    ),
    Personal("petitions.Batch", "letters", texts=("text",), case="petition__case"),
    Personal(
        "petitions.Letter",
        "letters",
        texts=("html",),
        blanks=("recipient",),
        case="batch__petition__case",
    ),
    Personal(
        "meetings.Meeting",
        "closed_cases",
        texts=("notes", "cancel_reason", "minutes"),
        blanks=("location",),
        case="case",
    ),
    Personal("meetings.Attendee", "closed_cases", blanks=("name", "email"), case="meeting__case"),
    Personal(
        "meetings.Review",
        "closed_cases",
        texts=("wish_note", "report_html", "summary_html", "letter_text"),
        case="case",
    ),
    Personal(
        "cases.SatisfactionResponse",
        "survey_answers",
        texts=("comment",),
        case="case",
        since="created_at",
    ),
    Personal(
        "mailbox.IncomingMessage",
        "incoming_mail",
        texts=("body", "subject", "problem", "reason"),
        blanks=("sender_email", "sender_name"),
        files=("raw",),
        since="decided_at",
    ),
    Personal(
        "mailbox.IncomingAttachment",
        "incoming_mail",
        files=("file",),
        texts=("name",),
        since="message__decided_at",
    ),
)

PERSON_RECORDS: tuple[Personal, ...] = (
    Personal(
        "people.Person",
        "closed_cases",
        blanks=(
            "email",
            "phone",
            "address",
            "postcode",
            "property_reference",
            "contact_times",
            "accessibility_needs",
            "reasonable_adjustments",
        ),
        json=("equality_data",),
        person="",
    ),
    Personal(
        "people.Representative",
        "closed_cases",
        blanks=("name", "email", "phone", "address"),
        person="person",
    ),
    Personal(
        "people.ContactRestriction",
        "restrictions",
        texts=(
            "behaviour",
            "arrangements",
            "appeal",
            "reasons",
            "adjustments",
            "appeal_grounds",
            "appeal_explanation",
            "lifted_reason",
        ),
        blanks=("contact_times",),
        person="person",
        since="ends_on",
    ),
    Personal("people.BehaviourIncident", "restrictions", texts=("description",), person="person"),
    Personal("people.PersonLetter", "letters", texts=("html",), person="person"),
)

OTHER_RECORDS: tuple[Personal, ...] = (
    Personal("accounts.AccessLog", "access_logs", since="at", delete=True),
)

ALL: tuple[Personal, ...] = (*CASE_RECORDS, *PERSON_RECORDS, *OTHER_RECORDS)

#: Fields that look personal but are not, with the reason (checked by a test).
NOT_PERSONAL: dict[str, str] = {
    "accounts.User": "staff accounts: kept while they work here; deactivated, not erased",
    "accounts.ApiToken": "names a token, not a person",
    "accounts.Team": "a team's name",
    "accounts.UserEvent": "a member of staff's own history of roles",
    "accounts.SignOnIdentity": "the identity provider's id of a member of staff",
    "organisations.Organisation": "the landlord's own details",
    "organisations.ClosureDay": "a day's name",
    "organisations.PolicyAdoption": "a note on a policy change",
    "organisations.FloorChange": "a note on the Code's floor",
    "cases.Event": "redacted in place by the audited path (privacy.anonymise.redact_history)",
    "timeline.Entry": "redacted in place by the audited path (privacy.anonymise.redact_history)",
    "timeline.EntryText": "the words entries refer to by id: emptied with the record's history "
    "(privacy.anonymise.redact_history)",
    "search.CaseText": "derived from the case and person: rebuilt after anonymising",
    "letters.LetterTemplate": "the organisation's template, not a letter",
    "hazards.BreachAlert": "who was told, by staff id",
    "learning.ImprovementAction": "the organisation's change; its public text refuses personal data",
    "reports.SelfAssessmentEntry": "the organisation's self-assessment",
    "reports.ReportText": "the organisation's report",
    "ombudsman.DeterminationFinding": "the Ombudsman's published finding",
    "ombudsman.SectorFinding": "the Ombudsman's published finding",
    "imports.ImportRun": "counts of an import",
    "webhooks.Subscription": "a subscription's settings",
    "webhooks.Delivery": "the payload carries only what its subscription allows; no personal data by default",
    "privacy.DataRequest": "the request itself, kept as the record of what was done",
    "privacy.Redaction": "the audit of redactions",
    "privacy.RetentionPeriod": "an organisation's setting",
    "privacy.LegalHold": "why a case is kept",
}


#: Single fields of registered models that are not let go as the others are, with the reason.
FIELDS_EXPLAINED: dict[str, str] = {
    "people.Person.name": "anonymised to 'Anonymised person N', so the case still names someone",
    "hazards.Hazard.coverage": "PutRight's words on why the statutory clocks run, not the resident's",
    "ombudsman.Order.text": "the Ombudsman's order as published",
}


def declared_fields(label: str) -> set[str]:
    found: set[str] = set()
    for entry in ALL:
        if entry.model == label:
            found.update(entry.texts, entry.blanks, entry.files, entry.json)
    return found
