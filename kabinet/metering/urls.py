from django.urls import path

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
]
