"""The URLs the back office and API need, for while another app's work in progress breaks the
real ones (see conftest.py)."""

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("kabinet.api.urls")),
    path("cabinet/tokens/", include("kabinet.api.cabinet_urls")),
    path("backoffice/", include("kabinet.backoffice.urls")),
    path("", include("allauth.urls")),
]
