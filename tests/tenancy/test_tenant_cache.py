"""What is cached per tenant (settings, languages, categories) stays that tenant's, and a
write is seen by the next request, in every process (quartier/platform/tenant_cache.py).

Each read below runs in its own `request_scope()`, as a request would; a value served
from the cache costs no statement, which is how the tests tell a cached read from a
fresh one.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from quartier.catalog.selectors.catalog import categories_active
from quartier.catalog.services.categories import category_create
from quartier.marketplace.models import MarketplaceSettings
from quartier.marketplace.selectors import marketplace_settings, rating_min_reviews
from quartier.marketplace.services import marketplace_rating_minimum_set
from quartier.platform.tenant_cache import cached, invalidate, request_scope, tenant_key


def _read(handle, selector):
    """(value, statements) of one read in a fresh request on `handle`'s schema."""
    with handle.context(), request_scope(), CaptureQueriesContext(connection) as queries:
        value = selector()
    return value, len(queries.captured_queries)


def _name():
    return marketplace_settings().display_name


def test_a_tenants_cached_settings_never_serve_another_tenant(tenant_a, tenant_b):
    with tenant_a.context():
        MarketplaceSettings.objects.update(display_name="Alpha market")
    with tenant_b.context():
        MarketplaceSettings.objects.update(display_name="Beta market")
    assert _read(tenant_a, _name)[0] == "Alpha market"

    # B's first read misses: A's warm entry is under A's schema, never B's
    name, statements = _read(tenant_b, _name)
    assert name == "Beta market"
    assert statements > 0
    # and once both are warm, each gets its own, without a statement
    assert _read(tenant_a, _name) == ("Alpha market", 0)
    assert _read(tenant_b, _name) == ("Beta market", 0)


def test_a_write_is_seen_by_the_next_request_and_only_on_its_tenant(tenant_a, tenant_b):
    assert _read(tenant_a, rating_min_reviews)[0] == 3
    assert _read(tenant_b, rating_min_reviews)[0] == 3
    assert _read(tenant_a, rating_min_reviews)[1] == 0  # warm

    with tenant_a.context():
        marketplace_rating_minimum_set(actor=tenant_a.users["admin"], minimum=9)

    minimum, statements = _read(tenant_a, rating_min_reviews)
    assert (minimum, statements > 0) == (9, True)
    assert _read(tenant_a, rating_min_reviews) == (9, 0)
    assert _read(tenant_b, rating_min_reviews) == (3, 0)


def test_a_bulk_update_is_seen_too(tenant_a):
    _read(tenant_a, _name)

    with tenant_a.context():
        MarketplaceSettings.objects.update(display_name="Renamed")

    assert _read(tenant_a, _name)[0] == "Renamed"


def test_a_new_category_shows_on_its_tenant_only(tenant_a, tenant_b):
    def slugs():
        return {category.slug for category in categories_active()}

    before_b = _read(tenant_b, slugs)[0]
    _read(tenant_a, slugs)

    with tenant_a.context():
        category_create(slug="cache-test-category", names={"en": "Cache test"})

    assert "cache-test-category" in _read(tenant_a, slugs)[0]
    assert _read(tenant_b, slugs) == (before_b, 0)


def test_a_process_memory_never_serves_a_value_of_an_older_generation(tenant_a):
    # A value this process holds in memory is stamped with the tenant's generation; an
    # invalidation (in any process) gives the tenant a new one, so it is read again.
    with tenant_a.context():
        key = tenant_key("tests:greeting")
        with request_scope():
            assert cached(key, lambda: "old", 60) == "old"
        with request_scope():
            assert cached(key, lambda: "unused", 60) == "old"

        invalidate(key)

        with request_scope():
            assert cached(key, lambda: "new", 60) == "new"


def test_a_value_read_after_an_invalidation_in_the_same_transaction_is_not_stored(tenant_a):
    # The request that changed the row sees its own change, but what it read is not
    # stored: the transaction may still roll back.
    with tenant_a.context():
        key = tenant_key("tests:uncommitted")
        with request_scope():
            invalidate(key)
            assert cached(key, lambda: "uncommitted", 60) == "uncommitted"
        with request_scope():
            assert cached(key, lambda: "committed", 60) == "committed"


def test_over_http_a_change_on_one_tenant_shows_there_at_once_and_never_on_the_other(
    tenant_a, tenant_b
):
    both = ["de", "fr", "it", "en"]

    def enabled(handle):
        return handle.client().get("/api/marketplace/languages/").json()["enabled_languages"]

    assert enabled(tenant_a) == enabled(tenant_b) == both  # both tenants' caches warm

    changed = tenant_a.client("admin").put(
        "/api/marketplace/languages/",
        {"default_language": "it", "enabled_languages": ["it"]},
        format="json",
    )

    assert changed.status_code == 200
    assert tenant_a.client().get("/api/marketplace/languages/").json() == {
        "default_language": "it",
        "enabled_languages": ["it"],
    }
    assert enabled(tenant_b) == both


def test_a_warm_request_reads_its_host_and_generation_in_one_cache_round_trip(
    tenant_a, monkeypatch
):
    from django.core.cache import caches

    client = tenant_a.client()
    path = "/api/marketplace/languages/"
    client.get(path)
    client.get(path)  # this process now knows the host's schema
    calls = []
    inside = []  # LocMemCache's get_many calls its own get per key: one call of ours
    platform = caches["platform"]
    for name in ("get", "get_many", "add", "set"):
        original = getattr(platform, name)

        def counting(*args, _name=name, _original=original, **kwargs):
            if not inside:
                calls.append((_name, args[0]))
            inside.append(_name)
            try:
                return _original(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(platform, name, counting)

    assert client.get(path).status_code == 200
    schema = tenant_a.tenant.schema_name
    host = f"tenant-host:{tenant_a.slug}.localhost"
    # one round trip; an anonymous GET reads the shared answer's keys in the same one
    # (tenants/response_cache.py)
    assert [name for name, _ in calls] == ["get_many"]
    assert {host, f"tenant-cache:generation:{schema}"} <= set(calls[0][1])


def test_a_host_that_moved_to_another_tenant_never_uses_the_old_tenants_generation(
    tenant_a, tenant_b
):
    from quartier.platform import tenant_cache
    from quartier.tenants import resolution

    hostname = f"moved.{tenant_a.slug}.test"
    resolution._schema_guess[hostname] = tenant_a.tenant.schema_name
    entry = {field: getattr(tenant_b.tenant, field) for field in resolution._CACHED_FIELDS}
    resolution._cache().set(resolution._key(hostname), entry, 60)
    with request_scope():
        # A's generation is read beside the host entry, which now names B
        tenant = resolution.tenant_for_hostname(hostname)
        assert tenant.schema_name == tenant_b.tenant.schema_name
        memo = tenant_cache._request_memo.get()
        assert tenant_cache.generation_key(tenant_a.tenant.schema_name) not in memo
    assert resolution._schema_guess[hostname] == tenant_b.tenant.schema_name
