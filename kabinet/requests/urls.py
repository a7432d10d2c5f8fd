from django.urls import path

from . import views

app_name = "requests"
urlpatterns = [
    path("cabinet/requests/", views.request_list, name="list"),
    path("cabinet/requests/new/", views.request_new, name="new"),
    path("cabinet/requests/<int:request_id>/", views.request_detail, name="detail"),
    path("cabinet/requests/<int:request_id>/reply/", views.request_reply, name="reply"),
    path("cabinet/requests/<int:request_id>/close/", views.request_close, name="close"),
    path(
        "cabinet/requests/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
