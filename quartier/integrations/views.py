"""Back-office pages of API keys and webhooks (tenant admins only).

A new key's token and a new signing secret are shown once: the POST that made them
keeps them in the (server-side) session and redirects, and the next GET of the page
takes them out and shows them. A reload neither repeats the POST nor shows them again;
the key's token is never stored anywhere else in the clear.
"""

from datetime import datetime, time
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from quartier.accounts.mfa import admin_mfa_missing, admin_mfa_redirect
from quartier.integrations import forms as f
from quartier.integrations import selectors
from quartier.integrations.handoffs import handoff_accept, handoff_for, preferred_times_of
from quartier.integrations.keys import api_key_create, api_key_revoke
from quartier.integrations.scopes import SCOPES
from quartier.integrations.webhooks import (
    delivery_replay,
    endpoint_create,
    endpoint_secret_rotate,
    endpoint_update,
)
from quartier.platform.errors import PermissionDenied
from quartier.platform.forms import form_apply

DELIVERIES_PER_PAGE = 50
SHOW_ONCE = "integrations_show_once"


def _show_once(request, kind: str, pk: int, secret: str) -> None:
    request.session[SHOW_ONCE] = {"kind": kind, "pk": pk, "secret": secret}


def _take_shown_once(request, kind: str, pk: int | None = None) -> str | None:
    held = request.session.get(SHOW_ONCE)
    if not held or held.get("kind") != kind or (pk is not None and held.get("pk") != pk):
        return None
    del request.session[SHOW_ONCE]
    return held["secret"]


def admin_page(view):
    @never_cache
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not getattr(request.user, "is_tenant_admin", False):
            raise PermissionDenied(_("Only the marketplace's administrators may open this page."))
        if admin_mfa_missing(request):
            return admin_mfa_redirect(request)
        return view(request, *args, **kwargs)

    return wrapped


def _keys_page(request, form, *, status=200):
    keys = [
        (key, [SCOPES.get(scope, scope) for scope in key.scopes])
        for key in selectors.api_key_list()
    ]
    created = None
    token = _take_shown_once(request, "key") if request.method == "GET" else None
    if token is not None:
        created = {
            "token": token,
            "key": next((k for k, _s in keys if token.startswith(f"qk_{k.prefix}_")), None),
        }
    context = {"keys": keys, "form": form, "created": created, "now": timezone.now()}
    return render(request, "integrations/api_keys.html", context, status=status)


@admin_page
def api_keys(request):
    if request.method != "POST":
        return _keys_page(request, f.ApiKeyForm())
    form = f.ApiKeyForm(request.POST)
    created = []

    def act(data):
        expires_on = data.get("expires_on")
        expires_at = (
            timezone.make_aware(datetime.combine(expires_on, time.max)) if expires_on else None
        )
        created.append(
            api_key_create(
                name=data["name"], scopes=data["scopes"], actor=request.user, expires_at=expires_at
            )
        )

    status = form_apply(form, act)
    if status != 200:
        return _keys_page(request, form, status=status)
    _show_once(request, "key", created[0].key.pk, created[0].token)
    return redirect("integrations:api-keys")


@admin_page
@require_POST
def api_key_revoke_view(request, pk: int):
    key = selectors.api_key_get(key_id=pk)
    api_key_revoke(key=key)
    messages.success(request, _("The key “%(name)s” was revoked.") % {"name": key.name})
    return redirect("integrations:api-keys")


def _webhooks_page(request, form, *, status=200):
    context = {"endpoints": selectors.endpoint_list(), "form": form}
    return render(request, "integrations/webhooks.html", context, status=status)


@admin_page
def webhooks(request):
    if request.method != "POST":
        return _webhooks_page(request, f.EndpointForm())
    form = f.EndpointForm(request.POST)
    created = []
    status = form_apply(
        form,
        lambda data: created.append(
            endpoint_create(url=data["url"], events=data["events"], description=data["description"])
        ),
    )
    if status != 200:
        return _webhooks_page(request, form, status=status)
    _show_once(request, "endpoint", created[0].pk, created[0].secret)
    return redirect("integrations:endpoint", pk=created[0].pk)


def _endpoint_page(request, endpoint, *, form=None, status=200):
    secret = _take_shown_once(request, "endpoint", endpoint.pk) if request.method == "GET" else None
    if form is None:
        form = f.EndpointEditForm(
            initial={
                "url": endpoint.url,
                "description": endpoint.description,
                "events": endpoint.events,
                "enabled": endpoint.enabled,
            }
        )
    page = Paginator(selectors.deliveries_of(endpoint), DELIVERIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"endpoint": endpoint, "form": form, "page": page, "secret": secret}
    return render(request, "integrations/endpoint.html", context, status=status)


@admin_page
def endpoint_detail(request, pk: int):
    endpoint = selectors.endpoint_get(endpoint_id=pk)
    if request.method != "POST":
        return _endpoint_page(request, endpoint)
    form = f.EndpointEditForm(request.POST)
    status = form_apply(
        form,
        lambda data: endpoint_update(
            endpoint=endpoint,
            url=data["url"],
            events=data["events"],
            description=data["description"],
            enabled=data["enabled"],
        ),
    )
    if status != 200:
        endpoint.refresh_from_db()
        return _endpoint_page(request, endpoint, form=form, status=status)
    messages.success(request, _("Endpoint saved."))
    return redirect("integrations:endpoint", pk=endpoint.pk)


@admin_page
@require_POST
def endpoint_rotate(request, pk: int):
    endpoint = selectors.endpoint_get(endpoint_id=pk)
    _show_once(request, "endpoint", endpoint.pk, endpoint_secret_rotate(endpoint=endpoint))
    return redirect("integrations:endpoint", pk=endpoint.pk)


@admin_page
def delivery_detail(request, pk: int):
    delivery = selectors.delivery_get(delivery_id=pk)
    context = {"delivery": delivery, "attempts": selectors.attempts_of(delivery)[:50]}
    return render(request, "integrations/delivery.html", context)


@admin_page
@require_POST
def delivery_replay_view(request, pk: int):
    delivery = selectors.delivery_get(delivery_id=pk)
    attempt = delivery_replay(delivery=delivery)
    if attempt.succeeded:
        messages.success(request, _("Sent again; the receiver accepted it."))
    else:
        messages.error(request, _("Sent again; the receiver did not accept it."))
    return redirect("integrations:delivery", pk=delivery.pk)


@never_cache
@login_required
def handoff_view(request, token: str):
    """The prefilled help request of a handed-over case, for its customer only."""
    handoff = handoff_for(token=token, user=request.user)
    if handoff.booking_id is not None:
        return redirect("bookings:detail", pk=handoff.booking_id)
    times = preferred_times_of(handoff)
    if request.method != "POST":
        form = f.HandoffForm(
            times=times,
            initial={"postal_code": handoff.postal_code, "note": handoff.description},
        )
        return _handoff_page(request, handoff, form)
    form = f.HandoffForm(request.POST, times=times)
    booked = []
    status = form_apply(
        form,
        lambda data: booked.append(
            handoff_accept(
                handoff=handoff,
                customer=request.user,
                starts_at=data["starts_at"],
                postal_code=data["postal_code"],
                note=data["note"],
            )
        ),
    )
    if status != 200:
        return _handoff_page(request, handoff, form, status=status)
    messages.success(request, _("Your request was sent to the helpers nearby."))
    return redirect("bookings:detail", pk=booked[0].pk)


def _handoff_page(request, handoff, form, *, status=200):
    context = {"handoff": handoff, "form": form}
    return render(request, "integrations/handoff.html", context, status=status)
