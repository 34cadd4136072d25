"""Load and soak: mixed traffic across many tenants against gunicorn, for minutes.

Run: .venv/bin/python bench/soak.py [--minutes 10] [--tenants 50] [--clients 16]
                                    [--listings 200] [--workers 2]

Same set-up as bench/serving.py (production settings, system PostgreSQL, Redis on a
bench index, deploy/gunicorn.conf.py). Each tenant gets `--listings` published
listings, a bookable provider, a customer with three bookings and a message. `--clients`
threads (keep-alive HTTP) then pick a random tenant and a request by weight:
60 % search API, 20 % listing page, 10 % bookings list API (token), 5 % a booking's
messages API, 5 % sign-in (POST /api/auth/token/, one PBKDF2 hash by design).
Prints throughput, p50/p95/p99, errors (non-2xx or failed connections; must be 0) and
the workers' resident memory at the start and the end, as one JSON line.
"""

import argparse
import http.client
import json
import random
import threading
import time

import serving
from _setup import bench_database, percentile

PASSWORD = "soak-password-1234"  # noqa: S105
MIX = [("search", 60), ("listing_page", 20), ("bookings", 10), ("messages", 5), ("sign_in", 5)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--tenants", type=int, default=50)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--listings", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    serving._flush_redis(serving.os.environ["REDIS_URL"])
    with bench_database("quartier_bench_soak"):
        started = time.perf_counter()
        tenants = _seed(arguments.tenants, arguments.listings)
        seed_seconds = time.perf_counter() - started
        from django.db import connections

        connections.close_all()
        figures = _soak(tenants, arguments)
    figures["seed_s"] = round(seed_seconds, 1)
    print(json.dumps(figures))


def _seed(count: int, listing_count: int) -> list[dict]:
    from bookings import _listings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token
    from search import _seed as seed_listings

    from quartier.accounts.models import User
    from quartier.bookings.services.conversation import message_send
    from quartier.platform.tenancy import tenant_context
    from quartier.tenants.services import tenant_provision

    call_command("migrate", verbosity=0, no_pool=True)
    password = make_password(PASSWORD)  # one hash for every tenant's customer
    tenants = []
    for index in range(count):
        slug = f"soak{index}"
        tenant = tenant_provision(
            name=f"Soak {index}", slug=slug, admin_email=f"admin@{slug}.test"
        ).tenant
        with tenant_context(tenant):
            seed_listings(random.Random(index), listing_count, 20)
            listing = _listings(1, "8004")[0]
            customer = User.objects.create(email=f"customer@{slug}.test", password=password)
            bookings = _book(listing, customer)
            message_send(booking=bookings[0], sender=customer, body="Hello from the soak")
            tenants.append(
                {
                    "host": f"{slug}.bench.test",
                    "email": customer.email,
                    "token": Token.objects.create(user=customer).key,
                    "listing": listing.pk,
                    "postal_code": listing.postal_code,
                    "booking": bookings[0].pk,
                }
            )
    return tenants


def _book(listing, customer) -> list:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from quartier.bookings.services.requests import booking_request_slot

    zurich = ZoneInfo("Europe/Zurich")
    today = timezone.now().astimezone(zurich).date()
    made = []
    for days in range(2, 5):
        day = today + timedelta(days=days)
        starts = datetime(day.year, day.month, day.day, 10, tzinfo=zurich).astimezone(UTC)
        made.append(booking_request_slot(listing=listing, customer=customer, starts_at=starts))
    return made


WORDS = ["router", "wlan", "drucker", "laptop", "umzug", "garten", "reinigung", "computer"]


def _request(kind: str, tenant: dict, rng: random.Random):
    headers = {"Host": tenant["host"], "X-Forwarded-Proto": "https"}
    if kind == "search":
        query = f"postal_code={tenant['postal_code']}&radius_km=20&q={rng.choice(WORDS)}"
        return "GET", f"/api/listings/search/?{query}", headers, None
    if kind == "listing_page":
        return "GET", f"/listings/{tenant['listing']}/", headers, None
    headers["Authorization"] = f"Token {tenant['token']}"
    if kind == "bookings":
        return "GET", "/api/bookings/", headers, None
    if kind == "messages":
        return "GET", f"/api/bookings/{tenant['booking']}/messages/", headers, None
    body = json.dumps({"email": tenant["email"], "password": PASSWORD})
    del headers["Authorization"]
    headers["Content-Type"] = "application/json"
    return "POST", "/api/auth/token/", headers, body


class Client(threading.Thread):
    def __init__(self, seed: int, tenants: list[dict], deadline: float, port: int):
        super().__init__(daemon=True)
        self.rng, self.tenants, self.deadline, self.port = (
            random.Random(seed),
            tenants,
            deadline,
            port,
        )
        self.latencies: dict[str, list[float]] = {kind: [] for kind, _ in MIX}
        self.errors: list[str] = []

    def run(self) -> None:
        kinds, weights = zip(*MIX, strict=True)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while time.monotonic() < self.deadline:
            kind = self.rng.choices(kinds, weights)[0]
            method, path, headers, body = _request(kind, self.rng.choice(self.tenants), self.rng)
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(f"{kind}: {error!r}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                continue
            self.latencies[kind].append((time.perf_counter() - started) * 1000)
            if response.status >= 400:
                self.errors.append(f"{kind}: {response.status} {path}")
        connection.close()


def _soak(tenants: list[dict], arguments) -> dict:
    multiproc = serving.tempfile.mkdtemp(prefix="bench-soak-prom-")
    port = 8743
    server = serving._start(
        "quartier.config.wsgi:application",
        port,
        arguments.workers,
        {"PROMETHEUS_MULTIPROC_DIR": multiproc},
    )
    try:
        for tenant in tenants[:3]:
            serving._wait_ready(server, port, {"Host": tenant["host"]}, "/")
        memory_start = serving._worker_rss_mb(server)
        started = time.monotonic()
        deadline = started + arguments.minutes * 60
        clients = [Client(i, tenants, deadline, port) for i in range(arguments.clients)]
        for client in clients:
            client.start()
        curve = []
        while any(client.is_alive() for client in clients):
            time.sleep(min(30, arguments.minutes * 6))
            served = sum(len(v) for client in clients for v in client.latencies.values())
            curve.append(
                [round(time.monotonic() - started), served, serving._worker_rss_mb(server)]
            )
        for client in clients:
            client.join()
        seconds = time.monotonic() - started
        memory_end = serving._worker_rss_mb(server)
    finally:
        serving._stop(server)
        serving.shutil.rmtree(multiproc, ignore_errors=True)
    everything = [ms for client in clients for kinds in client.latencies.values() for ms in kinds]
    errors = [error for client in clients for error in client.errors]
    per_kind = {
        kind: {
            "requests": len(values),
            "p50_ms": round(percentile(values, 0.5), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
        }
        for kind in dict(MIX)
        if (values := [ms for client in clients for ms in client.latencies[kind]])
    }
    return {
        "minutes": arguments.minutes,
        "tenants": len(tenants),
        "clients": arguments.clients,
        "workers": arguments.workers,
        "requests": len(everything),
        "requests_per_s": round(len(everything) / seconds, 1),
        "p50_ms": round(percentile(everything, 0.5), 1),
        "p95_ms": round(percentile(everything, 0.95), 1),
        "p99_ms": round(percentile(everything, 0.99), 1),
        "errors": len(errors),
        "first_errors": errors[:5],
        "per_kind": per_kind,
        "worker_rss_mb_start": memory_start,
        "worker_rss_mb_end": memory_end,
        # [seconds, requests so far, each worker's RSS]: flat or still warming up.
        "worker_rss_curve": curve,
    }


if __name__ == "__main__":
    main()
