"""`Authorization: Bearer qk_...`: a tenant API key, checked in the request's schema.

A key lives in its tenant's schema, so a key of another tenant is simply not found there
(401). The key authenticates as the admin who created it, and its scopes are checked
here, for every view (see quartier.integrations.scopes): a route that needs a scope the
key lacks, or that no scope covers, is refused with 403.
"""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, TokenAuthentication

from quartier.integrations import errors
from quartier.integrations.keys import TOKEN_PREFIX, api_key_check
from quartier.integrations.scopes import SCOPES, scope_for

# Longer than any token we issue; a huge header is refused before any work.
MAX_HEADER_LENGTH = 200


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not isinstance(header, str) or not header.startswith(f"{self.keyword} "):
            return None
        token = header[len(self.keyword) + 1 :].strip()
        if not token.startswith(TOKEN_PREFIX):
            return None  # another kind of bearer token: not ours to judge
        if len(header) > MAX_HEADER_LENGTH or not token.isascii():
            raise self._invalid()
        if getattr(request._request, "tenant", None) is None:
            raise self._invalid()  # the platform's own host has no keys
        key = api_key_check(token)
        if key is None:
            raise self._invalid()
        self._check_scope(request, key)
        return key.created_by, key

    def authenticate_header(self, request):
        # DRF asks only the first class for the 401 challenge: name the scheme the client
        # tried, else the API's usual one (a user's token).
        if request.META.get("HTTP_AUTHORIZATION", "").startswith(f"{self.keyword} "):
            return f'{self.keyword} realm="api"'
        return TokenAuthentication.keyword

    @staticmethod
    def _invalid():
        return exceptions.AuthenticationFailed(
            _("This API key is not valid here, has expired or was revoked."),
            code=errors.API_KEY_INVALID,
        )

    @staticmethod
    def _check_scope(request, key) -> None:
        match = getattr(request._request, "resolver_match", None)
        needed = scope_for(match.view_name if match else "", request.method)
        if needed is None:
            raise exceptions.PermissionDenied(
                _("API keys cannot use this endpoint."), code=errors.API_KEY_SCOPE
            )
        if needed not in key.scopes:
            raise exceptions.PermissionDenied(
                _("This API key lacks the permission “%(scope)s”.") % {"scope": SCOPES[needed]},
                code=errors.API_KEY_SCOPE,
            )


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Documents the key in the OpenAPI schema as an http bearer scheme."""

    target_class = "quartier.integrations.api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "qk_<prefix>_<secret>"}
