"""Whatever a client sends (deep JSON, odd digits, stray parameters), the answer is a 400
naming what is wrong, never a 500 and never a silently different request."""

import base64
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.generics import ListAPIView

from quartier.bookings.models import Booking
from quartier.catalog.models import TaskRequest
from quartier.platform.api.parsers import MAX_JSON_DEPTH
from quartier.platform.api.query import QueryParameters
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider

# Pass str.isdigit() but are not ASCII numbers; then values int() would misread.
ODD_NUMBERS = ["١٢٣", "²", "１２", "1.5", "1e3", "9" * 30, "true"]


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# --- bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "path"),
    [(None, "/api/auth/token/"), (None, "/api/auth/signup/"), ("customer", "/api/bookings/")],
)
def test_a_deeply_nested_json_body_is_a_400_not_a_recursion_error(tenant_a, role, path):
    response = tenant_a.client(role).post(
        path, "[" * 5000 + "]" * 5000, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_json",
        "message": f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.",
        "fields": {},
    }


def test_json_at_the_depth_limit_is_parsed_and_validated_as_usual(tenant_a):
    body = '{"email": "a@b.ch", "password": ' + _nested(MAX_JSON_DEPTH - 1) + "}"

    response = tenant_a.client().post("/api/auth/token/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["fields"]) == {"password"}


def test_brackets_inside_json_strings_do_not_count_as_nesting(tenant_a):
    body = '{"email": "' + "[" * 100 + '", "password": "x"}'

    response = tenant_a.client().post("/api/auth/token/", body, content_type="application/json")

    # Parsed, then refused as a wrong login.
    assert response.status_code == 401
    assert response.json()["code"] != "invalid_json"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"email": ', "The request body is not valid JSON."),
        (b'{"email": NaN}', "The request body is not valid JSON."),
        (b'{"email": "\xff\xfe"}', "The request body is not valid UTF-8."),
    ],
)
def test_unreadable_json_is_a_400_invalid_json(tenant_a, body, message):
    response = tenant_a.client().post("/api/auth/token/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"code": "invalid_json", "message": message, "fields": {}}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"email=\xff\xfe%ZZ&password=\xc3", 401),
        ("email=١٢٣&password=²".encode(), 401),
        (b"%" * 3000, 400),
    ],
)
def test_form_encoded_bodies_with_odd_bytes_never_answer_500(tenant_a, body, status):
    response = tenant_a.client().post(
        "/api/auth/token/", body, content_type="application/x-www-form-urlencoded"
    )

    # Read (odd bytes replaced), then refused: a wrong login, or missing fields.
    assert response.status_code == status


def test_a_multipart_body_with_odd_bytes_is_a_400(tenant_a, provider_profile):
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="image"; filename="\xff\xfe.png"\r\n'
        b"Content-Type: image/png\r\n\r\n\xff\xd8\xff\r\n--XyZ--\r\n"
    )

    response = tenant_a.client("provider").post(
        "/api/providers/me/photo/", body, content_type="multipart/form-data; boundary=XyZ"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"image": ["No file was submitted."]}


def test_a_multipart_body_with_a_broken_boundary_is_a_400(tenant_a, provider_profile):
    response = tenant_a.client("provider").post(
        "/api/providers/me/photo/",
        b"--XyZ\r\nContent-Disposition: form-data; name=\xff\r\n\r\n",
        content_type="multipart/form-data; boundary=\xe9",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"username=\xff\xfe&password=\xc3%ZZ", "application/x-www-form-urlencoded", 200),
        ("username=١٢٣&password=²".encode(), "application/x-www-form-urlencoded", 200),
        (b"--\xe9\r\n\r\n", "multipart/form-data; boundary=\xe9", 400),
    ],
)
def test_a_page_form_posted_with_odd_bytes_never_answers_500(tenant_a, body, content_type, status):
    response = tenant_a.client().post("/accounts/login/", body, content_type=content_type)

    # 200: the login form again, refused; 400: Django's answer to an unreadable multipart.
    assert response.status_code == status


# --- numbers in query parameters ------------------------------------------------------

SEARCH = {"q": "wlan"}
# (who, path, parameter, the other parameters the request needs)
API_NUMBERS = [
    (None, "/api/listings/search/", "price_min", SEARCH),
    (None, "/api/listings/search/", "price_max", SEARCH),
    (None, "/api/listings/search/", "radius_km", {"postal_code": "8004"}),
    (None, "/api/listings/search/", "page_size", SEARCH),
    (None, "/api/listings/search/", "min_rating", SEARCH),
    (None, "/api/listings/search/", "latitude", {"longitude": "8.5"}),
    (None, "/api/listings/search/", "longitude", {"latitude": "47.3"}),
    ("provider", "/api/tasks/search/", "radius_km", {}),
    ("customer", "/api/billing/payments/", "booking", {}),
    ("customer", "/api/billing/payments/", "page_size", {}),
    ("customer", "/api/bookings/", "page_size", {}),
    ("customer", "/api/listings/", "page_size", {}),
    ("customer", "/api/listings/", "category", {}),
    ("customer", "/api/tasks/", "page_size", {}),
    ("admin", "/api/audit/", "subject_id", {}),
    ("admin", "/api/audit/", "page_size", {}),
    ("admin", "/api/vetting/applications/", "page_size", {}),
    ("admin", "/api/billing/payouts/", "page_size", {}),
    ("admin", "/api/billing/ledger/entries/", "page_size", {}),
]


@pytest.fixture
def provider_profile(tenant_a):
    with tenant_a.context():
        return make_provider(user=tenant_a.users["provider"])


@pytest.mark.parametrize("value", ODD_NUMBERS)
@pytest.mark.parametrize(("role", "path", "parameter", "others"), API_NUMBERS)
def test_every_numeric_api_parameter_refuses_what_is_not_an_ascii_number(
    tenant_a, provider_profile, role, path, parameter, others, value
):
    if parameter == "min_rating" and value == "1.5":
        value = "4.5e0"  # 1.5 is a rating; an exponent is not a plain number
    response = tenant_a.client(role).get(path, {**others, parameter: value})

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [parameter]


@pytest.mark.parametrize("value", ["١٢٣", "²", "１２"])
def test_a_category_given_in_odd_digits_is_an_unknown_category_not_a_500(tenant_a, value):
    response = tenant_a.client().get("/api/listings/search/", {"q": "wlan", "category": value})

    assert response.status_code == 400
    assert response.json()["fields"] == {"category": ["Unknown category."]}


def test_the_payments_filter_still_filters_by_an_ascii_booking_id(tenant_a):
    response = tenant_a.client("customer").get("/api/billing/payments/", {"booking": "12"})

    assert response.status_code == 200
    assert response.json()["results"] == []


PAGE_MESSAGES = {
    "price_min": "Eine gültige Ganzzahl ist erforderlich.",
    "price_max": "Eine gültige Ganzzahl ist erforderlich.",
    "radius_km": "Eine gültige Ganzzahl ist erforderlich.",
    "min_rating": "Eine gültige Zahl ist erforderlich.",
    "category": "Unbekannte Kategorie.",
}


def _page_errors(response) -> list[tuple[str, str]]:
    return re.findall(r'<li><a href="#(\w+)">([^<]*)</a></li>', response.content.decode())


@pytest.mark.parametrize("value", ["١٢٣", "²", "１２", "1e3", "9" * 30])
@pytest.mark.parametrize("parameter", sorted(PAGE_MESSAGES))
def test_the_search_page_shows_a_translated_error_for_odd_numbers(tenant_a, parameter, value):
    response = tenant_a.client().get(
        "/search/",
        {"q": "wlan", "postal_code": "8004", parameter: value},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 400
    assert _page_errors(response) == [(parameter, PAGE_MESSAGES[parameter])]


def test_the_search_page_names_no_parameter_when_prices_are_the_wrong_way_round(tenant_a):
    response = tenant_a.client().get(
        "/search/", {"q": "wlan", "price_min": "50", "price_max": "10"}, HTTP_ACCEPT_LANGUAGE="de"
    )

    assert response.status_code == 400
    assert _page_errors(response) == [("price_max", "Darf nicht unter dem Mindestpreis liegen.")]


@pytest.mark.parametrize("budget", ["١٢٣", "²", "１２", "12.0", "9" * 30])
def test_a_page_form_refuses_a_number_in_odd_digits(tenant_a, budget):
    with tenant_a.context():
        before = TaskRequest.objects.count()

    response = tenant_a.session_client("customer").post(
        "/tasks/new/",
        {"title": "WLAN", "postal_code": "8004", "budget": budget},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 400
    assert response.context["form"].errors["budget"] == ["Geben Sie eine ganze Zahl ein."]
    with tenant_a.context():
        assert TaskRequest.objects.count() == before


# --- cursors, ids and unknown parameters ----------------------------------------------


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "²",
        base64.b64encode(b"p=abc").decode(),
        base64.b64encode("p=١٢".encode()).decode(),
        base64.b64encode(b"o=x").decode(),
    ],
)
def test_an_invalid_pagination_cursor_is_a_400_naming_it(tenant_a, cursor):
    response = tenant_a.client("customer").get("/api/bookings/", {"cursor": cursor})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_cursor"
    assert list(body["fields"]) == ["cursor"]


def test_a_valid_cursor_still_pages(tenant_a):
    response = tenant_a.client("customer").get(
        "/api/bookings/", {"cursor": base64.b64encode(b"p=5").decode()}
    )

    assert response.status_code == 200


@pytest.mark.parametrize("listing_id", [1.5, "1.5", "1e3", "٣", True, [1], {"id": 1}])
def test_a_listing_id_that_is_not_an_integer_is_refused_not_truncated(tenant_a, listing_id):
    with tenant_a.context():
        listing = bookable_listing()
        before = Booking.objects.count()
    # The listing exists under the truncated id, so truncation would book it.
    assert listing.pk >= 1

    response = tenant_a.client("customer").post(
        "/api/bookings/",
        {
            "listing": listing_id if listing_id != 1.5 else listing.pk + 0.5,
            "starts_at": next_local(10),
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["listing"]
    with tenant_a.context():
        assert Booking.objects.count() == before


@pytest.mark.parametrize("listing_id", ["٣", "³", [1], {"id": 1}])
def test_a_listing_id_in_odd_digits_or_shapes_is_refused(tenant_a, listing_id):
    response = tenant_a.client("customer").post(
        "/api/bookings/", {"listing": listing_id, "starts_at": next_local(10)}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["listing"]


@pytest.mark.parametrize("path", ["/api/bookings/1.5/", "/api/bookings/1e3/", "/listings/1.5/"])
def test_a_float_in_an_id_path_does_not_match_a_route(tenant_a, path):
    response = tenant_a.client("customer").get(path)

    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/api/bookings/{}/", "/api/listings/{}/", "/listings/{}/"])
def test_an_id_beyond_any_database_integer_is_not_found_not_a_500(tenant_a, path):
    response = tenant_a.client("customer").get(path.format("9" * 40))

    assert response.status_code == 404


LIST_ENDPOINTS = [
    (None, "/api/listings/search/", SEARCH),
    (None, "/api/categories/", {}),
    ("provider", "/api/tasks/search/", {}),
    ("customer", "/api/bookings/", {}),
    ("customer", "/api/listings/", {}),
    ("customer", "/api/tasks/", {}),
    ("customer", "/api/billing/payments/", {}),
    ("customer", "/api/vetting/rules/", {}),
    ("customer", "/api/badges/", {}),
    ("provider", "/api/offers/mine/", {}),
    ("provider", "/api/broadcasts/", {}),
    ("admin", "/api/audit/", {}),
    ("admin", "/api/vetting/applications/", {}),
    ("admin", "/api/billing/payouts/", {}),
    ("admin", "/api/billing/ledger/entries/", {}),
    ("admin", "/api/billing/reports/commission.csv", {}),
]


@pytest.mark.parametrize(("role", "path", "others"), LIST_ENDPOINTS)
def test_an_unknown_query_parameter_on_a_list_endpoint_is_a_400_naming_it(
    tenant_a, provider_profile, role, path, others
):
    response = tenant_a.client(role).get(path, {**others, "colour": "blue"})

    assert response.status_code == 400
    assert response.json() == {
        "code": "unknown_parameter",
        "message": "Unknown query parameter colour.",
        "fields": {"colour": ["This parameter is not accepted here."]},
    }


@pytest.mark.parametrize(("role", "path", "others"), LIST_ENDPOINTS)
def test_the_declared_query_parameters_are_accepted(tenant_a, provider_profile, role, path, others):
    response = tenant_a.client(role).get(path, {**others, "format": "json"})

    assert response.status_code == 200


@pytest.mark.parametrize("period", ["9999-12", "٢٠٢٦-01", "2026-13"])
def test_an_invoice_period_past_the_calendar_or_in_odd_digits_is_a_400(operator_client, period):
    response = operator_client.post(
        "/api/operator/invoices/issue/", {"period": period}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["period"]


def test_a_phone_code_in_odd_digits_is_refused_by_the_field(tenant_a):
    response = tenant_a.client("customer").post(
        "/api/me/phone/confirm/", {"code": "١٢٣٤٥٦"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["code"]


def test_an_unknown_parameter_on_the_operator_api_is_a_400(operator_client):
    response = operator_client.get("/api/operator/dead-letters/", {"is_retired": "true"})

    assert response.status_code == 400
    assert response.json()["fields"] == {"is_retired": ["This parameter is not accepted here."]}


def _views(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "view_class"):
            yield prefix + str(pattern.pattern), pattern.callback.view_class


@pytest.mark.parametrize("urlconf", ["quartier.config.urls_tenant", "quartier.config.urls_public"])
def test_every_list_endpoint_declares_its_query_parameters(urlconf):
    lists = [
        (route, view)
        for route, view in _views(get_resolver(urlconf))
        if route.startswith("api/") and issubclass(view, ListAPIView)
    ]

    assert lists
    assert [route for route, view in lists if not issubclass(view, QueryParameters)] == []


@pytest.mark.parametrize("urlconf", ["quartier.config.urls_tenant", "quartier.config.urls_public"])
def test_every_api_view_reads_bodies_with_the_guarded_parsers(urlconf):
    views = [view for route, view in _views(get_resolver(urlconf)) if route.startswith("api/")]

    unguarded = {
        f"{view.__name__}: {parser.__name__}"
        for view in views
        for parser in getattr(view, "parser_classes", [])
        if parser.__module__ != "quartier.platform.api.parsers"
    }
    assert views
    assert unguarded == set()


def test_the_schema_documents_exactly_the_accepted_parameters(tenant_a):
    schema = tenant_a.client().get("/api/schema/", {"format": "json"}).json()

    def names(path):
        return sorted(p["name"] for p in schema["paths"][path]["get"]["parameters"])

    assert names("/api/billing/payments/") == ["booking", "cursor", "page_size"]
    assert names("/api/bookings/") == [
        "cursor",
        "kind",
        "needs_attention",
        "page_size",
        "role",
        "starts_after",
        "starts_before",
        "status",
    ]
    page_size = next(
        p
        for p in schema["paths"]["/api/bookings/"]["get"]["parameters"]
        if p["name"] == "page_size"
    )
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert "start" in names("/api/billing/reports/commission.csv")
    search = schema["paths"]["/api/listings/search/"]["get"]["parameters"]
    min_rating = next(p for p in search if p["name"] == "min_rating")
    assert min_rating["schema"]["pattern"] == r"^-?[0-9]{0,1}(?:\.[0-9]{0,2})?$"


@pytest.mark.parametrize(
    ("path", "parameter", "value"),
    [
        ("/api/bookings/", "starts_before", "2026-01-22T20:53:15-20:42"),
        ("/api/bookings/", "starts_after", "0001-01-01T00:00:00+10:00"),
        ("/api/tasks/", "created_after", "0962-08-04T02:34:08.36+19:54"),
    ],
)
def test_a_date_time_the_database_cannot_compare_is_a_400(tenant_a, path, parameter, value):
    response = tenant_a.client("customer").get(path, {parameter: value})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [parameter]
