"""Host name -> tenant, answered from the cache on the hot path (no database query).

Entries live in the `platform` cache (Redis in production, shared by every process)
and are deleted by the services that change a domain or a tenant's status, after
their transaction commits. Unknown hosts are cached too, briefly, so a flood of random
Host headers cannot turn into a flood of queries.

The same round trip reads the tenant's cache generation (platform.tenant_cache): this
process remembers which schema a host name served last, and asks for that schema's
generation beside the host entry. The host entry decides; a generation read for
another schema (the host moved to another tenant) is simply not used.
"""

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from quartier.platform import tenant_cache
from quartier.tenants.models import Domain, Tenant

_UNKNOWN = "unknown"
_UNKNOWN_SECONDS = 30
# The fields a request needs; the cached Tenant is rebuilt from them without a query.
_CACHED_FIELDS = ("id", "schema_name", "name", "slug", "status", "plan_id")


def _cache():
    return caches["platform"]


# Host name -> the schema it served last in this process: only a guess of which
# generation to read with the host entry, never an answer.
_schema_guess: dict[str, str] = {}
_SCHEMA_GUESS_MAX = 10_000


def _key(hostname: str) -> str:
    return f"tenant-host:{hostname}"


host_key = _key


def schema_guess(hostname: str) -> str | None:
    """The schema `hostname` served last in this process (a guess, never an answer)."""
    return _schema_guess.get(hostname)


def tenant_for_hostname(hostname: str, prefetched: dict | None = None) -> Tenant | None:
    """The tenant serving `hostname` (any status), or None when no tenant owns it.

    `prefetched`: the host entry and generation this request already read in its own
    round trip (tenants/response_cache.py), used when they are for this host and guess.
    """
    host_key = _key(hostname)
    guess = _schema_guess.get(hostname)
    if (
        prefetched is not None
        and guess is not None
        and prefetched["hostname"] == hostname
        and prefetched["schema"] == guess
    ):
        cached, generation = prefetched["host"], prefetched["generation"]
    elif guess is None:
        cached, generation = _cache().get(host_key), None
    else:
        generation_key = tenant_cache.generation_key(guess)
        found = _cache().get_many([host_key, generation_key])
        cached, generation = found.get(host_key), found.get(generation_key)
    if cached == _UNKNOWN:
        return None
    if cached is None:
        return _load_and_cache(hostname)
    schema_name = cached["schema_name"]
    if schema_name == guess:
        tenant_cache.generation_known(schema_name, generation)
    else:
        if len(_schema_guess) >= _SCHEMA_GUESS_MAX:
            _schema_guess.clear()
        _schema_guess[hostname] = schema_name
    return tenant_from_fields(cached)


def _load_and_cache(hostname: str) -> Tenant | None:
    domain = (
        Domain.objects.select_related("tenant")
        .only("domain", *(f"tenant__{field}" for field in _CACHED_FIELDS))
        .filter(domain=hostname)
        .first()
    )
    if domain is None:
        _cache().set(_key(hostname), _UNKNOWN, _UNKNOWN_SECONDS)
        return None
    fields = {field: getattr(domain.tenant, field) for field in _CACHED_FIELDS}
    fields["primary_domain"] = _primary_domain(domain.tenant_id)
    _cache().set(_key(hostname), fields, settings.TENANT_CACHE_SECONDS)
    return tenant_from_fields(fields)


def _primary_domain(tenant_id: int) -> str:
    return (
        Domain.objects.filter(tenant_id=tenant_id, is_primary=True)
        .values_list("domain", flat=True)
        .first()
        or ""
    )


def tenant_from_fields(fields: dict) -> Tenant:
    """The Tenant of a cached host entry (no query)."""
    primary_domain = fields.get("primary_domain", "")
    tenant = Tenant(**{field: fields[field] for field in _CACHED_FIELDS})
    tenant._state.adding = False
    tenant._state.db = "default"
    tenant.primary_domain = primary_domain
    return tenant


def tenant_cache_forget(hostnames) -> None:
    """Drop cached answers for these host names, now and again after commit.

    Now, so this transaction's own requests see the change; after commit, because a
    concurrent request may have cached the old row in between.
    """
    keys = [_key(hostname.lower()) for hostname in hostnames]
    _cache().delete_many(keys)
    transaction.on_commit(lambda: _cache().delete_many(keys))


def tenant_cache_forget_tenant(tenant: Tenant) -> None:
    hostnames = list(Domain.objects.filter(tenant=tenant).values_list("domain", flat=True))
    tenant_cache_forget(hostnames)
