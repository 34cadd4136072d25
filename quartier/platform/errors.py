"""The one application error type: a stable code, a message, the fields at fault.

Services raise it; the API renders it as {"code", "message", "fields"} with its HTTP
status, pages show it as a form error.
"""

from http import HTTPStatus

from django.utils.functional import Promise
from django.utils.translation import gettext

INVALID = "invalid"
NOT_FOUND = "not_found"
PERMISSION_DENIED = "permission_denied"
CONFLICT = "conflict"
UNAVAILABLE = "unavailable"


class ApplicationError(Exception):
    def __init__(
        self,
        code: str,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        status: int = HTTPStatus.BAD_REQUEST,
        extra: dict | None = None,
    ):
        # Messages are translated where they are raised (gettext, in the request's
        # language); a lazy one is made a plain str here so as_dict() stays JSON-safe.
        message = str(message)
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = {
            field: [str(item) if isinstance(item, Promise) else item for item in messages]
            if isinstance(messages, list)
            else messages
            for field, messages in (fields or {}).items()
        }
        self.status = int(status)
        self.extra = extra or {}

    @classmethod
    def invalid_field(cls, field: str, message: str, *, code: str = INVALID) -> "ApplicationError":
        return cls(code, message, fields={field: [message]})

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "fields": self.fields, **self.extra}

    def __repr__(self) -> str:
        return f"ApplicationError({self.code!r}, {self.message!r}, fields={self.fields!r})"


class NotFound(ApplicationError):
    def __init__(self, message: str | None = None):
        super().__init__(NOT_FOUND, message or gettext("Not found."), status=HTTPStatus.NOT_FOUND)


class PermissionDenied(ApplicationError):
    def __init__(self, message: str | None = None):
        super().__init__(
            PERMISSION_DENIED,
            message or gettext("You may not do this."),
            status=HTTPStatus.FORBIDDEN,
        )


class Conflict(ApplicationError):
    def __init__(self, code: str, message: str, *, extra: dict | None = None):
        super().__init__(code, message, status=HTTPStatus.CONFLICT, extra=extra)


# Dead letters of background tasks.
ALREADY_RETRIED = "already_retried"
UNKNOWN_TASK = "unknown_task"
TENANT_NOT_ACTIVE = "tenant_not_active"


def is_database_outage(error: BaseException | None) -> bool:
    """The database is down or restarting (Django's wrapped errors or the driver's own).

    A connection cut mid-query can also surface as a plain DatabaseError ("error with
    status PGRES_TUPLES_OK and no message from the libpq"); that counts as an outage
    when the connection is no longer usable, so a real bug still shows as a 500.
    """
    import psycopg2
    from django.db import DatabaseError, InterfaceError, OperationalError, connection

    if isinstance(
        error,
        OperationalError | InterfaceError | psycopg2.OperationalError | psycopg2.InterfaceError,
    ):
        return True
    if isinstance(error, DatabaseError | psycopg2.DatabaseError):
        return connection.connection is None or not connection.is_usable()
    return False
