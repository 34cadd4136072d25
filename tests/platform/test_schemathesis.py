"""Schemathesis fuzzes each host's API against its own schema, in-process, for every role.

Every operation of the tenant host (anonymous, customer, provider, tenant admin) and of
the operator host (anonymous, operator staff) gets a few generated requests through the
real WSGI application, on the session tenants of the test database. It must never answer
a 5xx it does not document, and every answer must be documented: its status, its content
type, its headers and its body. Figures are printed and kept in docs/testing.md.
"""

import os
import sys
import time
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from quartier.bookings.services.requests import booking_request_slot
from quartier.catalog.models import Category
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import make_provider
from tests.conftest import PLATFORM_HOST

pytestmark = pytest.mark.slow

# Small enough for every `make test`; raise them for a deeper run (docs/testing.md).
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3"))
# Invalid values (wrong types, out of range, missing required): answered 4xx, never 5xx.
NEGATIVE_EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_NEGATIVE_EXAMPLES", "2"))
# One request slower than this is a finding of its own, whatever it answered.
SLOW_REQUEST_SECONDS = 5.0

# Schemathesis' own not_a_server_error refuses every 5xx, documented or not; ours (below)
# accepts a documented, deliberate 503 and nothing else.
CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# Operations not fuzzed with a token, and why.
SKIPPED_WITH_TOKEN = {
    # Revokes the very token the rest of the run signs in with (tested in tests/accounts).
    "DELETE /api/auth/token/",
}

# Failures accepted by name; empty since the strict parsing layer fixed the last two
# (an invalid cursor answered 404; a date-time filter whose UTC offset PostgreSQL refuses
# failed in the database).
KNOWN_FAILURES: dict = {}


RUNS = [
    ("tenant", None),
    ("tenant", "customer"),
    ("tenant", "provider"),
    ("tenant", "admin"),
    ("operator", None),
    ("operator", "staff"),
]


@dataclass
class Outcome:
    operations: int = 0
    examples: int = 0
    statuses: Counter = field(default_factory=Counter)
    undocumented_server_errors: int = 0
    # Deliberate, documented 503s (payments not configured...), by operation and code.
    documented_unavailable: Counter = field(default_factory=Counter)
    # Failures listed in KNOWN_FAILURES, by reason and operation.
    known: Counter = field(default_factory=Counter)
    # operation -> [count, first message]
    violations: dict[str, list] = field(default_factory=dict)
    seconds: float = 0.0

    def violation(self, operation: str, message: str) -> None:
        entry = self.violations.setdefault(operation, [0, message])
        entry[0] += 1

    @property
    def violation_count(self) -> int:
        return sum(count for count, _ in self.violations.values())

    def summary(self) -> str:
        return (
            f"{self.operations} operations, {self.examples} examples, "
            f"{self.undocumented_server_errors} undocumented 5xx, "
            f"{sum(self.documented_unavailable.values())} documented 503, "
            f"{self.violation_count} violations, {sum(self.known.values())} known failures, "
            f"{self.seconds:.0f} s"
        )


TOTALS: dict[str, Outcome] = {}


@pytest.fixture(scope="module", autouse=True)
def _print_totals(request):
    yield
    if not TOTALS:
        return
    total = Outcome()
    for run, outcome in TOTALS.items():
        total.operations += outcome.operations
        total.examples += outcome.examples
        total.undocumented_server_errors += outcome.undocumented_server_errors
        total.documented_unavailable.update(outcome.documented_unavailable)
        total.known.update(outcome.known)
        total.violations.update({f"{run} {op}": v for op, v in outcome.violations.items()})
        total.seconds += outcome.seconds
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    reporter.write_line(f"\nschemathesis total ({len(TOTALS)} runs): {total.summary()}")


@contextmanager
def in_process_app():
    """Django's WSGI application, kept on the test's connection and transaction.

    Django closes "old" connections at the start and end of every request; inside the
    test's transaction that would break it, so (as Django's own test client does) the
    two signal handlers are off for the duration; the test client turns them back on
    after each of its requests, so none may run inside. Unhandled exceptions are kept to be
    named in the failure report.
    """
    exceptions = []

    def keep(sender, request=None, **kwargs):
        exceptions.append(repr(sys.exc_info()[1]))

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(keep)
    try:
        yield WSGIHandler(), exceptions
    finally:
        got_request_exception.disconnect(keep)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def load_schema(host: str):
    response = APIClient(HTTP_HOST=host).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json())


def tenant_objects(handle) -> dict[str, dict]:
    """Real objects for the path values of the tenant API, by path prefix.

    Random ids name nothing, so without these the views' real work (beyond the 404)
    would go unexercised. They live in the test's transaction, rolled back after it.
    """
    with handle.context():
        profile = make_provider(user=handle.users["provider"])
        listing = bookable_listing(provider=profile)
        booking = booking_request_slot(
            listing=listing, customer=handle.users["customer"], starts_at=next_local(10)
        )
        category = Category.objects.order_by("pk").first()
    return {
        "/api/providers/{id}/": {"id": profile.pk},
        "/api/listings/{id}/": {"id": listing.pk},
        "/api/bookings/{id}/": {"id": booking.pk},
        "/api/categories/{id}/": {"id": category.pk},
    }


def existing_path_values(operation, existing: dict[str, dict]) -> dict | None:
    names = {parameter.name for parameter in operation.path_parameters}
    matches = [prefix for prefix in existing if operation.path.startswith(prefix)]
    if not names or not matches:
        return None
    values = existing[max(matches, key=len)]
    return values if names <= values.keys() else None


def has_input(operation) -> bool:
    return any(
        len(parameters) for parameters in (operation.path_parameters, operation.query)
    ) or bool(list(operation.body))


def unexpected_server_error(response) -> str | None:
    """Why a 5xx is not a deliberate one, or None when it is."""
    if response.status_code != 503:
        return f"server error {response.status_code}"
    code = response.json().get("code")
    # The database is up for the whole run: a 503 saying otherwise hides another error.
    if code == "database_unavailable":
        return "503 database_unavailable while the database is up"
    return None


def fuzz(strategy, label, *, examples, host, headers, outcome, errors, network) -> set[int]:
    """Run a few examples of one operation; the statuses it answered."""
    seen = set()

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def exercise(case):
        errors.clear()
        # Each example starts from the same data: its writes are undone after it.
        with network.scaffolding_transaction():
            call_started = time.monotonic()
            response = case.call(base_url=f"http://{host}", headers=headers)
            elapsed = time.monotonic() - call_started
        outcome.examples += 1
        outcome.statuses[response.status_code] += 1
        seen.add(response.status_code)
        problems = []
        if response.status_code >= 500:
            unexpected = unexpected_server_error(response)
            if unexpected:
                problems.append(f"{unexpected} ({errors[:1]})")
        if elapsed > SLOW_REQUEST_SECONDS:
            problems.append(f"took {elapsed:.1f} s")
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Failure, FailureGroup) as error:
            failures = error.exceptions if isinstance(error, FailureGroup) else [error]
            problems.extend(f"{f.title} ({f.message[:200]})" for f in failures)
        if not problems:
            if response.status_code == 503:
                outcome.documented_unavailable[f"{label} {response.json()['code']}"] += 1
            return
        known = next(
            (k for k, match in KNOWN_FAILURES.items() if match(label, case, response)), None
        )
        if known:
            outcome.known[f"{known}: {label}"] += 1
            return
        if response.status_code >= 500:
            outcome.undocumented_server_errors += 1
        outcome.violation(
            label,
            f"{'; '.join(sorted(set(problems)))}: {response.status_code} for "
            f"{case.formatted_path} query={case.query}",
        )

    # Unsatisfiable: nothing could be made invalid (only optional values to leave out).
    with suppress(Unsatisfiable):
        exercise()
    return seen


@pytest.mark.parametrize(
    ("host_kind", "role"), RUNS, ids=[f"{h}-{r or 'anonymous'}" for h, r in RUNS]
)
def test_api_answers_as_documented(
    tenant_a, tenant_b, operator_token, capsys, network_guard, host_kind, role
):
    if host_kind == "tenant":
        host, token = tenant_a.host, tenant_a.tokens[role] if role else None
        existing = tenant_objects(tenant_a)
    else:
        host, token = PLATFORM_HOST, operator_token if role else None
        existing = {
            "/api/operator/tenants/{slug}/": {"slug": tenant_b.slug},
            "/api/operator/tenants/{slug}/domains/{domain}/": {
                "slug": tenant_b.slug,
                "domain": tenant_b.host,
            },
        }
    schema = load_schema(host)
    headers = {"Authorization": f"Token {token}"} if token else {}
    outcome = Outcome()
    started = time.monotonic()

    with in_process_app() as (app, exceptions):
        schema.app = app
        for result in schema.get_all_operations():
            operation = result.ok()
            label = f"{operation.method.upper()} {operation.path}"
            if token and label in SKIPPED_WITH_TOKEN:
                continue
            outcome.operations += 1
            run = {
                "host": host,
                "headers": headers,
                "outcome": outcome,
                "errors": exceptions,
                "network": network_guard,
            }
            seen = fuzz(operation.as_strategy(), label, examples=EXAMPLES_PER_OPERATION, **run)
            # Invalid input only matters where this role gets past authentication and
            # permissions, and where there is some input to make invalid.
            if seen - {401, 403} and has_input(operation):
                fuzz(
                    operation.as_strategy(GenerationMode.NEGATIVE),
                    label,
                    examples=NEGATIVE_EXAMPLES_PER_OPERATION,
                    **run,
                )
            values = existing_path_values(operation, existing)
            if values:
                fuzz(
                    operation.as_strategy(path_parameters=values),
                    label,
                    examples=EXAMPLES_PER_OPERATION,
                    **run,
                )

    outcome.seconds = time.monotonic() - started
    run = f"{host_kind}-{role or 'anonymous'}"
    TOTALS[run] = outcome
    with capsys.disabled():
        print(f"\nschemathesis {run} on {host}: {outcome.summary()}")
        print(f"  statuses: {dict(sorted(outcome.statuses.items()))}")
        for unavailable, count in sorted(outcome.documented_unavailable.items()):
            print(f"  documented 503: {unavailable} x{count}")
        for known, count in sorted(outcome.known.items()):
            print(f"  known failure, not counted: {known} x{count}")
        for operation, (count, message) in outcome.violations.items():
            print(f"  FAILED {operation} x{count}: {message}")

    assert outcome.violations == {}
