"""Quiet hours: when a held channel (push, text message) may go out again."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


def quiet_until(now: datetime, start: time, end: time) -> datetime | None:
    """The end of the quiet time `now` falls in, or None outside it. Times are local to
    the platform's zone, so the hours follow summer time; `start` after `end` crosses
    midnight (22:00-07:00)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    moment = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= moment < end
        day = local.date()
    else:
        inside = moment >= start or moment < end
        day = local.date() + timedelta(days=1) if moment >= start else local.date()
    if not inside:
        return None
    return datetime.combine(day, end, tzinfo=zone)
