"""`Idempotency-Key` on the API's creating POSTs: a retry gets the first answer.

    @extend_schema(request=..., responses={201: ..., **IDEMPOTENCY_RESPONSES})
    @idempotent
    def post(self, request): ...

Without the header a request runs as before. With it, the view runs inside one
transaction that first claims the key (quartier.marketplace.idempotency) and stores the
answer before committing: a retry of a committed request is answered from the store
(with `Idempotent-Replayed: true`), never written twice. Only successful answers are
stored; an error rolls everything back, key included, so the client may retry it.
"""

import functools
import hashlib
import json

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from quartier.marketplace import idempotency
from quartier.platform.api.schema import ErrorSerializer

REPLAYED_HEADER = "Idempotent-Replayed"

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name=idempotency.HEADER,
    # HTTP drops spaces around a header value, so the schema offers none there (the server
    # takes any 1-255 printable ASCII characters that reach it).
    type={"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]([ -~]*[!-~])?$"},
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Makes the request safe to retry for 24 hours: a retry with the same key (same "
        "user, method, path and body) gets the first answer again, with the header "
        f"`{REPLAYED_HEADER}: true`, and writes nothing. 1-255 printable ASCII characters."
    ),
)

REPLAYED_PARAMETER = OpenApiParameter(
    name=REPLAYED_HEADER,
    type={"type": "string", "enum": ["true"]},
    location=OpenApiParameter.HEADER,
    response=[200, 201, 204],
    description="Sent only on a replayed answer: this is the stored answer of the first "
    "request with the same Idempotency-Key; nothing was written again.",
)

IDEMPOTENCY_RESPONSES = {
    409: OpenApiResponse(
        ErrorSerializer,
        description="`idempotency_in_progress`: a request with this Idempotency-Key is "
        "still running; retry shortly (or another conflict named by its code).",
    ),
    422: OpenApiResponse(
        ErrorSerializer,
        description="`idempotency_key_reused`: this Idempotency-Key already answered a "
        "different request (another method, path or body).",
    ),
}


def idempotent(view_method):
    """Honour `Idempotency-Key` on an authenticated view method (see the module docstring)."""

    @functools.wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(idempotency.HEADER)
        if key is None:
            return view_method(view, request, *args, **kwargs)
        idempotency.idempotency_key_check(key)
        fingerprint = idempotency.request_fingerprint(
            method=request.method, path=request.get_full_path(), body=_canonical_body(request)
        )
        with transaction.atomic():
            stored = idempotency.idempotency_key_claim(
                user=request.user, key=key, fingerprint=fingerprint
            )
            if stored is not None:
                return _replay(stored)
            response = view_method(view, request, *args, **kwargs)
            if status.is_success(response.status_code):
                idempotency.idempotency_key_record(
                    user=request.user,
                    key=key,
                    fingerprint=fingerprint,
                    answer=idempotency.StoredAnswer(
                        status=response.status_code, body=_json_text(response.data)
                    ),
                )
        return response

    return extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER, REPLAYED_PARAMETER])(wrapper)


def idempotent_without_transaction(view_method):
    """`idempotent` for views that call Stripe: no transaction stays open around the call.

    The key is held by a lock for the request (see `idempotency_key_held`) and the answer
    stored in its own short transaction after the view's services have committed. A
    worker that dies between the two leaves the write without a stored answer; the
    client's retry then runs the view again, which the services' own Stripe idempotency
    keys and state checks make safe.
    """

    @functools.wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(idempotency.HEADER)
        if key is None:
            return view_method(view, request, *args, **kwargs)
        idempotency.idempotency_key_check(key)
        fingerprint = idempotency.request_fingerprint(
            method=request.method, path=request.get_full_path(), body=_canonical_body(request)
        )
        with idempotency.idempotency_key_held(
            user=request.user, key=key, fingerprint=fingerprint
        ) as stored:
            if stored is not None:
                return _replay(stored)
            response = view_method(view, request, *args, **kwargs)
            if status.is_success(response.status_code):
                with transaction.atomic():
                    idempotency.idempotency_key_record(
                        user=request.user,
                        key=key,
                        fingerprint=fingerprint,
                        answer=idempotency.StoredAnswer(
                            status=response.status_code, body=_json_text(response.data)
                        ),
                    )
        return response

    return extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER, REPLAYED_PARAMETER])(wrapper)


def _canonical_body(request) -> bytes:
    """The parsed body as sorted JSON: a multipart retry gets a new boundary, same data."""
    data = request.data
    if hasattr(data, "lists"):  # form and multipart bodies: a QueryDict, files included
        data = [
            [name, [_file_digest(value) if hasattr(value, "chunks") else value for value in values]]
            for name, values in sorted(data.lists())
        ]
    # ASCII escapes: a lone surrogate (valid in JSON as an escape) must not fail to encode.
    return json.dumps(data, cls=JSONEncoder, sort_keys=True, separators=(",", ":")).encode()


def _file_digest(upload) -> dict:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)  # the view reads it again
    return {"name": upload.name, "sha256": digest.hexdigest()}


def _json_text(data) -> str:
    return "" if data is None else json.dumps(data, cls=JSONEncoder)


def _replay(stored: idempotency.StoredAnswer) -> Response:
    return Response(
        json.loads(stored.body) if stored.body else None,
        status=stored.status,
        headers={REPLAYED_HEADER: "true"},
    )
