from django.urls import path

from . import api

app_name = "outages_api"
urlpatterns = [
    path("outages/", api.OutageListView.as_view(), name="outages"),
]
