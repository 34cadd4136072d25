"""Signed-in devices: one allauth UserSession row per signed-in session, in its schema.

Our sign-in pages record the row (`device_record`) right after Django's login(); the
middleware refreshes its address and "last seen" at most every SEEN_EVERY seconds, so a
busy page costs no write. Revoking a device deletes its session from the session store:
the next request with that cookie is anonymous.
"""

import time

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.utils import timezone

from quartier.accounts.signin import client_address
from quartier.platform.errors import NotFound

SEEN_EVERY = 5 * 60
SESSION_SEEN = "quartier.seen"


def _agent(request) -> str:
    limit = UserSession._meta.get_field("user_agent").max_length
    return request.META.get("HTTP_USER_AGENT", "")[:limit]


def device_record(request, user) -> None:
    """The row for the session `request` has just signed in with; the user's rows of
    sessions that have ended go."""
    if not request.session.session_key:
        request.session.save()
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    UserSession.objects.filter(user_id=user.pk).exclude(session_key__in=live).delete()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": client_address(request) or "0.0.0.0",  # noqa: S104 (a stored value)
            "user_agent": _agent(request),
            "last_seen_at": timezone.now(),
        },
    )
    request.session[SESSION_SEEN] = time.time()


def device_list(request) -> list[UserSession]:
    """The user's signed-in devices (this one first, then by last activity): rows whose
    session still exists and has not expired. One query, no writes: the rows of ended
    sessions are removed when the user next signs in (`device_record`)."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    rows = list(UserSession.objects.filter(user_id=request.user.pk, session_key__in=live))
    current = request.session.session_key
    for row in rows:
        row.current = row.session_key == current
    return sorted(rows, key=lambda row: (not row.current, -row.last_seen_at.timestamp()))


def device_revoke(request, *, pk: int) -> None:
    """Ends one of the user's other sessions (404 for anyone else's, or the current)."""
    row = (
        UserSession.objects.filter(user_id=request.user.pk, pk=pk)
        .exclude(session_key=request.session.session_key or "")
        .first()
    )
    if row is None:
        raise NotFound()
    row.end()


def device_revoke_others(request) -> int:
    rows = UserSession.objects.filter(user_id=request.user.pk).exclude(
        session_key=request.session.session_key or ""
    )
    count = 0
    for row in rows:
        row.end()
        count += 1
    return count


class DeviceSeenMiddleware:
    """Keeps "last seen" and the address of the signed-in session roughly current, and
    lends the admin API the tenant's two-step requirement (request.admin_mfa_missing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from quartier.accounts.mfa import admin_mfa_missing

        request.admin_mfa_missing = lambda: admin_mfa_missing(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and session.session_key and user and user.is_authenticated:
            seen = session.get(SESSION_SEEN)
            if seen is not None and time.time() - seen > SEEN_EVERY:
                session[SESSION_SEEN] = time.time()
                UserSession.objects.filter(session_key=session.session_key).update(
                    last_seen_at=timezone.now(),
                    ip=client_address(request) or "0.0.0.0",  # noqa: S104
                    user_agent=_agent(request),
                )
        return self.get_response(request)
