"""Writes and checks of the tenant's SSO configuration."""

from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from quartier.platform.errors import ApplicationError
from quartier.platform.netguard import host_is_private
from quartier.sso import errors
from quartier.sso.crypto import secret_encrypt
from quartier.sso.models import SsoConfiguration

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_TIMEOUT_SECONDS = 5


def issuer_check(issuer_url: str) -> str:
    """The issuer without a trailing slash; refused unless https on a public address
    (SSO_ALLOW_PRIVATE, a test-only setting, lets http on loopback through)."""
    issuer = issuer_url.strip().rstrip("/")
    parsed = urlsplit(issuer)
    allow_private = getattr(settings, "SSO_ALLOW_PRIVATE", False)
    allowed_schemes = ("http", "https") if allow_private else ("https",)
    if parsed.scheme not in allowed_schemes or not parsed.hostname:
        raise ApplicationError.invalid_field(
            "issuer_url",
            _("The issuer must be an https address."),
            code=errors.ISSUER_NOT_ALLOWED,
        )
    if not allow_private and host_is_private(parsed.hostname):
        raise ApplicationError.invalid_field(
            "issuer_url",
            _("The issuer must be on the internet, not on a private or local address."),
            code=errors.ISSUER_NOT_ALLOWED,
        )
    return issuer


@transaction.atomic
def sso_configuration_update(
    *,
    mode: str,
    issuer_url: str,
    client_id: str,
    client_secret: str,
    scopes: str,
    brand_name: str,
    claim_name: str,
    claim_email: str,
    claim_language: str,
    claim_customer_number: str,
    required_claim_name: str,
    required_claim_value: str,
) -> SsoConfiguration:
    """Save the configuration; an empty client secret keeps the stored one."""
    configuration = (
        SsoConfiguration.objects.select_for_update().filter(singleton=True).first()
        or SsoConfiguration()
    )
    if issuer_url:
        issuer_url = issuer_check(issuer_url)
    if client_secret:
        configuration.client_secret_encrypted = secret_encrypt(client_secret)
    if required_claim_value and not required_claim_name:
        raise ApplicationError.invalid_field(
            "required_claim_name", _("Name the claim whose value is required.")
        )
    configuration.mode = mode
    configuration.issuer_url = issuer_url
    configuration.client_id = client_id.strip()
    configuration.scopes = " ".join(scopes.split()) or "openid"
    configuration.brand_name = brand_name.strip()
    configuration.claim_name = claim_name.strip() or "name"
    configuration.claim_email = claim_email.strip() or "email"
    configuration.claim_language = claim_language.strip()
    configuration.claim_customer_number = claim_customer_number.strip()
    configuration.required_claim_name = required_claim_name.strip()
    configuration.required_claim_value = required_claim_value.strip()
    if mode != SsoConfiguration.Mode.PASSWORD_ONLY and not (
        configuration.issuer_url and configuration.client_id
    ):
        raise ApplicationError(
            errors.SSO_INCOMPLETE,
            _("Single sign-on needs an issuer, a client ID and a client secret."),
            fields={"issuer_url": [_("Required for single sign-on.")]}
            if not configuration.issuer_url
            else {"client_id": [_("Required for single sign-on.")]},
        )
    if mode != SsoConfiguration.Mode.PASSWORD_ONLY and not configuration.client_secret_encrypted:
        raise ApplicationError.invalid_field(
            "client_secret", _("Required for single sign-on."), code=errors.SSO_INCOMPLETE
        )
    configuration.save()
    return configuration


@dataclass(frozen=True)
class DiscoveryResult:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str


def sso_connection_test(*, issuer_url: str) -> DiscoveryResult:
    """Fetch the provider's discovery document and check it names this issuer."""
    issuer = issuer_check(issuer_url)

    def failed(message: str) -> ApplicationError:
        return ApplicationError.invalid_field("issuer_url", message, code=errors.DISCOVERY_FAILED)

    try:
        response = requests.get(
            issuer + DISCOVERY_PATH, timeout=DISCOVERY_TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.RequestException:
        raise failed(_("The provider could not be reached.")) from None
    if response.status_code != 200:
        raise failed(
            _("The provider answered with status %(status)s.") % {"status": response.status_code}
        )
    try:
        document = response.json()
    except ValueError:
        raise failed(_("The provider's discovery document is not valid JSON.")) from None
    if not isinstance(document, dict):
        raise failed(_("The provider's discovery document is not valid JSON."))
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise failed(_("The discovery document names another issuer."))
    missing = [
        key
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if not document.get(key)
    ]
    if missing:
        raise failed(_("The discovery document lacks %(keys)s.") % {"keys": ", ".join(missing)})
    return DiscoveryResult(
        issuer=document["issuer"],
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
    )
