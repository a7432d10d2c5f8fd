from django.urls import path

from kabinet.api import outages as api

app_name = "outages_api"
urlpatterns = [
    path("outages/", api.OutageListView.as_view(), name="outages"),
]
