from django.urls import path, re_path
from django.views.generic import RedirectView

from . import views

app_name = "subscribers"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/credentials/", views.CredentialsView.as_view(), name="register_credentials"),
    path("register/streets/", views.street_search, name="street_search"),
    # allauth's own sign-up would skip the Check step: registration starts at /register/.
    path("signup/", RedirectView.as_view(url="/register/", permanent=False), name="signup"),
    # Ahead of allauth's view at the same address: confirming also links the account.
    re_path(
        r"^confirm-email/(?P<key>[-:\w]+)/$",
        views.ConfirmEmailView.as_view(),
        name="confirm_email",
    ),
    path("cabinet/accounts/add/", views.account_add_view, name="account_add"),
    path(
        "cabinet/accounts/<int:account_id>/unlink/",
        views.account_unlink,
        name="account_unlink",
    ),
    path("cabinet/settings/", views.account_settings, name="settings"),
]
