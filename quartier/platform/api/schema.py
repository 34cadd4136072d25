"""The OpenAPI contract: our error body on every operation, and one schema per host.

Errors are documented generically from what the view really does (authentication,
permissions, path parameters, request body, throttles), because every one of them is
rendered by the one exception handler as {"code", "message", "fields"}. A view documents
an error the rules cannot see (a 404 without a path parameter, say) with `@errors(...)`.
"""

from collections.abc import Callable

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.throttling import ScopedRateThrottle

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

ERROR_DESCRIPTIONS = {
    400: "Invalid input: a malformed body, path or query parameter; `fields` names each one.",
    401: "No valid credentials: the token is missing, unknown or revoked.",
    402: "The payment was declined.",
    403: "Signed in, but not allowed to do this (or a session request without CSRF token).",
    404: "No such resource, or not one you can see.",
    409: "The resource's current state does not allow this change.",
    415: "The body's media type is not JSON, form or multipart data.",
    422: "This Idempotency-Key was already used with a different request.",
    429: "Too many attempts; retry after Retry-After seconds.",
    503: (
        "Briefly unavailable (the database is restarting, the marketplace is suspended, "
        "or a provider such as payments is not configured or not answering); "
        "retry after Retry-After seconds."
    ),
}

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer"},
    }
}


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "type": "array",
            "items": {
                "oneOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "description": "The errors of one item of a list, by field.",
                    },
                ]
            },
        },
    }
)
class ErrorFieldsField(serializers.DictField):
    pass


class WallClockTimeExtension(OpenApiSerializerFieldExtension):
    """A TimeField is a wall-clock time ("08:00:00"), not an RFC 3339 time with an offset.

    OpenAPI's `format: time` is read as RFC 3339's, which requires the offset, so a
    validating client would refuse every time we send.
    """

    target_class = "rest_framework.fields.TimeField"

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
            "example": "08:00:00",
        }


class ErrorSerializer(serializers.Serializer):
    """The one error body of the API (see quartier.platform.api.exceptions)."""

    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `slot_taken`.")
    message = serializers.CharField(help_text="Human-readable, in the request's language.")
    fields = ErrorFieldsField(help_text="The messages of each field at fault, by field name.")

    class Meta:
        ref_name = "Error"


def errors(*codes: int) -> Callable:
    """Document error statuses a view method answers that the generic rules do not see."""

    def decorate(method):
        method.documented_errors = (*getattr(method, "documented_errors", ()), *codes)
        return method

    return decorate


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in sorted(self._error_codes()):
            responses.setdefault(str(code), self._error_response(code))
        return responses

    def _error_response(self, code: int) -> dict:
        response = self._get_response_for_code(
            OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]),
            str(code),
            media_types=["application/json"],
        )
        if code in (429, 503):
            response["headers"] = {**RETRY_AFTER, **response.get("headers", {})}
        return response

    def _error_codes(self) -> set[int]:
        view = self.view
        # Any request can be malformed (an unknown or invalid query parameter, a body too
        # deeply nested) and any can meet a database restart or a suspended marketplace.
        codes = {400, 503}
        if view.get_authenticators():
            # An unknown token is refused before permissions are even asked.
            codes.add(401)
        if self._is_guarded() or (self.method in UNSAFE_METHODS and view.get_authenticators()):
            codes.add(403)
        if self._has_path_parameters():
            codes.add(404)
        if self.method in UNSAFE_METHODS:
            codes.add(409)
        if self.method in ("POST", "PUT", "PATCH"):
            codes.add(415)
        if self._has_idempotency_key():
            codes.add(422)
        if self._is_throttled():
            codes.add(429)
        handler = getattr(view, self.method.lower(), None)
        codes.update(getattr(handler, "documented_errors", ()))
        return codes

    def _is_guarded(self) -> bool:
        return any(not isinstance(p, AllowAny) for p in self.view.get_permissions())

    def _has_path_parameters(self) -> bool:
        return "{" in self.path

    def _is_throttled(self) -> bool:
        throttles = self.view.get_throttles()
        scoped = [t for t in throttles if isinstance(t, ScopedRateThrottle)]
        # A scoped throttle whose scope has no rate lets every request through.
        return len(throttles) > len(scoped) or any(
            getattr(self.view, "throttle_scope", None) in t.THROTTLE_RATES for t in scoped
        )

    def _has_idempotency_key(self) -> bool:
        return any(
            getattr(p, "name", "").lower() == "idempotency-key"
            for p in self.get_override_parameters()
        )


OPERATOR_PATH_PREFIX = "/api/operator/"
# How operator staff get their token. The accounts API answers on the platform's domain
# too, but nothing else of it is meant for the operator (sign-up there is refused).
OPERATOR_SHARED_PATHS = ("/api/auth/token/",)


def operator_endpoints_only(endpoints, **kwargs):
    """Preprocessing hook of the operator host's schema: its own routes, no tenant route."""
    return [
        endpoint
        for endpoint in endpoints
        if endpoint[0].startswith(OPERATOR_PATH_PREFIX) or endpoint[0] in OPERATOR_SHARED_PATHS
    ]


OPERATOR_SCHEMA_SETTINGS = {
    "TITLE": "Quartier operator API",
    "DESCRIPTION": (
        "The platform operator's API, on the platform's own domain: tenants, domains, "
        "invoices, plans and dead letters. Staff sign in with POST /api/auth/token/."
    ),
    "PREPROCESSING_HOOKS": [
        "quartier.platform.api.schema.operator_endpoints_only",
    ],
}
