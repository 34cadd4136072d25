"""Rules for tenant slugs and domains, checked before anything touches the database."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from quartier.platform.errors import ApplicationError
from quartier.tenants import errors

SLUG_MAX_LENGTH = 40
# Lowercase letters, digits and single inner hyphens; starts with a letter. The slug
# becomes a DNS label and, as t_<slug>, a PostgreSQL schema name, so both rules apply.
SLUG_PATTERN = re.compile(r"^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){1,39}$")
RESERVED_SLUGS = frozenset(
    {
        "www",
        "admin",
        "administrator",
        "api",
        "app",
        "assets",
        "auth",
        "billing",
        "blog",
        "cdn",
        "console",
        "dashboard",
        "default",
        "demo-admin",
        "dev",
        "docs",
        "email",
        "ftp",
        "help",
        "imap",
        "info",
        "login",
        "mail",
        "media",
        "metrics",
        "mx",
        "ns1",
        "ns2",
        "operator",
        "platform",
        "pool",
        "pop",
        "postgres",
        "public",
        "quartier",
        "root",
        "security",
        "smtp",
        "staging",
        "static",
        "status",
        "support",
        "system",
        "template",
        "test",
        "webmail",
    }
)
# RFC 1035 host names: labels of letters, digits and inner hyphens, 253 chars in all.
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
HOSTNAME_PATTERN = re.compile(rf"^(?:{_LABEL}\.)+[a-z]{{2,63}}$")


def schema_name_for_slug(slug: str) -> str:
    return "t_" + slug.replace("-", "_")


def validate_slug(slug: object) -> str:
    if not isinstance(slug, str) or not slug:
        raise ApplicationError.invalid_field(
            "slug", _("A slug is required."), code=errors.INVALID_SLUG
        )
    if len(slug) > SLUG_MAX_LENGTH:
        raise ApplicationError.invalid_field(
            "slug",
            _("At most %(slug_max_length)s characters.") % {"slug_max_length": SLUG_MAX_LENGTH},
            code=errors.INVALID_SLUG,
        )
    if not SLUG_PATTERN.match(slug):
        raise ApplicationError.invalid_field(
            "slug",
            _("Use 2-40 lowercase letters, digits and single hyphens, starting with a letter."),
            code=errors.INVALID_SLUG,
        )
    if slug in RESERVED_SLUGS or slug.startswith(("pg-", "pool-", "xn--")):
        raise ApplicationError.invalid_field(
            "slug", _("%(slug)s is reserved.") % {"slug": repr(slug)}, code=errors.RESERVED_SLUG
        )
    return slug


def validate_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ApplicationError.invalid_field(
            "name", _("A name is required."), code=errors.INVALID_NAME
        )
    name = name.strip()
    if len(name) > 100 or any(ord(char) < 32 for char in name):
        raise ApplicationError.invalid_field(
            "name", _("At most 100 printable characters."), code=errors.INVALID_NAME
        )
    return name


def validate_admin_email(email: object) -> str:
    try:
        if not isinstance(email, str):
            raise ValidationError(_("not a string"))
        validate_email(email)
    except ValidationError as error:
        raise ApplicationError.invalid_field(
            "admin_email", _("Enter a valid email address."), code=errors.INVALID_EMAIL
        ) from error
    return email.strip().lower()


def platform_subdomain(slug: str) -> str:
    return f"{slug}.{settings.PLATFORM_DOMAIN}"


def validate_custom_domain(domain: object, *, field: str = "domains") -> str:
    if not isinstance(domain, str):
        raise ApplicationError.invalid_field(
            field, _("A domain must be a string."), code=errors.INVALID_DOMAIN
        )
    hostname = domain.strip().lower().rstrip(".")
    if len(hostname) > 253 or not HOSTNAME_PATTERN.match(hostname):
        raise ApplicationError.invalid_field(
            field,
            _("%(domain)s is not a valid host name.") % {"domain": repr(domain)},
            code=errors.INVALID_DOMAIN,
        )
    platform = settings.PLATFORM_DOMAIN
    if hostname == platform or hostname.endswith("." + platform):
        raise ApplicationError.invalid_field(
            field,
            _("Sub-domains of %(platform)s are assigned by the platform, not added by hand.")
            % {"platform": platform},
            code=errors.INVALID_DOMAIN,
        )
    return hostname
