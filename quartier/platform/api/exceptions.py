"""API plumbing shared by every app: the exception handler and base permissions."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from quartier.platform.errors import ApplicationError, is_database_outage


def exception_handler(exc, context):
    """Render every error as {"code", "message", "fields"}; never leak a 500 for bad input."""
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif is_database_outage(exc):
        # The database is down or restarting: answer fast so clients retry.
        return _database_unavailable()
    if not isinstance(exc, exceptions.APIException):
        return None
    return Response(_api_exception_body(exc), status=exc.status_code, headers=_auth_headers(exc))


def _database_unavailable() -> Response:
    body = {
        "code": "database_unavailable",
        "message": _("The service is briefly unavailable. Please retry in a few seconds."),
        "fields": {},
    }
    return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})


def _api_exception_body(exc: exceptions.APIException) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        fields, message = _flatten_validation(exc.detail)
        return {"code": "invalid", "message": message, "fields": fields}
    detail = exc.detail
    code = getattr(detail, "code", None) or exc.default_code
    return {"code": str(code), "message": str(detail), "fields": {}}


def _flatten_validation(detail) -> tuple[dict, str]:
    if isinstance(detail, dict):
        fields = {str(key): _messages(value) for key, value in detail.items()}
        first_field = next(iter(fields), None)
        if first_field in (None, "non_field_errors"):
            message = fields.get("non_field_errors", [_("Invalid input.")])[0]
        else:
            message = _("%(field)s: %(message)s") % {
                "field": first_field,
                "message": fields[first_field][0],
            }
        return fields, message
    messages = _messages(detail)
    return {"non_field_errors": messages}, messages[0] if messages else _("Invalid input.")


def _messages(value) -> list:
    if isinstance(value, list):
        flat = []
        for item in value:
            if isinstance(item, dict):
                flat.append({key: _messages(inner) for key, inner in item.items()})
            else:
                flat.extend(_messages(item) if isinstance(item, list) else [str(item)])
        return flat
    if isinstance(value, dict):
        return [{key: _messages(inner) for key, inner in value.items()}]
    return [str(value)]


def _django_validation_detail(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
    return {"non_field_errors": list(error.messages)}


def _auth_headers(exc: exceptions.APIException) -> dict:
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    return headers
