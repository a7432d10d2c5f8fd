from django.urls import path

from . import quick_views, views

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
    # Without signing in: the account number and the surname's first letters, or a link.
    path("readings/", quick_views.quick_readings_view, name="quick"),
    path("readings/submit/", quick_views.quick_submit_view, name="quick_submit"),
    path("readings/link/<str:token>/", quick_views.reading_link_view, name="link"),
]
