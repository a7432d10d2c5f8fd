from django.urls import path

from kabinet.api import requests as api

app_name = "requests_api"
urlpatterns = [
    path("requests/", api.RequestListView.as_view(), name="requests"),
    path("requests/<int:request_id>/", api.RequestDetailView.as_view(), name="request"),
    path("requests/<int:request_id>/replies/", api.ReplyView.as_view(), name="replies"),
]
