"""Only the URLs the reading pages need, so their tests do not depend on other apps' pages."""

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("kabinet.metering.urls")),
    path("", include("kabinet.quick_readings.urls")),
    path("", include("kabinet.notifications.urls")),
]
