"""The cross-tenant isolation matrix: every endpoint and page, run as the wrong tenant.

Each app lists its endpoints in `tests/<app>/isolation.py` as `ENDPOINTS`, and
`tests/tenancy/test_isolation_matrix.py` runs four checks on each one:

1. the owner (actor of tenant A, on A's host) gets `ok`: the endpoint really works;
2. the same request on tenant B's host, as B's user of the same role, with A's ids or
   credentials, gets `cross` (404 by default) and never shows A's `marker`, and the
   `state` of tenant A is unchanged afterwards;
3. A's API token used on B's host is refused (401);
4. A's session cookie used on B's host is anonymous there.

A coverage test fails when a URL pattern of the tenant URLconf is in no app's list, so
an endpoint joins the matrix the day it is written.

A list (an endpoint or page showing rows that grow with the data) also says how to add
one more of its rows with `grow`; `tests/tenancy/test_query_budget.py` then calls it
with one row and with several and wants the same number of SQL statements: a query per
row (an N+1) fails there, whichever app it is in.

`make(handle)` runs inside tenant A's schema (and a test transaction) and returns the
parameters that `path` and `body` are formatted with; a `marker` parameter is a string
that must never appear in B's answers.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

import tests

# Text put into A's data that must never appear in an answer on B's host.
MARKER = "Isolation-Marker-7f3a"


def AGAIN(handle, params) -> None:  # noqa: N802 (a marker, used as a constant)
    """grow=AGAIN: the list grows by running the endpoint's `make` once more."""
    raise AssertionError("Endpoint.add_row runs make instead")


@dataclass(frozen=True)
class Endpoint:
    route: str  # the URL pattern as written in the URLconf, e.g. "api/listings/<int:pk>/"
    method: str = "get"
    actor: str | None = None  # "admin", "provider", "customer" or None (anonymous)
    path: str = ""  # concrete path; formatted with make()'s parameters
    make: Callable | None = None
    # Gives B's actor the same standing as A's (e.g. a provider profile), so that a 404
    # on B proves A's id did not resolve, not that B's user lacked a profile.
    make_other: Callable | None = None
    body: Callable | None = None  # (params) -> request body
    ok: int | tuple[int, ...] = 200
    cross: int | tuple[int, ...] = 404
    state: Callable | None = None  # (handle) -> value that B's request must not change
    format: str = "json"
    is_api: bool = True
    # Text that B's answer must contain (e.g. "invalid" for A's one-time link).
    cross_contains: str = ""
    # Extra words for the test id when one route has several entries.
    label: str = ""
    headers: dict = field(default_factory=dict)
    # For a list: (handle, params) -> None adds one more row of what it lists, in A's
    # schema; AGAIN runs `make` once more (when make adds a fresh row each time).
    grow: Callable | None = None

    @property
    def id(self) -> str:
        parts = [self.method.upper(), self.route or "/"]
        if self.actor:
            parts.append(f"as-{self.actor}")
        if self.label:
            parts.append(self.label)
        return " ".join(parts)

    def params(self, handle) -> dict:
        if self.make is None:
            return {}
        with handle.context():
            return self.make(handle) or {}

    def prepare_other(self, handle) -> None:
        if self.make_other is not None:
            with handle.context():
                self.make_other(handle)

    def add_row(self, handle, params: dict) -> None:
        with handle.context():
            if self.grow is AGAIN:
                self.make(handle)
            else:
                self.grow(handle, params)

    def client_for(self, handle):
        """A client of the endpoint's actor: a token for the API, a session for pages."""
        if self.is_api:
            return handle.client(self.actor)
        return handle.session_client(self.actor) if self.actor else handle.client()

    def url(self, params: dict) -> str:
        return (self.path or "/" + self.route).format(**params)

    def request(self, client, params: dict):
        data = self.body(params) if self.body else None
        kwargs = {"format": self.format} if self.is_api and data is not None else {}
        return getattr(client, self.method)(self.url(params), data, **kwargs, **self.headers)


def _statuses(value) -> tuple[int, ...]:
    return value if isinstance(value, tuple) else (value,)


def all_endpoints() -> list[Endpoint]:
    """Every app's ENDPOINTS, from tests/<app>/isolation.py."""
    endpoints = []
    for module_info in pkgutil.iter_modules(tests.__path__):
        if not module_info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{module_info.name}.isolation")
        except ModuleNotFoundError as error:
            if error.name != f"tests.{module_info.name}.isolation":
                raise
            continue
        endpoints.extend(module.ENDPOINTS)
    return endpoints


def tenant_routes(urlconf: str = "quartier.config.urls_tenant") -> set[str]:
    """Every route of a URLconf, flattened ("api/me/", "api/listings/<int:pk>/")."""
    routes = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                routes.add(route.lstrip("^").rstrip("$"))

    walk(get_resolver(urlconf).url_patterns, "")
    return routes


statuses = _statuses
