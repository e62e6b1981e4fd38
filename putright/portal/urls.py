"""Resident portal pages, under /resident/."""

from django.urls import path

from .views import follow, learning, make

app_name = "portal"

urlpatterns = [
    path("follow/", follow.follow, name="follow"),
    path("follow/code/", follow.follow_code, name="follow-code"),
    path("follow/case/", follow.follow_case, name="follow-case"),
    path("follow/case/letters/<int:pk>/", follow.follow_letter, name="follow-letter"),
    path("follow/case/escalate/", follow.follow_escalate, name="follow-escalate"),
    path("follow/case/feedback/", follow.follow_feedback, name="follow-feedback"),
    path("follow/case/message/", follow.follow_message, name="follow-message"),
    path("follow/stop/", follow.follow_stop, name="follow-stop"),
    path("<slug:slug>/", make.start, name="start"),
    path("<slug:slug>/what-we-changed/", learning.changed, name="learning"),
    path("<slug:slug>/make/check/", make.check, name="check"),
    path("<slug:slug>/make/sent/", make.done, name="done"),
    path("<slug:slug>/make/<slug:step_slug>/", make.step, name="step"),
]
