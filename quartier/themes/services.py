"""Writes of the theme: defaults at provisioning, draft edits, files, publishing."""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.marketplace.services import audit_record
from quartier.platform.errors import ApplicationError
from quartier.platform.tenant_cache import invalidate
from quartier.platform.uploads import image_clean
from quartier.themes import selectors
from quartier.themes import tokens as t
from quartier.themes.models import Theme

ASSETS = ("logo", "favicon")
# Re-encoded size limits: a logo is shown at most ~3rem high, a favicon at 32-180 px.
_ASSET_LIMITS = {
    "logo": {"max_bytes": 2 * 1024 * 1024, "max_side": 800},
    "favicon": {"max_bytes": 512 * 1024, "max_side": 256},
}


def _locked_theme() -> Theme:
    theme = Theme.objects.select_for_update().filter(singleton=True).first()
    if theme is None:
        theme = selectors.theme_get()
        theme.save()
    return theme


def _invalidate() -> None:
    invalidate(selectors.published_cache_key())


def _delete_files_later(theme: Theme, names: set[str]) -> None:
    """Delete files no version refers to any more, once the change is committed."""
    in_use = {
        theme.draft_logo.name,
        theme.draft_favicon.name,
        theme.published_logo.name,
        theme.published_favicon.name,
    }
    orphans = {name for name in names if name and name not in in_use}
    if not orphans:
        return
    storage = theme.draft_logo.storage

    def delete():
        for name in orphans:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def theme_initialise(*, name: str) -> Theme:
    """The default theme of a new marketplace, already published (version 1)."""
    defaults = t.default_tokens(name=name)
    theme, _ = Theme.objects.get_or_create(
        singleton=True, defaults={"draft": defaults, "published": defaults}
    )
    return theme


@transaction.atomic
def theme_draft_update(*, actor, changes: dict) -> Theme:
    """Apply changes (whole fields) to the draft; the result must validate as a whole."""
    if not isinstance(changes, dict):
        raise ApplicationError.invalid_field(
            "non_field_errors", _("Give an object of theme fields.")
        )
    theme = _locked_theme()
    draft = t.tokens_validate({**theme.draft, **changes})
    if draft != theme.draft:
        theme.draft = draft
        theme.draft_revision += 1
        theme.save(update_fields=["draft", "draft_revision", "updated_at"])
    return theme


@transaction.atomic
def theme_asset_set(*, actor, asset: str, upload, field: str = "") -> Theme:
    """Sniff, re-encode and store a logo or favicon as the draft's.

    `field` names the input in errors (the API's "file"; the editor's "logo").
    """
    if asset not in ASSETS:
        raise ApplicationError.invalid_field("asset", _("Unknown theme file."))
    clean = image_clean(upload, field=field or asset, **_ASSET_LIMITS[asset])
    theme = _locked_theme()
    file = getattr(theme, f"draft_{asset}")
    previous = file.name
    # A new name per upload: browsers and CDNs never show a stale image.
    file.save(f"{asset}-{uuid.uuid4().hex}.{clean.extension}", clean.content, save=False)
    theme.draft_revision += 1
    theme.save(update_fields=[f"draft_{asset}", "draft_revision", "updated_at"])
    _delete_files_later(theme, {previous})
    return theme


@transaction.atomic
def theme_asset_remove(*, actor, asset: str) -> Theme:
    if asset not in ASSETS:
        raise ApplicationError.invalid_field("asset", _("Unknown theme file."))
    theme = _locked_theme()
    field = getattr(theme, f"draft_{asset}")
    previous = field.name
    if previous:
        setattr(theme, f"draft_{asset}", "")
        theme.draft_revision += 1
        theme.save(update_fields=[f"draft_{asset}", "draft_revision", "updated_at"])
        _delete_files_later(theme, {previous})
    return theme


@transaction.atomic
def theme_publish(*, actor) -> Theme:
    """Make the draft what visitors see; takes effect on the next request everywhere."""
    theme = _locked_theme()
    # Validated again: the rules may have tightened since the draft was saved.
    draft = t.tokens_validate(theme.draft)
    previous = {theme.published_logo.name, theme.published_favicon.name}
    before = {"version": theme.version}
    theme.draft = draft
    theme.published = draft
    theme.published_logo = theme.draft_logo.name
    theme.published_favicon = theme.draft_favicon.name
    theme.version += 1
    theme.published_at = timezone.now()
    theme.published_by = actor if actor is not None and actor.is_authenticated else None
    theme.save()
    audit_record(
        actor=actor,
        action="theme.publish",
        subject=theme,
        before=before,
        after={"version": theme.version},
    )
    _invalidate()
    old_css_key = selectors.css_cache_key(before["version"])
    transaction.on_commit(lambda: cache.delete(old_css_key))
    _delete_files_later(theme, previous)
    return theme
