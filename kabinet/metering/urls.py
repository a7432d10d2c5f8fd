from django.urls import path

from kabinet.notifications import views as notification_views

from . import views

app_name = "metering"
urlpatterns = [
    path(
        "cabinet/accounts/<int:account_id>/readings/",
        views.reading_submit_view,
        name="submit",
    ),
    path(
        "cabinet/accounts/<int:account_id>/readings/preview/",
        views.reading_preview_view,
        name="preview",
    ),
    path(
        "cabinet/accounts/<int:account_id>/meters/<int:meter_id>/",
        views.meter_history_view,
        name="history",
    ),
    path(
        "cabinet/accounts/<int:account_id>/meters/<int:meter_id>/readings.csv",
        views.meter_history_csv_view,
        name="history_csv",
    ),
    # Reminders to read the meters belong to the readings journey; their rules live in
    # notifications.
    path("cabinet/reminders/", notification_views.reminder_settings_view, name="reminders"),
]
