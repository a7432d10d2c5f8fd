from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .forms import ReminderForm
from .models import ReminderPreference
from .services import reminder_preference_save


@login_required
def reminder_settings_view(request: HttpRequest) -> HttpResponse:
    """Choose the day of the month for a reminder to read the meters, or turn it off."""
    user = request.user
    assert user.is_authenticated
    preference = ReminderPreference.objects.filter(user=user).first()
    if request.method == "POST":
        form = ReminderForm(request.POST)
        if form.is_valid():
            saved = reminder_preference_save(
                user=user,
                day=form.cleaned_data["day"],
                enabled=form.cleaned_data["enabled"],
                language=form.cleaned_data["language"],
                now=timezone.now(),
            )
            if saved.enabled:
                messages.success(
                    request,
                    _("A reminder will be mailed on day %(day)s of each month.")
                    % {"day": saved.day},
                )
            else:
                messages.success(request, _("Reminders are turned off."))
            return redirect("notifications:reminders")
    else:
        initial = {"enabled": True, "day": 20, "language": get_language() or "uk"}
        if preference is not None:
            initial = {
                "enabled": preference.enabled,
                "day": preference.day,
                "language": preference.language,
            }
        form = ReminderForm(initial=initial)
    return render(request, "notifications/reminders.html", {"form": form, "preference": preference})
