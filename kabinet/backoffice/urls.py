from django.urls import path

from kabinet.api.pages import operator_token_revoke, operator_tokens

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("review/", views.review_list, name="review"),
    path("review/<int:reading_id>/accept/", views.review_accept, name="review_accept"),
    path("review/<int:reading_id>/correct/", views.review_correct, name="review_correct"),
    path("meters/overdue/", views.overdue_list, name="overdue"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:run_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:run_id>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:run_id>/apply/", views.import_apply, name="import_apply"),
    path("export/", views.export, name="export"),
    path("streets/", views.street_list, name="streets"),
    path("streets/<int:street_id>/names/", views.street_add_name, name="street_add_name"),
    path("accounts/", views.account_list, name="accounts"),
    path("accounts/<int:account_id>/", views.account_detail, name="account_detail"),
    path(
        "accounts/<int:account_id>/links/<int:link_id>/unlink/",
        views.account_unlink,
        name="account_unlink",
    ),
    path("providers/", views.provider_list, name="providers"),
    path("providers/<int:provider_id>/", views.provider_settings, name="provider_settings"),
    path("audit/", views.audit_log, name="audit"),
    path("tokens/", operator_tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", operator_token_revoke, name="token_revoke"),
]
