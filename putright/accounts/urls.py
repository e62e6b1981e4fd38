"""The accounts pages: single sign-on, the second factor, and the staff pages."""

from django.urls import path

from . import oidc, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/provider/", oidc.SignInWithProvider.as_view(), name="oidc-start"),
    path("sign-in/provider/callback/", oidc.ProviderCallback.as_view(), name="oidc-callback"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("account/two-factor/", views.two_factor, name="two-factor"),
    path("staff/", views.staff_index, name="staff"),
    path("staff/<str:username>/", views.staff_member, name="staff-member"),
    path("staff/<str:username>/deactivate/", views.staff_deactivate, name="staff-deactivate"),
]
