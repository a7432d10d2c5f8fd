from django.urls import path

from . import views

app_name = "outages"
urlpatterns = [
    path("outages/", views.outage_list, name="list"),
    path("outages/feed/", views.OutageFeed(), name="feed"),
    path("outages/outages.json", views.outage_list_json, name="json"),
    path("cabinet/outages/mail/", views.outage_mail_settings, name="mail"),
]
