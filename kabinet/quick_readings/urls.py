from django.urls import path

from . import views

app_name = "quick_readings"
urlpatterns = [
    # Without signing in: the account number and the surname's first letters, or a link.
    path("readings/", views.quick_readings_view, name="quick"),
    path("readings/submit/", views.quick_submit_view, name="quick_submit"),
    path("readings/link/<str:token>/", views.reading_link_view, name="link"),
]
