"""The month calendar (hours, time off, extra hours, bookings; notice and break) and the
calendar links: the private feed to subscribe to, and reading the helper's own calendar."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.bookings import selectors as booking_selectors
from quartier.bookings.availability import marketplace_zone
from quartier.bookings.calendars import calendar_import
from quartier.bookings.services import schedule
from quartier.platform.errors import ApplicationError
from quartier.workspace.calendar_forms import CalendarUrlForm, ExtraHoursForm
from quartier.workspace.calendar_month import (
    month_days,
    month_of,
    month_periods,
    next_month,
    previous_month,
)
from quartier.workspace.forms import RulesForm, TimeOffForm
from quartier.workspace.views.common import helper_page, submit


def _today():
    return timezone.localdate(timezone=marketplace_zone())


def _month_url(first, anchor: str = "") -> str:
    return (
        reverse("workspace:calendar") + f"?month={first:%Y-%m}" + (f"#{anchor}" if anchor else "")
    )


def _day_url(day) -> str:
    """The day's month, scrolled to the day: the change is in view."""
    return _month_url(day.replace(day=1), f"day-{day:%Y-%m-%d}")


def _back(request, anchor: str) -> str:
    """Back to the month the form was sent from."""
    return _month_url(month_of(request.POST.get("month"), _today()), anchor)


def _page(request, profile, *, first=None, status=200, **forms):
    today = _today()
    first = first or month_of(request.GET.get("month"), today)
    current = booking_selectors.schedule_or_default(profile)
    return render(
        request,
        "workspace/calendar.html",
        {
            "first": first,
            "days": month_days(profile, first, today),
            "periods": month_periods(profile, first),
            "previous_url": _month_url(previous_month(first)),
            "next_url": _month_url(next_month(first)),
            "this_month_url": _month_url(today.replace(day=1)),
            "time_off_form": forms.get("time_off_form") or TimeOffForm(prefix="off"),
            "extra_form": forms.get("extra_form") or ExtraHoursForm(prefix="extra"),
            "rules_form": forms.get("rules_form")
            or RulesForm(
                prefix="rules",
                initial={
                    "lead_time_minutes": current.lead_time_minutes,
                    "buffer_minutes": current.buffer_minutes,
                },
            ),
            "section": "calendar",
        },
        status=status,
    )


@helper_page
def calendar_month(request, profile):
    return _page(request, profile)


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
        return redirect(_day_url(form.cleaned_data["first_day"]))
    first = month_of(request.POST.get("month"), _today())
    return _page(request, profile, first=first, status=status, time_off_form=form)


@helper_page
@require_POST
def extra_hours_add(request, profile):
    form = ExtraHoursForm(request.POST, prefix="extra")

    def act(data):
        starts, ends = form.period()
        schedule.time_off_add(
            provider=profile, starts_at=starts, ends_at=ends, is_available=True, note=data["note"]
        )

    status = submit(form, act, names={"ends_at": "ends", "starts_at": "starts"})
    if status == 200:
        messages.success(request, _("Your extra hours are saved."))
        return redirect(_day_url(form.cleaned_data["day"]))
    first = month_of(request.POST.get("month"), _today())
    return _page(request, profile, first=first, status=status, extra_form=form)


@helper_page
@require_POST
def period_delete(request, profile, pk):
    period = booking_selectors.time_off_get(provider=profile, time_off_id=pk)
    was_extra = period.is_available
    schedule.time_off_remove(time_off=period)
    messages.success(
        request, _("The extra hours are removed.") if was_extra else _("The time off is removed.")
    )
    return redirect(_back(request, "periods-heading"))


@helper_page
@require_POST
def rules(request, profile):
    form = RulesForm(request.POST, prefix="rules")
    status = submit(
        form,
        lambda data: schedule.schedule_update(
            provider=profile,
            lead_time_minutes=data["lead_time_minutes"],
            buffer_minutes=data["buffer_minutes"],
        ),
    )
    if status == 200:
        messages.success(request, _("Your booking rules are saved."))
        return redirect(_back(request, "rules-heading"))
    first = month_of(request.POST.get("month"), _today())
    return _page(request, profile, first=first, status=status, rules_form=form)


def _sync_page(request, profile, *, url_form=None, status=200):
    current = booking_selectors.schedule_or_default(profile)
    feed_url = ""
    if current.pk:  # an unsaved schedule's token is a random default that works nowhere
        feed_url = request.build_absolute_uri(
            reverse("bookings:provider-feed", kwargs={"token": current.feed_token})
        )
    return render(
        request,
        "workspace/calendar_sync.html",
        {
            "schedule": current,
            "feed_url": feed_url,
            "url_form": url_form or CalendarUrlForm(prefix="import"),
            "section": "calendar",
        },
        status=status,
    )


@helper_page
def calendar_sync(request, profile):
    return _sync_page(request, profile)


@helper_page
@require_POST
def feed_rotate(request, profile):
    existed = booking_selectors.schedule_or_default(profile).pk is not None
    schedule.feed_token_rotate(provider=profile)
    messages.success(
        request,
        _("Here is a new link; the old one no longer works.")
        if existed
        else _("Your calendar link is ready."),
    )
    return redirect("workspace:calendar-sync")


def _read(request, current) -> None:
    """Read the helper's calendar now; a failure is shown as its status, not an error page
    (the address stays saved, to be read again later)."""
    try:
        count = calendar_import(schedule=current)
    except ApplicationError:
        messages.warning(
            request,
            _("We could not read this calendar. Check the address, or try again later."),
        )
        return
    messages.success(
        request,
        _("Your calendar was read. Busy times found: %(count)s.") % {"count": count},
    )


@helper_page
@require_POST
def import_subscribe(request, profile):
    form = CalendarUrlForm(request.POST, prefix="import")
    saved = []
    status = submit(
        form,
        lambda data: saved.append(
            schedule.schedule_update(provider=profile, import_url=data["url"])
        ),
        names={"import_url": "url"},
    )
    if status != 200:
        return _sync_page(request, profile, url_form=form, status=status)
    _read(request, saved[0])
    return redirect("workspace:calendar-sync")


@helper_page
@require_POST
def import_refresh(request, profile):
    current = booking_selectors.schedule_or_default(profile)
    if current.pk and current.import_url:
        _read(request, current)
    return redirect("workspace:calendar-sync")


@helper_page
@require_POST
def import_remove(request, profile):
    schedule.calendar_import_remove(provider=profile)
    messages.success(request, _("Your calendar is no longer read."))
    return redirect("workspace:calendar-sync")
