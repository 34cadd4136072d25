"""Weekly hours, notice and breaks between bookings; time off as whole days."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.bookings import selectors as booking_selectors
from quartier.bookings.services import schedule
from quartier.workspace.forms import HoursForm, TimeOffForm
from quartier.workspace.views.common import helper_page, submit


def _page(request, profile, *, hours_form=None, time_off_form=None, status=200):
    current = booking_selectors.schedule_or_default(profile)
    if hours_form is None:
        hours_form = HoursForm(
            initial=HoursForm.initial_for(
                current, profile.weekly_hours.order_by("weekday", "starts")
            )
        )
    return render(
        request,
        "workspace/hours.html",
        {
            "hours_form": hours_form,
            "time_off_form": time_off_form or TimeOffForm(prefix="off"),
            # Periods end at the midnight after their last day; show that last day.
            "time_off": [
                (period, period.ends_at - timedelta(minutes=1))
                for period in profile.time_off.filter(ends_at__gt=timezone.now())
            ],
            "section": "hours",
        },
        status=status,
    )


@helper_page
def hours(request, profile):
    if request.method != "POST":
        return _page(request, profile)
    form = HoursForm(request.POST)
    status = submit(
        form,
        lambda data: schedule.schedule_update(
            provider=profile,
            weekly_hours=data["weekly_hours"],
            lead_time_minutes=data["lead_time_minutes"],
            buffer_minutes=data["buffer_minutes"],
        ),
    )
    if status == 200:
        messages.success(request, _("Your hours are saved."))
        return redirect("workspace:hours")
    return _page(request, profile, hours_form=form, status=status)


@helper_page
@require_POST
def time_off_add(request, profile):
    form = TimeOffForm(request.POST, prefix="off")

    def act(data):
        starts, ends = form.period()
        schedule.time_off_add(provider=profile, starts_at=starts, ends_at=ends, note=data["note"])

    status = submit(form, act, names={"ends_at": "last_day", "starts_at": "first_day"})
    if status == 200:
        messages.success(request, _("Your time off is saved."))
        return redirect("workspace:hours")
    return _page(request, profile, time_off_form=form, status=status)


@helper_page
@require_POST
def time_off_delete(request, profile, pk):
    period = booking_selectors.time_off_get(provider=profile, time_off_id=pk)
    schedule.time_off_remove(time_off=period)
    messages.success(request, _("The time off is removed."))
    return redirect("workspace:hours")
