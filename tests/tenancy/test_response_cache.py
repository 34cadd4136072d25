"""Shared answers to anonymous visitors (quartier/tenants/response_cache.py): served
without a statement while nothing they show has changed, never across tenants, never to
a signed-in visitor, and each visitor with their own CSRF token.

A served answer carries `X-Response-Cache: hit` and costs no SQL statement. Answers are
kept only from committed data, so the listing these tests read lives on a tenant of this
module, committed (a test's own writes stay in its transaction, and what is read after
them is never kept: see the test of that). The data changes below go through every kind
of write path (a service's save, a queryset's update, raw SQL), since the cache must see
them all.
"""

import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quartier.accounts.models import User
from quartier.accounts.services import token_issue, user_create
from quartier.catalog.models import Listing
from quartier.catalog.services.listings import listing_update
from quartier.platform import content_version
from quartier.platform.tenancy import public_context, tenant_context
from quartier.tenants.services import (
    tenant_delete,
    tenant_provision,
    tenant_purge,
    tenant_resume,
    tenant_suspend,
)
from tests.bookings.factories import bookable_listing
from tests.conftest import PASSWORD, TenantHandle

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def _get(client, path):
    """(response, statements) of one request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    connection.set_schema_to_public()
    return response, len(queries.captured_queries)


def _served(response) -> bool:
    return response.get("X-Response-Cache") == "hit"


def _warm(host, path):
    """Three first visits: the host is learnt, the content version started, the answer
    kept (for a visitor without cookies)."""
    for _ in range(3):
        assert Client(HTTP_HOST=host).get(path).status_code == 200
    connection.set_schema_to_public()


@pytest.fixture(scope="module")
def shop(django_db_setup, django_db_blocker):
    """A committed tenant with one bookable listing."""
    with django_db_blocker.unblock(), public_context():
        tenant = tenant_provision(
            name="Cache Shop", slug="cacheshop", admin_email="a@cacheshop.test", language="en"
        ).tenant
        handle = TenantHandle(tenant=tenant, host="cacheshop.localhost")
        with tenant_context(tenant):
            handle.users["customer"] = user_create(
                email="c@cacheshop.test", password=PASSWORD, role=User.Role.CUSTOMER
            )
            handle.tokens["customer"] = token_issue(user=handle.users["customer"])
            handle.listing = bookable_listing(title="Committed lawn mowing")
        connection.set_schema_to_public()
    yield handle
    with django_db_blocker.unblock(), public_context():
        tenant_purge(tenant=tenant_delete(tenant=tenant))


@pytest.fixture
def listing(shop, db):
    return shop.listing


@pytest.mark.parametrize(
    "path",
    ["/", "/listings/{pk}/", "/search/?postal_code=8004&q=Isolation", "/api/listings/{pk}/"],
)
def test_a_repeated_anonymous_visit_is_answered_without_a_statement(shop, listing, path):
    path = path.format(pk=listing.pk)
    client = Client(HTTP_HOST=shop.host)
    computed, _ = _get(client, path)
    _warm(shop.host, path)

    served, statements = _get(Client(HTTP_HOST=shop.host), path)

    assert (_served(served), statements) == (True, 0)
    assert not _served(computed)
    assert served.status_code == 200
    assert TOKEN.sub("", served.content.decode()) == TOKEN.sub("", computed.content.decode())
    assert served["Content-Type"] == computed["Content-Type"]
    assert served["Content-Security-Policy"] == computed["Content-Security-Policy"]


def test_every_kind_of_write_is_seen_by_the_next_visitor(shop, listing):
    client = Client(HTTP_HOST=shop.host)
    path = f"/api/listings/{listing.pk}/"
    _warm(shop.host, path)

    with shop.context():
        listing_update(listing=Listing.objects.get(pk=listing.pk), title="Saved title")
    assert client.get(path).json()["title"] == "Saved title"

    _warm(shop.host, path)
    with shop.context():
        Listing.objects.filter(pk=listing.pk).update(title="Bulk title")
    assert client.get(path).json()["title"] == "Bulk title"

    _warm(shop.host, path)
    with shop.context(), connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_listing SET title = %s WHERE id = %s", ["Raw", listing.pk])
    assert client.get(path).json()["title"] == "Raw"


def test_a_page_read_inside_a_writing_transaction_is_not_kept(shop, listing):
    # The suite's tests run inside a transaction that never commits: a page computed
    # after this write shows it, and must not be kept for anyone else.
    client = Client(HTTP_HOST=shop.host)
    path = f"/listings/{listing.pk}/"
    with shop.context():
        Listing.objects.filter(pk=listing.pk).update(title="Uncommitted")
    for _ in range(3):
        response, statements = _get(client, path)
        assert b"Uncommitted" in response.content
        assert not _served(response)
    assert statements > 0


def test_two_tenants_never_share_an_answer(tenant_a, tenant_b):
    visitor_a, visitor_b = Client(HTTP_HOST=tenant_a.host), Client(HTTP_HOST=tenant_b.host)
    _warm(tenant_a.host, "/")
    _warm(tenant_b.host, "/")

    page_a, statements_a = _get(visitor_a, "/")
    page_b, statements_b = _get(visitor_b, "/")

    assert (_served(page_a), _served(page_b)) == (True, True)
    assert b"Telco Friends" in page_a.content
    assert b"Acme Outdoor" not in page_a.content
    assert b"Acme Outdoor" in page_b.content
    assert b"Telco Friends" not in page_b.content


def test_a_write_on_one_tenant_leaves_the_others_answers_alone(shop, tenant_b, listing):
    _warm(tenant_b.host, "/")
    with shop.context():
        Listing.objects.filter(pk=listing.pk).update(title="Only on A")
    assert _served(Client(HTTP_HOST=tenant_b.host).get("/"))


def test_each_visitor_gets_a_csrf_token_of_their_own_that_works(shop):
    _warm(shop.host, "/")
    visitor = Client(HTTP_HOST=shop.host, enforce_csrf_checks=True)
    other = Client(HTTP_HOST=shop.host, enforce_csrf_checks=True)

    page, other_page = visitor.get("/"), other.get("/")

    assert _served(page)
    assert _served(other_page)
    token = TOKEN.search(page.content.decode()).group(1)
    assert token != TOKEN.search(other_page.content.decode()).group(1)
    assert visitor.cookies["csrftoken"].value != other.cookies["csrftoken"].value
    switched = visitor.post("/language/", {"language": "en", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    refused = other.post("/language/", {"language": "en", "csrfmiddlewaretoken": token})
    assert refused.status_code == 403


def test_a_signed_in_visitor_is_never_served_a_shared_answer(shop, listing):
    path = f"/listings/{listing.pk}/"
    _warm(shop.host, path)
    member = shop.session_client("customer")

    page, statements = _get(member, path)

    assert not _served(page)
    assert statements > 0
    assert b"Sign out" in page.content


def test_an_api_client_with_credentials_is_never_served_a_shared_answer(shop, listing):
    path = f"/api/listings/{listing.pk}/"
    _warm(shop.host, path)
    assert not _served(shop.client("customer").get(path))


def test_a_suspended_marketplace_is_not_served_from_the_cache(tenant_a):
    _warm(tenant_a.host, "/")
    tenant_suspend(tenant=tenant_a.tenant, reason="test")
    try:
        assert Client(HTTP_HOST=tenant_a.host).get("/").status_code == 503
    finally:
        tenant_resume(tenant=tenant_a.tenant)


def test_a_changed_setting_is_seen_by_the_next_visitor(tenant_a):
    from quartier.marketplace.services import marketplace_languages_set

    client = Client(HTTP_HOST=tenant_a.host)
    _warm(tenant_a.host, "/")
    assert "Deutsch" in client.get("/").content.decode()

    with tenant_a.context():
        marketplace_languages_set(
            actor=tenant_a.users["admin"], default_language="en", enabled_languages=["en", "fr"]
        )

    page = client.get("/")
    assert not _served(page)
    assert "Deutsch" not in page.content.decode()


def test_answers_vary_with_the_language_and_the_postal_code_cookie(shop):
    _warm(shop.host, "/")
    remembered = Client(HTTP_HOST=shop.host)
    remembered.cookies["q_postal_code"] = "8004"

    page = remembered.get("/")

    assert not _served(page)  # another key: computed, not the page without the cookie
    assert b"8004" in page.content


def test_an_answer_is_not_served_after_its_seconds(shop, settings):
    settings.RESPONSE_CACHE_SECONDS = 1
    client = Client(HTTP_HOST=shop.host)
    _warm(shop.host, "/")
    assert _served(client.get("/"))
    time.sleep(1.2)
    assert not _served(client.get("/"))
    assert _served(client.get("/"))


def test_statements_are_classified_as_writes_only_when_a_page_could_show_them():
    assert content_version.written_table('UPDATE "catalog_listing" SET "title" = %s') == (
        "catalog_listing"
    )
    assert content_version.written_table('INSERT INTO "bookings_booking" ("id") VALUES (1)')
    assert content_version.written_table("DELETE FROM catalog_listing WHERE id = 1")
    assert content_version.written_table("WITH x AS (UPDATE t SET a = 1) SELECT 1") == ""
    assert content_version.written_table('SELECT * FROM "catalog_listing" FOR UPDATE') is None
    assert content_version.written_table('UPDATE "django_session" SET "expire_date" = %s') is None
    assert (
        content_version.written_table(
            'UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s'
        )
        is None
    )
    assert content_version.written_table(
        'UPDATE "accounts_user" SET "last_login" = %s, "full_name" = %s WHERE "id" = %s'
    )


def test_the_version_moves_after_commit_once_per_transaction(
    tenant_b, django_capture_on_commit_callbacks
):
    schema = tenant_b.tenant.schema_name
    before = content_version.start(schema)
    with django_capture_on_commit_callbacks() as callbacks, tenant_b.context():
        Listing.objects.filter(title="nothing").update(title="One")
        Listing.objects.filter(title="nothing").update(title="Two")
    moves = [callback for callback in callbacks if callback.__qualname__.startswith("_after")]
    assert len(moves) == 1
    moves[0]()
    assert content_version.current(schema) not in (None, before)


def _wsgi(host, path, **headers):
    """(status, headers, body, statements) of one request through the WSGI application
    gunicorn serves (quartier.config.wsgi: SharedAnswers around Django)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from django.test import RequestFactory

    from quartier.config.wsgi import application

    environ = RequestFactory().get(path, HTTP_HOST=host, **headers).environ
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(response_headers)

    # As Django's test client does: the test's connection (inside its transaction)
    # must survive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with CaptureQueriesContext(connection) as queries:
            body = b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    connection.set_schema_to_public()
    return answer["status"], answer["headers"], body, len(queries.captured_queries)


def test_the_wsgi_layer_writes_out_a_kept_api_answer_without_django(shop, listing):
    path = f"/api/listings/{listing.pk}/"
    computed = Client(HTTP_HOST=shop.host).get(path)
    _warm(shop.host, path)

    status, headers, body, statements = _wsgi(shop.host, path, HTTP_X_REQUEST_ID="trace-1")

    assert (status, statements) == ("200 OK", 0)
    assert headers["X-Response-Cache"] == "hit"
    assert headers["X-Request-ID"] == "trace-1"
    assert headers["Content-Length"] == str(len(body))
    assert headers["Content-Type"] == computed["Content-Type"]
    assert body == computed.content


def test_the_wsgi_layer_hands_pages_with_holes_and_strangers_to_django(shop, listing, tenant_b):
    page, api = f"/listings/{listing.pk}/", f"/api/listings/{listing.pk}/"
    _warm(shop.host, page)
    _warm(shop.host, api)

    # a page with a CSRF token: served by the middleware, with a token of its own
    status, headers, body, _ = _wsgi(shop.host, page)
    assert headers["X-Response-Cache"] == "hit"
    assert TOKEN.search(body.decode())
    # another tenant's host, same path: never the shop's answer
    status, headers, body, _ = _wsgi(tenant_b.host, api)
    assert "X-Response-Cache" not in headers
    assert b"Committed lawn mowing" not in body
    # a visitor with a session cookie, or credentials: computed
    _, headers, _, _ = _wsgi(shop.host, api, HTTP_COOKIE="sessionid=abc")
    assert "X-Response-Cache" not in headers
    _, headers, _, _ = _wsgi(shop.host, api, HTTP_AUTHORIZATION="Token x")
    assert "X-Response-Cache" not in headers
    # a host no tenant owns: no marketplace there
    status, headers, _, _ = _wsgi("evil.example", api)
    assert status.startswith("404")
    assert "X-Response-Cache" not in headers
