import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext


def _statements(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return [query["sql"] for query in captured.captured_queries]


def test_a_warm_request_resolves_the_tenant_without_a_query(tenant_a):
    client = tenant_a.client()
    client.get("/api/schema/")  # warms the host cache

    statements = _statements(client, "/api/schema/")

    assert not [sql for sql in statements if "tenants_" in sql]


@pytest.mark.parametrize("count", [0, 1, 10])
def test_a_view_running_n_queries_sends_at_most_n_plus_one_statements(
    tenant_a, tenant_b, settings, count
):
    settings.ROOT_URLCONF = "tests.tenancy.urls"
    tenant_a.client().get("/test-queries/0/")
    tenant_b.client().get("/test-queries/0/")  # the connection now serves tenant B

    switched = _statements(tenant_a.client(), f"/test-queries/{count}/")
    same_tenant_again = _statements(tenant_a.client(), f"/test-queries/{count}/")

    # Switching tenants costs one SET search_path, sent with the first query (none when
    # the view sends no query); staying on one tenant costs nothing.
    assert len(switched) == (count + 1 if count else 0)
    if count:
        assert switched[0].startswith("SET search_path")
        assert switched[0] == 'SET search_path = "t_telco","public"'
    assert len(same_tenant_again) == count
    assert not any(sql.startswith("SET search_path") for sql in same_tenant_again)


def test_unknown_hosts_get_a_clean_404(db, client):
    page = client.get("/", HTTP_HOST="nobody.localhost")
    api = client.get("/api/me/", HTTP_HOST="nobody.example.org:8000")

    assert page.status_code == 404
    assert "There is no marketplace at nobody.localhost." in page.content.decode()
    assert api.status_code == 404
    assert api.json()["code"] == "tenant_not_found"


@pytest.mark.parametrize("host", ["bad host", "telco.localhost:abc", "a" * 300, "-x-.ch"])
def test_malformed_hosts_are_a_400_not_a_500(db, client, host):
    response = client.get("/", HTTP_HOST=host)

    assert response.status_code in (400, 404)


def test_unknown_host_answers_are_cached_briefly(db, client, django_assert_num_queries):
    client.get("/", HTTP_HOST="nobody.localhost")

    with django_assert_num_queries(0):
        assert client.get("/", HTTP_HOST="nobody.localhost").status_code == 404


def test_session_and_csrf_cookies_are_host_only(tenant_a, client):
    client.get("/accounts/login/", HTTP_HOST=tenant_a.host)
    response = client.post(
        "/accounts/login/",
        {"username": "customer@telco.test", "password": "correct-horse-battery-staple"},
        HTTP_HOST=tenant_a.host,
    )

    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        assert response.cookies.get(name) is None or response.cookies[name]["domain"] == ""
    assert client.cookies["sessionid"]["domain"] == ""


def test_cache_keys_are_prefixed_per_tenant(tenant_a, tenant_b):
    with tenant_a.context():
        cache.set("greeting", "grüezi")
    with tenant_b.context():
        assert cache.get("greeting") is None
        cache.set("greeting", "hello")
    with tenant_a.context():
        assert cache.get("greeting") == "grüezi"


def test_stored_files_are_prefixed_per_tenant(tenant_a, tenant_b, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "quartier.platform.storage.TenantFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": "/media/"},
        },
    }
    from django.core.files.storage import storages

    storages._storages.pop("default", None)
    with tenant_a.context():
        name_a = default_storage.save("logos/logo.txt", ContentFile(b"telco"))
    with tenant_b.context():
        name_b = default_storage.save("logos/logo.txt", ContentFile(b"acme"))
        # A's stored name, used on B, resolves under B's prefix: not A's file.
        assert not default_storage.exists(name_a)
        with pytest.raises(FileNotFoundError):
            default_storage.open(name_a).read()

    assert name_a == "t_telco/logos/logo.txt"
    assert name_b == "t_acme/logos/logo.txt"
    assert (tmp_path / "t_telco/logos/logo.txt").read_bytes() == b"telco"
    with tenant_a.context():
        assert default_storage.open(name_a).read() == b"telco"
        with pytest.raises(Exception, match="traversal"):
            default_storage.open("../t_acme/logos/logo.txt")
    storages._storages.pop("default", None)
