from django.urls import path

from kabinet.backoffice import outages as views

app_name = "outages_backoffice"
urlpatterns = [
    path("outages/", views.outage_list, name="list"),
    path("outages/<int:outage_id>/", views.outage_detail, name="detail"),
    path("outages/<int:outage_id>/update/", views.outage_update, name="update"),
]
