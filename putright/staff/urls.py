"""Staff pages."""

from django.urls import path

from putright.actions.people import PERSON_ACTIONS
from putright.actions.remedies import REMEDY_ACTIONS
from putright.quality import urls as quality_urls

from .views import auth, cases, contacts, letters, organisations, queues, responses
from .views import hazards as hazard_views
from .views import learning as learning_views
from .views import mailbox as mailbox_views
from .views import meetings as meeting_views
from .views import ombudsman as ombudsman_views
from .views import people as people_views
from .views import petitions as petition_views
from .views import privacy as privacy_views
from .views import remedies as remedy_views
from .views import webhooks as webhook_views

app_name = "staff"

urlpatterns = [
    path("sign-in/", auth.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth.SignOutView.as_view(), name="logout"),
    path("work/", queues.work, name="work"),
    path("cases/", queues.queue, name="queue"),
    path("cases/save-filter/", queues.save_queue, name="save-queue"),
    path("cases/<str:reference>/", cases.case_page, name="case"),
    path("cases/<str:reference>/letters/<int:sequence>/", letters.letter, name="letter"),
    path(
        "cases/<str:reference>/letter-pdf/<int:letter_id>/", letters.letter_pdf, name="letter-pdf"
    ),
    path("cases/<str:reference>/ombudsman-bundle/", letters.bundle, name="bundle"),
    path(
        "cases/<str:reference>/files/<int:attachment_id>/",
        letters.attachment,
        name="attachment",
    ),
    # Remedies and awards: each declared action's page at its API path (see putright.actions).
    *[
        path(action.staff_path, remedy_views.PAGES[action.name], name=action.name)
        for action in REMEDY_ACTIONS
        if action.name in remedy_views.PAGES
    ],
    path("cases/<str:reference>/awards/", remedy_views.propose_award, name="award-propose"),
    path("people/<int:person_id>/", people_views.person_page, name="person"),
    # Unacceptable behaviour: each declared action on a person at its API path.
    *[
        path(action.staff_path, people_views.person_action, {"name": action.name}, name=action.name)
        for action in PERSON_ACTIONS
    ],
    path(
        "people/<int:person_id>/letters/<int:letter_id>.pdf",
        people_views.person_letter,
        name="person-letter",
    ),
    # Ombudsman casework: each action's page at its API path (putright/actions/ombudsman.py).
    *ombudsman_views.urlpatterns,
    # Hazards on a case (Awaab's Law): each action's page at its API path, and their letters.
    *hazard_views.urlpatterns,
    # Learning from complaints: lessons on a case, the action plan and its reviews.
    *learning_views.urlpatterns,
    # Petitions: the signatories and each action's page at its API path.
    *petition_views.urlpatterns,
    # Review meetings and panels: each action's page at its API path, the review page.
    *meeting_views.urlpatterns,
    path("cases/<str:reference>/respond/check/", responses.respond_check, name="respond-check"),
    # The quality review of responses: samples, reviews and the summary (putright/quality).
    *quality_urls.urlpatterns,
    # E-mail in: the messages waiting to be classified and their actions (actions/mailbox.py).
    *mailbox_views.urlpatterns,
    # Events out: webhook subscriptions and their deliveries, for administrators.
    *webhook_views.urlpatterns,
    # Data protection: requests, their exports, the retention schedule, legal holds on cases.
    *privacy_views.urlpatterns,
    path("cases/<str:reference>/<str:action>/", cases.case_action, name="case-action"),
    path("approvals/", remedy_views.approvals, name="approvals"),
    path(
        "approvals/<int:award_id>/approve/",
        remedy_views.approval_approve,
        name="approval-approve",
    ),
    path(
        "approvals/<int:award_id>/refuse/",
        remedy_views.approval_refuse,
        name="approval-refuse",
    ),
    path("record/", contacts.record, name="record"),
    path("search/", queues.search, name="search"),
    path("organisations/", organisations.organisations, name="organisations"),
    path("policies/<str:pack_id>/", organisations.policy, name="policy"),
]
