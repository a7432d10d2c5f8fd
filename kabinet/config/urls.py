from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The API's own urls end in a catch-all 404: the apps' endpoints come first.
    path("api/v1/", include("kabinet.api.payments_urls")),
    path("api/v1/", include("kabinet.api.requests_urls")),
    path("api/v1/", include("kabinet.api.outages_urls")),
    path("api/v1/", include("kabinet.api.urls")),
    path("cabinet/tokens/", include("kabinet.api.cabinet_urls")),  # ops: API tokens page
    path("backoffice/payments/", include("kabinet.backoffice.payments_urls")),
    path("backoffice/", include("kabinet.backoffice.requests_urls")),
    path("backoffice/", include("kabinet.backoffice.outages_urls")),
    path("backoffice/", include("kabinet.backoffice.urls")),
    path("", include("kabinet.subscribers.urls")),
    path("", include("kabinet.metering.urls")),
    path("", include("kabinet.quick_readings.urls")),
    path("", include("kabinet.notifications.urls")),
    path("", include("kabinet.billing.urls")),
    path("", include("kabinet.payments.urls")),
    path("", include("kabinet.requests.urls")),
    path("", include("kabinet.outages.urls")),
    path("", include("kabinet.web.urls")),
    path("", include("allauth.urls")),
]
