"""Keyset (cursor) pagination: stable under inserts and constant cost on deep pages."""

from django.utils.translation import gettext
from rest_framework import pagination
from rest_framework.exceptions import NotFound

from quartier.platform.errors import ApplicationError
from quartier.platform.params import integer_or_none, parse_integer

INVALID_CURSOR = "invalid_cursor"


class CursorPagination(pagination.CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-id"

    def decode_cursor(self, request):
        """A malformed cursor is the client's mistake (400 naming it), not a missing page.

        The position is checked too: it goes into `id < position`, where text such as
        "abc" or "²" would otherwise fail inside the query, as a 500.
        """
        try:
            cursor = super().decode_cursor(request)
        except NotFound as error:
            raise _invalid_cursor() from error
        if cursor and cursor.position is not None and integer_or_none(cursor.position) is None:
            raise _invalid_cursor()
        return cursor

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        return parse_integer(
            raw, field=self.page_size_query_param, min_value=1, max_value=self.max_page_size
        )

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


def _invalid_cursor() -> ApplicationError:
    message = gettext("This cursor is not valid; start again from the first page.")
    return ApplicationError(INVALID_CURSOR, message, fields={"cursor": [message]})
