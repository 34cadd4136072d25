"""Tenant API keys: create (the token is returned once), revoke, check a presented token."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from quartier.integrations import errors
from quartier.integrations.models import ApiKey
from quartier.integrations.scopes import SCOPES
from quartier.platform.errors import ApplicationError

TOKEN_PREFIX = "qk_"  # noqa: S105 (a label, not a secret)
# qk_ + 8 hex + _ + 43 url-safe base64 characters (32 random bytes).
TOKEN_RE = re.compile(r"qk_([0-9a-f]{8})_[A-Za-z0-9_-]{43}")
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class CreatedKey:
    key: ApiKey
    token: str  # shown to the admin once, never stored


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, name: str, scopes: list[str], actor, expires_at: datetime | None = None
) -> CreatedKey:
    name = name.strip()
    if not name:
        raise ApplicationError.invalid_field("name", gettext("Give the key a name."))
    if not scopes or any(scope not in SCOPES for scope in scopes):
        raise ApplicationError.invalid_field(
            "scopes", gettext("Choose at least one permission."), code=errors.INVALID_SCOPES
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ApplicationError.invalid_field(
            "expires_at", gettext("Choose a date in the future."), code=errors.INVALID_EXPIRY
        )
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        name=name[:100],
        prefix=prefix,
        secret_hash=_digest(token),
        scopes=sorted(set(scopes)),
        created_by=actor,
        expires_at=expires_at,
    )
    return CreatedKey(key=key, token=token)


@transaction.atomic
def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_check(token: str, *, now: datetime | None = None) -> ApiKey | None:
    """The usable key of the current schema matching `token`, else None."""
    match = TOKEN_RE.fullmatch(token)
    if match is None:
        return None
    now = now or timezone.now()
    key = ApiKey.objects.select_related("created_by").filter(prefix=match.group(1)).first()
    if key is None or not hmac.compare_digest(key.secret_hash, _digest(token)):
        return None
    if not key.is_usable(now):
        return None
    owner = key.created_by
    if owner is None or not owner.is_tenant_admin:
        return None
    _touch(key, now)
    return key


def _touch(key: ApiKey, now: datetime) -> None:
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiKey.objects.filter(pk=key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    key.last_used_at = now
