from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from . import views
from .errors import not_found_view

app_name = "api"


class SchemaView(SpectacularAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]


class DocsView(SpectacularSwaggerSplitView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    path("accounts/", views.AccountListView.as_view(), name="accounts"),
    path("accounts/<int:account_id>/", views.AccountDetailView.as_view(), name="account"),
    path("accounts/<int:account_id>/ledger/", views.LedgerView.as_view(), name="ledger"),
    path("accounts/<int:account_id>/meters/", views.MeterListView.as_view(), name="meters"),
    path(
        "accounts/<int:account_id>/meters/<int:meter_id>/readings/",
        views.ReadingListView.as_view(),
        name="readings",
    ),
    path("providers/", views.ProviderListView.as_view(), name="providers"),
    path("imports/", views.ImportListView.as_view(), name="imports"),
    path("imports/<int:run_id>/", views.ImportDetailView.as_view(), name="import"),
    path("exports/readings/", views.ReadingsExportView.as_view(), name="readings_export"),
    re_path(r"^.*$", not_found_view),
]
