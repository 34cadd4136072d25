"""Theme pages: the stylesheet, logo and favicon, imprint and privacy, the editor."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from storages.backends.s3 import S3Storage

from quartier.platform.errors import ApplicationError, PermissionDenied
from quartier.themes import services
from quartier.themes.forms import ThemeForm
from quartier.themes.presentation import may_preview, snapshot_for_request, theme_for_request
from quartier.themes.selectors import theme_css, theme_get
from quartier.themes.tokens import FONTS


def _cache_headers(request, response, snapshot) -> HttpResponse:
    if snapshot.is_draft:
        response["Cache-Control"] = "private, no-store"
    elif "preview" in request.GET:
        # The same URL shows the draft to admins: shared caches must tell them apart.
        response["Cache-Control"] = "private, max-age=0"
        response["Vary"] = "Cookie"
    else:
        # Pages link these with ?v=<version>, so a publish is picked up at once anyway.
        response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def stylesheet(request):
    snapshot = snapshot_for_request(request)
    response = HttpResponse(theme_css(snapshot), content_type="text/css; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return _cache_headers(request, response, snapshot)


def _asset(request, asset: str):
    snapshot = snapshot_for_request(request)
    name = getattr(snapshot, asset)
    if not name:
        raise Http404
    storage = default_storage
    if isinstance(storage, S3Storage):
        response = redirect(storage.url(name))
    else:
        try:
            handle = storage.open(name, "rb")
        except FileNotFoundError as error:
            raise Http404 from error
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return _cache_headers(request, response, snapshot)


@require_GET
def logo(request):
    return _asset(request, "logo")


@require_GET
def favicon(request):
    return _asset(request, "favicon")


@require_GET
def imprint(request):
    theme = theme_for_request(request)
    return render(
        request,
        "themes/legal.html",
        {"title": _("Imprint"), "text": theme.imprint, "missing": _("No imprint yet.")},
    )


@require_GET
def privacy(request):
    theme = theme_for_request(request)
    return render(
        request,
        "themes/legal.html",
        {
            "title": _("Privacy policy"),
            "text": theme.privacy,
            "missing": _("No privacy policy yet."),
        },
    )


@never_cache
@login_required
def editor(request):
    """The back office theme editor: save the draft, preview it, publish it."""
    if not may_preview(request):
        raise PermissionDenied(_("Only the marketplace's administrators may edit its theme."))
    theme = theme_get()
    group_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = ThemeForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                _editor_save(request, form)
            except ApplicationError as error:
                _show_errors(form, error, group_errors)
            else:
                return redirect("themes:editor")
    else:
        form = ThemeForm(initial=ThemeForm.initial_from(theme.draft))
    return render(
        request,
        "themes/editor.html",
        {
            "form": form,
            "theme_row": theme,
            "group_errors": group_errors,
            "text_groups": [
                (group, legend, fields, group_errors.get(group, []))
                for group, legend, fields in form.text_groups()
            ],
            "font_stacks": {key: stack for key, (_label, stack) in FONTS.items()},
            "contrast_labels": {
                "text": _("text on background"),
                "primary": _("white on primary"),
                "secondary": _("secondary on background"),
                "passes": _("passes"),
                "fails": _("too low, needs"),
            },
            "preview_url": f"/?preview=1&r={theme.draft_revision}",
        },
        status=400 if form.errors or group_errors else 200,
    )


@transaction.atomic
def _editor_save(request, form: ThemeForm) -> None:
    """All of the form or nothing: a refused logo leaves the draft as it was."""
    user = request.user
    services.theme_draft_update(actor=user, changes=form.token_changes())
    for asset in services.ASSETS:
        if form.cleaned_data[f"remove_{asset}"]:
            services.theme_asset_remove(actor=user, asset=asset)
        elif form.cleaned_data[asset]:
            services.theme_asset_set(actor=user, asset=asset, upload=form.cleaned_data[asset])
    if request.POST.get("action") == "publish":
        theme = services.theme_publish(actor=user)
        messages.success(
            request,
            _("Published: visitors now see version %(version)d.") % {"version": theme.version},
        )
    else:
        messages.success(request, _("Draft saved. The preview below shows it."))


def _show_errors(form: ThemeForm, error: ApplicationError, group_errors: dict) -> None:
    """Field errors next to their input; per-language and link errors on their fieldset."""
    for field, field_messages in (error.fields or {"": [error.message]}).items():
        for message in field_messages:
            if field in form.fields:
                form.add_error(field, str(message))
            else:
                group_errors.setdefault(field or "form", []).append(str(message))
