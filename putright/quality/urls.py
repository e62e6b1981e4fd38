"""The quality review's pages, under /quality/, named in the staff pages' namespace
(``staff:quality-...``): ``putright/staff/urls.py`` lists them."""

from django.urls import path

from . import views

urlpatterns = [
    path("quality/", views.index, name="quality-index"),
    path("quality/settings/", views.settings_page, name="quality-settings"),
    path("quality/draw/", views.draw, name="quality-draw"),
    path("quality/samples/<int:sample_id>/", views.sample, name="quality-sample"),
    path("quality/reviews/<int:review_id>/", views.review, name="quality-review"),
    path("quality/summary/", views.summary, name="quality-summary"),
]
