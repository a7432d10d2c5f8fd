"""The subscriber's token page, under /cabinet/tokens/."""

from django.urls import path

from . import pages

app_name = "api_tokens"
urlpatterns = [
    path("", pages.subscriber_tokens, name="tokens"),
    path("<int:token_id>/revoke/", pages.subscriber_token_revoke, name="revoke"),
]
