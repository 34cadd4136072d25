"""allauth's socialaccount, bound to the tenant's SSO configuration.

The SocialApp is never stored: `list_apps` builds it per request from the current
schema's SsoConfiguration, so only the tenant whose host served the request can be the
provider. Linking and refusals happen in `pre_social_login`, before allauth writes
anything; a refusal or a failed round trip renders sso/error.html (no 500).
"""

from http import HTTPStatus

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthError
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.platform.errors import ApplicationError
from quartier.sso.crypto import secret_decrypt
from quartier.sso.models import SsoConfiguration, SsoProfile
from quartier.sso.selectors import sso_configuration
from quartier.sso.services import issuer_check

PROVIDER = "openid_connect"
PROVIDER_ID = "tenant"


def sso_error_response(request, message: str, *, status: int = HTTPStatus.BAD_REQUEST):
    return render(request, "sso/error.html", {"message": message}, status=status)


def refuse(request, message: str, *, status: int = HTTPStatus.FORBIDDEN):
    raise ImmediateHttpResponse(sso_error_response(request, message, status=status))


def claims_of(sociallogin) -> dict:
    """The ID token's claims, overlaid by the userinfo response's."""
    data = sociallogin.account.extra_data or {}
    if "userinfo" not in data and "id_token" not in data:
        return dict(data)
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def _is_true(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes")


def language_of(value) -> str:
    """A claim such as "de-CH" or "fr" as one of our languages, "" when none fits."""
    code = str(value or "").replace("_", "-").split("-")[0].lower()
    return code if code in {language for language, _name in settings.LANGUAGES} else ""


def app_for(configuration: SsoConfiguration) -> SocialApp | None:
    if not configuration.is_enabled:
        return None
    secret = secret_decrypt(configuration.client_secret_encrypted)
    if secret is None:
        return None
    try:
        issuer = issuer_check(configuration.issuer_url)
    except ApplicationError:
        return None
    return SocialApp(
        provider=PROVIDER,
        provider_id=PROVIDER_ID,
        name=configuration.brand_name or PROVIDER_ID,
        client_id=configuration.client_id,
        secret=secret,
        settings={
            "server_url": issuer,
            "scope": configuration.scope_list,
            "oauth_pkce_enabled": True,
            # The ID token must come from the issuer the admin entered, whatever the
            # discovery document claims.
            "openid_configuration_overrides": {"issuer": issuer},
        },
    )


class SsoAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        if provider not in (None, PROVIDER, PROVIDER_ID):
            return []
        app = app_for(sso_configuration())
        if app is None or (client_id and client_id != app.client_id):
            return []
        return [app]

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True

    def pre_social_login(self, request, sociallogin) -> None:
        configuration = sso_configuration()
        if sociallogin.state.get("process", "login") != "login":
            refuse(request, _("This sign-in could not be completed. Please start again."))
        claims = claims_of(sociallogin)
        if configuration.required_claim_name:
            value = claims.get(configuration.required_claim_name)
            if str(value if value is not None else "") != configuration.required_claim_value:
                refuse(
                    request,
                    _(
                        "Your %(brand)s account may not use this marketplace. "
                        "Please contact %(brand)s if you think this is wrong."
                    )
                    % {"brand": configuration.brand_name or sso_button_label_brand()},
                )
        if sociallogin.is_existing:
            self._refuse_unusable(request, sociallogin.user)
            return
        email = str(claims.get(configuration.claim_email) or "").strip().lower()
        if not email or "@" not in email:
            refuse(request, _("Your provider did not tell us your e-mail address."))
        verified = _is_true(claims.get("email_verified"))
        existing = get_user_model().objects.filter(email__iexact=email).first()
        if existing is not None:
            if not verified:
                # Linking on an unverified address would hand this account to whoever
                # typed the address at the provider.
                refuse(
                    request,
                    _(
                        "An account with this e-mail address already exists, and your "
                        "provider has not confirmed that the address is yours. Sign in with "
                        "your password instead."
                    ),
                    status=HTTPStatus.CONFLICT,
                )
            self._refuse_unusable(request, existing)
            with transaction.atomic():
                sociallogin.connect(request, existing)
                self._remember(existing, configuration, claims)
            return
        sociallogin.email_addresses = [EmailAddress(email=email, verified=verified, primary=True)]

    @staticmethod
    def _refuse_unusable(request, user) -> None:
        """Accounts single sign-on must not open (allauth would send them to pages of
        its own that we do not serve)."""
        from allauth.mfa.models import Authenticator

        if not user.is_active:
            refuse(request, _("This account is disabled."))
        second_factors = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
        if Authenticator.objects.filter(user=user, type__in=second_factors).exists():
            refuse(
                request,
                _(
                    "Your account is protected by a second factor. Please sign in with "
                    "your password and your second factor."
                ),
            )

    def populate_user(self, request, sociallogin, data):
        configuration = sso_configuration()
        claims = claims_of(sociallogin)
        user = sociallogin.user
        user.email = str(claims.get(configuration.claim_email) or "").strip().lower()
        user.full_name = str(claims.get(configuration.claim_name) or "")[:150]
        if configuration.claim_language:
            user.preferred_language = language_of(claims.get(configuration.claim_language))
        if _is_true(claims.get("email_verified")):
            user.email_verified_at = timezone.now()
        return user

    def save_user(self, request, sociallogin, form=None):
        # One transaction: a user without their account link (or profile) is never left.
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            self._remember(user, sso_configuration(), claims_of(sociallogin))
        return user

    @staticmethod
    def _remember(user, configuration: SsoConfiguration, claims: dict) -> None:
        if not configuration.claim_customer_number:
            return
        number = str(claims.get(configuration.claim_customer_number) or "")[:100]
        SsoProfile.objects.update_or_create(user=user, defaults={"customer_number": number})

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        extra_context = extra_context or {}
        if error == AuthError.CANCELLED:
            message = _("You cancelled the sign-in. You can start again whenever you like.")
        elif "state" not in extra_context and "state_id" in extra_context:
            message = _(
                "This sign-in link has expired or was not started here. Please start again."
            )
        elif exception is not None:
            raise ImmediateHttpResponse(
                sso_error_response(
                    request,
                    _("We could not confirm your sign-in with your provider. Please try again."),
                    status=HTTPStatus.BAD_GATEWAY,
                )
            )
        elif request.GET.get("error"):
            message = _("Your provider did not sign you in. Please try again.")
        else:
            message = _("Your provider's answer was incomplete. Please try again.")
        raise ImmediateHttpResponse(sso_error_response(request, message))


def sso_button_label_brand() -> str:
    from quartier.marketplace.selectors import marketplace_settings

    return marketplace_settings().display_name
