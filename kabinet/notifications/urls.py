from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    # Linked from the readings pages: reminders to read the meters.
    path("cabinet/reminders/", views.reminder_settings_view, name="reminders"),
]
