"""Request body parsers: whatever a client sends, a body we cannot read is a 400.

The standard JSON parser recurses once per nesting level, so a few kilobytes of "[[[["
raised RecursionError (a 500) on every endpoint, anonymous ones included. Here the
nesting depth is measured by a linear scan before json.loads ever sees the text.
"""

import json
import re

from django.conf import settings
from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.settings import api_settings

INVALID_JSON = "invalid_json"
INVALID_BODY = "invalid_body"
MAX_JSON_DEPTH = 32

# A JSON string (escapes included) or one bracket: strings are skipped whole, so a
# bracket inside one does not count.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        symbol = match.group()
        if symbol in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif symbol in ("]", "}"):
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except (UnicodeDecodeError, LookupError) as error:
            raise _invalid_json(gettext("The request body is not valid UTF-8.")) from error
        if json_depth_exceeds(text):
            raise _invalid_json(
                gettext("The JSON body is nested more than %(limit)s levels deep.")
                % {"limit": MAX_JSON_DEPTH}
            )
        try:
            if api_settings.STRICT_JSON:
                return json.loads(text, parse_constant=_refuse_constant)
            return json.loads(text)
        except (ValueError, RecursionError) as error:
            raise _invalid_json(gettext("The request body is not valid JSON.")) from error


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _invalid_json(message: str) -> ParseError:
    return ParseError(message, code=INVALID_JSON)


class _ReadableOr400:
    """Any failure while reading a form body is the body's fault: a 400, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError:
            raise
        except (ValueError, UnicodeError, RecursionError) as error:
            raise ParseError(
                gettext("The request body could not be read."), code=INVALID_BODY
            ) from error


class FormParser(_ReadableOr400, parsers.FormParser):
    pass


class MultiPartParser(_ReadableOr400, parsers.MultiPartParser):
    pass
