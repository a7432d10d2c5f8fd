from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("kabinet.api.payments_urls")),  # payments: before the API's 404
    path("api/v1/", include("kabinet.api.urls")),
    path("cabinet/tokens/", include("kabinet.api.cabinet_urls")),  # ops: API tokens page
    path("backoffice/payments/", include("kabinet.backoffice.payments_urls")),
    path("api/v1/", include("kabinet.requests.api_urls")),  # issue 14: requests
    path("api/v1/", include("kabinet.outages.api_urls")),  # issue 14: outages
    path("api/v1/", include("kabinet.api.urls")),
    path("cabinet/tokens/", include("kabinet.api.cabinet_urls")),  # ops: API tokens page
    path("backoffice/", include("kabinet.requests.backoffice_urls")),  # issue 14: requests
    path("backoffice/", include("kabinet.outages.backoffice_urls")),  # issue 14: outages
    path("backoffice/", include("kabinet.backoffice.urls")),
    path("", include("kabinet.subscribers.urls")),
    path("", include("kabinet.metering.urls")),
    path("", include("kabinet.notifications.urls")),
    path("", include("kabinet.billing.urls")),
    path("", include("kabinet.payments.urls")),
    path("", include("kabinet.requests.urls")),  # issue 14: requests
    path("", include("kabinet.outages.urls")),  # issue 14: outages
    path("", include("kabinet.web.urls")),
    path("", include("allauth.urls")),
]
