"""The OpenAPI contract of each host: its own routes, our error body, real media types."""

import pytest
from django.core.management import call_command
from django.urls import path as route
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from tests.conftest import PLATFORM_HOST

OPERATOR_PREFIX = "/api/operator/"
ERROR_REF = "#/components/schemas/Error"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def fetch_schema(host: str) -> dict:
    response = APIClient(HTTP_HOST=host).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def tenant_schema(tenant_a) -> dict:
    return fetch_schema(tenant_a.host)


@pytest.fixture
def operator_schema(db) -> dict:
    return fetch_schema(PLATFORM_HOST)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_operator_schema_lists_operator_routes_and_no_tenant_route(operator_schema, tenant_schema):
    operator_paths = set(operator_schema["paths"])
    tenant_paths = set(tenant_schema["paths"])

    assert operator_schema["info"]["title"] == "Quartier operator API"
    assert {
        "/api/operator/tenants/",
        "/api/operator/tenants/{slug}/suspend/",
        "/api/operator/invoices/{id}/pdf/",
        "/api/operator/dead-letters/",
    } <= operator_paths
    # The only route both hosts serve is how one gets a token.
    assert operator_paths - {p for p in operator_paths if p.startswith(OPERATOR_PREFIX)} == {
        "/api/auth/token/"
    }
    assert operator_paths & tenant_paths == {"/api/auth/token/"}


def test_tenant_schema_has_no_operator_route(tenant_schema):
    paths = set(tenant_schema["paths"])

    assert [p for p in paths if p.startswith(OPERATOR_PREFIX)] == []
    assert {"/api/bookings/", "/api/listings/", "/api/me/"} <= paths
    assert tenant_schema["info"]["title"] == "Quartier marketplace API"


@pytest.mark.parametrize("host_schema", ["tenant_schema", "operator_schema"])
def test_every_operation_documents_its_errors_with_the_error_body(request, host_schema):
    schema = request.getfixturevalue(host_schema)
    missing = []

    for path, method, operation in operations(schema):
        errors = {
            code: response
            for code, response in operation["responses"].items()
            if code.startswith("4")
        }
        error_refs = {
            response["content"]["application/json"]["schema"].get("$ref")
            for response in errors.values()
        }
        if not errors or error_refs != {ERROR_REF}:
            missing.append(f"{method.upper()} {path}")
        if "503" not in operation["responses"]:
            missing.append(f"{method.upper()} {path} (503)")

    assert missing == []


def test_error_schema_is_our_error_body(tenant_schema):
    error = tenant_schema["components"]["schemas"]["Error"]

    assert error["required"] == ["code", "fields", "message"]
    assert error["properties"]["code"]["type"] == "string"
    assert error["properties"]["message"]["type"] == "string"
    assert error["properties"]["fields"]["additionalProperties"]["type"] == "array"


def test_errors_follow_what_the_view_does(tenant_schema):
    paths = tenant_schema["paths"]

    # A public read: no permission to lack, no path value to miss.
    categories = set(paths["/api/categories/"]["get"]["responses"])
    assert categories == {"200", "400", "401", "503"}
    # The same path, written to by an admin only.
    categories = set(paths["/api/categories/"]["post"]["responses"])
    assert categories == {"201", "400", "401", "403", "409", "415", "503"}
    # An authenticated write on one resource, whose state may forbid it.
    cancel = set(paths["/api/bookings/{id}/cancel/"]["post"]["responses"])
    assert {"400", "401", "403", "404", "409", "415", "503"} <= cancel
    # The token endpoint is throttled, and says when to come back.
    token = paths["/api/auth/token/"]["post"]["responses"]
    assert "429" in token
    assert token["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    assert "429" not in paths["/api/me/"]["get"]["responses"]


def test_downloads_declare_their_real_media_types(tenant_schema, operator_schema):
    def media_types(schema, path):
        return set(schema["paths"][path]["get"]["responses"]["200"]["content"])

    assert media_types(operator_schema, "/api/operator/invoices/{id}/pdf/") == {"application/pdf"}
    assert media_types(tenant_schema, "/api/bookings/{id}/messages/{message_id}/attachment/") == {
        "application/pdf",
        "image/jpeg",
        "image/png",
        "image/webp",
    }
    assert media_types(tenant_schema, "/api/billing/reports/commission.csv") == {"text/csv"}
    for path, method, operation in [*operations(tenant_schema), *operations(operator_schema)]:
        for response in operation["responses"].values():
            assert "application/octet-stream" not in response.get("content", {}), (method, path)


def test_operator_docs_page_reads_the_operator_schema(db):
    response = APIClient(HTTP_HOST=PLATFORM_HOST).get("/api/docs/")

    assert response.status_code == 200
    assert b"Quartier operator API" in response.content


@pytest.mark.parametrize("host", ["telco.localhost", PLATFORM_HOST])
def test_an_api_path_no_route_matches_answers_the_error_body(tenant_a, host):
    response = APIClient(HTTP_HOST=host).get("/api/operator/tenants/not a slug/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "message": "Not found.", "fields": {}}


def test_a_page_no_route_matches_stays_a_page(tenant_a):
    response = APIClient(HTTP_HOST=tenant_a.host).get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_path_parameters_say_what_the_route_accepts(operator_schema, tenant_schema):
    def path_schema(schema, path, name):
        item = schema["paths"][path]
        operation = next(item[m] for m in HTTP_METHODS if m in item)
        return next(p["schema"] for p in operation["parameters"] if p["name"] == name)

    domain_path = "/api/operator/tenants/{slug}/domains/{domain}/"
    assert path_schema(operator_schema, domain_path, "slug") == {
        "type": "string",
        "pattern": "^[-a-zA-Z0-9_]+$",
    }
    assert path_schema(operator_schema, domain_path, "domain") == {
        "type": "string",
        "pattern": "^[^/]+$",
    }
    assert path_schema(tenant_schema, "/api/bookings/{id}/", "id") == {
        "type": "integer",
        "minimum": 0,
    }


def test_signing_out_without_a_token_answers_the_error_body(tenant_a):
    response = tenant_a.client().delete("/api/auth/token/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


class _IdempotentCreateView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "signup"

    @extend_schema(
        request=None,
        responses={201: None},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def post(self, request):
        return Response(status=201)


def test_an_idempotency_key_and_a_throttle_document_their_errors():
    generator = SchemaGenerator(patterns=[route("things/", _IdempotentCreateView.as_view())])

    responses = generator.get_schema(request=None, public=True)["paths"]["/things/"]["post"][
        "responses"
    ]

    assert set(responses) == {"201", "400", "401", "403", "409", "415", "422", "429", "503"}
    assert responses["422"]["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}


@pytest.mark.parametrize(
    "options",
    [
        {},
        {
            "urlconf": "quartier.config.urls_public",
            "custom_settings": "quartier.platform.api.schema.OPERATOR_SCHEMA_SETTINGS",
        },
    ],
    ids=["tenant", "operator"],
)
def test_each_schema_is_valid_openapi_without_generator_warnings(db, tmp_path, options):
    call_command(
        "spectacular",
        validate=True,
        fail_on_warn=True,
        file=str(tmp_path / "schema.yaml"),
        **options,
    )

    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.0.3")


def test_deletes_that_answer_a_body_document_200(operator_schema, tenant_schema):
    def successes(schema, path):
        responses = schema["paths"][path]["delete"]["responses"]
        return {code for code in responses if code.startswith("2")}

    assert successes(operator_schema, "/api/operator/tenants/{slug}/") == {"200"}
    assert successes(operator_schema, "/api/operator/tenants/{slug}/domains/{domain}/") == {"200"}
    assert successes(tenant_schema, "/api/theme/logo/") == {"200"}
    assert successes(tenant_schema, "/api/listings/{id}/") == {"204"}
