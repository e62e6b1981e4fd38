"""Staff pages."""

from django.urls import path

from .views import auth, cases, contacts, letters, organisations, queues

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
    path("cases/<str:reference>/<str:action>/", cases.case_action, name="case-action"),
    path("record/", contacts.record, name="record"),
    path("search/", queues.search, name="search"),
    path("organisations/", organisations.organisations, name="organisations"),
    path("policies/<str:pack_id>/", organisations.policy, name="policy"),
]
