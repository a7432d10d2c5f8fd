from django.urls import path

from kabinet.backoffice import requests as views

app_name = "requests_backoffice"
urlpatterns = [
    path("requests/", views.queue, name="queue"),
    path("requests/<int:request_id>/", views.detail, name="detail"),
    path("requests/<int:request_id>/answer/", views.answer, name="answer"),
    path("requests/<int:request_id>/note/", views.note, name="note"),
    path("requests/<int:request_id>/assign/", views.assign, name="assign"),
    path("requests/<int:request_id>/close/", views.close, name="close"),
    path("requests/files/<int:attachment_id>/", views.attachment, name="attachment"),
]
