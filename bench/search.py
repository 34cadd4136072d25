"""Neighbourhood search: our indexed search vs a naive sequential-scan haversine query.

Run: .venv/bin/python bench/search.py [--listings 100000] [--codes 300] [--searches 1000]

Seeds one tenant with N published listings spread over postal codes, then runs the same
mixed searches (text + category + radius + sort) three ways in one run:
  query    - quartier.catalog.selectors.search.listing_search (page + facets)
  api      - GET /api/listings/search/ through Django's test client, in-process
  baseline - one SQL statement: ILIKE text match and a haversine distance over every row
Also EXPLAINs every search shape and fails loudly if one scans catalog_listing.
Prints one JSON line with the raw figures.
"""

import argparse
import json
import random
import time

from _setup import bench_database, median, percentile

WORDS = [
    "router",
    "wlan",
    "mesh",
    "repeater",
    "drucker",
    "scanner",
    "laptop",
    "tablet",
    "smartphone",
    "backup",
    "fernseher",
    "tvbox",
    "streaming",
    "kabel",
    "netzwerk",
    "glasfaser",
    "modem",
    "telefon",
    "festnetz",
    "kamera",
    "alarm",
    "lampe",
    "möbel",
    "schrank",
    "regal",
    "bett",
    "tisch",
    "küche",
    "umzug",
    "transport",
    "velo",
    "garten",
    "rasen",
    "hecke",
    "fenster",
    "reinigung",
    "wäsche",
    "bügeln",
    "hund",
    "katze",
    "nachhilfe",
    "mathe",
    "englisch",
    "klavier",
    "gitarre",
    "schach",
    "fotos",
    "album",
    "einkauf",
    "apotheke",
    "post",
    "begleitung",
    "computer",
    "virus",
    "passwort",
    "email",
    "konto",
    "software",
    "update",
    "installation",
    "reparatur",
    "montage",
    "anschluss",
    "einrichten",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--codes", type=int, default=300)
    parser.add_argument("--searches", type=int, default=1000)
    arguments = parser.parse_args()
    with bench_database("quartier_bench_search"):
        figures = run(arguments.listings, arguments.codes, arguments.searches)
    print(json.dumps(figures))


def run(listing_count: int, code_count: int, search_count: int) -> dict:
    from django.core.management import call_command

    from quartier.platform.tenancy import tenant_context
    from quartier.tenants.services import tenant_provision

    call_command("migrate", verbosity=0, no_pool=True)
    tenant = tenant_provision(
        name="Search bench", slug="search-bench", admin_email="admin@bench.test"
    ).tenant
    rng = random.Random(7)
    with tenant_context(tenant):
        started = time.perf_counter()
        codes = _seed(rng, listing_count, code_count)
        seed_seconds = time.perf_counter() - started
        _assert_index_plans(codes)
        searches = [_random_search(rng, codes) for _ in range(search_count)]
        query_ms = [_time_query(params) for params in searches]
        baseline_ms = [_time_baseline(params) for params in searches[: max(50, search_count // 10)]]
    api_ms = [_time_api(params) for params in searches]
    return {
        "listings": listing_count,
        "postal_codes": code_count,
        "searches": search_count,
        "seed_s": round(seed_seconds, 1),
        "p50_ms": round(median(query_ms), 2),
        "p95_ms": round(percentile(query_ms, 0.95), 2),
        "api_p50_ms": round(median(api_ms), 2),
        "api_p95_ms": round(percentile(api_ms, 0.95), 2),
        "baseline_p50_ms": round(median(baseline_ms), 2),
        "baseline_p95_ms": round(percentile(baseline_ms, 0.95), 2),
        "baseline_samples": len(baseline_ms),
        "ratio": round(percentile(baseline_ms, 0.95) / percentile(query_ms, 0.95), 1),
        "index_plans": "ok",
    }


def _seed(rng: random.Random, listing_count: int, code_count: int) -> list[str]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from quartier.accounts.models import User
    from quartier.catalog.models import Category, Listing
    from quartier.catalog.services.listings import listing_search_vector_refresh
    from quartier.geo.models import PostalCode
    from quartier.geo.selectors import postal_code_point
    from quartier.providers.models import ProviderProfile

    all_codes = sorted(
        set(PostalCode.objects.filter(is_po_box=False).values_list("code", flat=True))
    )
    codes = rng.sample(all_codes, code_count)
    unusable = make_password(None)
    provider_count = max(1, listing_count // 50)
    users = User.objects.bulk_create(
        [
            User(email=f"p{i}@bench.test", password=unusable, role=User.Role.PROVIDER)
            for i in range(provider_count)
        ],
        batch_size=5000,
    )
    providers = ProviderProfile.objects.bulk_create(
        [
            _provider(rng, user, codes[i % code_count], postal_code_point)
            for i, user in enumerate(users)
        ],
        batch_size=5000,
    )
    categories = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    now = timezone.now()
    batch = []
    for index in range(listing_count):
        provider = providers[index % provider_count]
        code = rng.choice(codes) if rng.random() < 0.2 else provider.home_postal_code
        point = postal_code_point(code)
        batch.append(
            Listing(
                provider=provider,
                category_id=rng.choice(categories),
                title=" ".join(rng.sample(WORDS, 3)),
                description=" ".join(rng.sample(WORDS, 8)),
                language="de",
                price_amount_minor=rng.randrange(2000, 20000, 500),
                radius_km=rng.choice([5, 10, 15, 20, 30]),
                postal_code=code,
                latitude=point.latitude,
                longitude=point.longitude,
                location=point.projected(),
                is_remote=rng.random() < 0.02,
                status=Listing.Status.PUBLISHED,
                published_at=now,
            )
        )
        if len(batch) == 10_000:
            Listing.objects.bulk_create(batch)
            batch = []
    Listing.objects.bulk_create(batch)
    listing_search_vector_refresh()
    with connection.cursor() as cursor:
        # Steady state, as autovacuum leaves it: the vector refresh above rewrote every row.
        cursor.execute("VACUUM ANALYZE catalog_listing")
        cursor.execute("VACUUM ANALYZE catalog_providerprofile")
    return codes


def _provider(rng, user, code, postal_code_point):
    from quartier.providers.models import ProviderProfile

    point = postal_code_point(code)
    return ProviderProfile(
        user=user,
        display_name=f"Helper {user.email}",
        home_postal_code=code,
        service_radius_km=15,
        latitude=point.latitude,
        longitude=point.longitude,
        location=point.projected(),
        is_vetted=rng.random() < 0.7,
        badge_slugs=["vetted"] if rng.random() < 0.5 else [],
        rating_count=rng.randrange(0, 60),
        rating_sum=0,
        rating_score=rng.randrange(300, 500),
        languages=["de"],
        kind="private",
    )


def _random_search(rng: random.Random, codes: list[str]) -> dict:
    from quartier.catalog.models import Category

    params = {
        "postal_code": rng.choice(codes),
        "radius_km": rng.choice([5, 10, 20, 30]),
        "sort": rng.choice(["relevance", "distance", "price", "rating"]),
    }
    if rng.random() < 0.8:
        params["q"] = rng.choice(WORDS)
    if rng.random() < 0.6:
        params["category"] = rng.choice(list(Category.objects.values_list("slug", flat=True)))
    return params


def _search_for(params):
    from quartier.catalog.api.serializers import SearchQuerySerializer
    from quartier.catalog.api.views import listing_search_from_query

    serializer = SearchQuerySerializer(data=params)
    serializer.is_valid(raise_exception=True)
    return listing_search_from_query(serializer.validated_data)


def _time_query(params) -> float:
    from quartier.catalog.selectors.search import listing_search

    search = _search_for(params)
    started = time.perf_counter()
    listing_search(search)
    return (time.perf_counter() - started) * 1000


_client = None


def _time_api(params) -> float:
    global _client
    from django.test import Client

    _client = _client or Client(HTTP_HOST="search-bench.localhost")
    started = time.perf_counter()
    response = _client.get("/api/listings/search/", params)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.content[:300]
    return elapsed


BASELINE_SQL = """
SELECT l.id, 2 * 6371.0088 * asin(sqrt(
         power(sin(radians(l.latitude - %(lat)s) / 2), 2)
       + cos(radians(%(lat)s)) * cos(radians(l.latitude))
       * power(sin(radians(l.longitude - %(lon)s) / 2), 2))) AS distance
FROM catalog_listing l JOIN catalog_providerprofile p ON p.id = l.provider_id
WHERE l.status = 'published' AND NOT p.is_suspended
  AND (%(text)s = '' OR l.title ILIKE %(like)s OR l.description ILIKE %(like)s)
  AND (%(no_category)s OR l.category_id = ANY(%(categories)s))
  AND 2 * 6371.0088 * asin(sqrt(
         power(sin(radians(l.latitude - %(lat)s) / 2), 2)
       + cos(radians(%(lat)s)) * cos(radians(l.latitude))
       * power(sin(radians(l.longitude - %(lon)s) / 2), 2))) <= LEAST(%(radius)s, l.radius_km)
ORDER BY distance, l.id
LIMIT 21
"""


def _time_baseline(params) -> float:
    from django.db import connection

    from quartier.catalog.selectors.catalog import category_ids_with_children
    from quartier.geo.selectors import postal_code_point

    point = postal_code_point(params["postal_code"])
    text = params.get("q", "")
    categories = (
        list(category_ids_with_children(params["category"])) if params.get("category") else []
    )
    arguments = {
        "lat": point.latitude,
        "lon": point.longitude,
        "radius": params["radius_km"],
        "text": text,
        "like": f"%{text}%",
        "no_category": not categories,
        "categories": categories,
    }
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(BASELINE_SQL, arguments)
        cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def _assert_index_plans(codes: list[str]) -> None:
    from django.db import connection

    from quartier.catalog.models import Category
    from quartier.catalog.selectors.search import ListingSearch, search_sql, text_query
    from quartier.geo.selectors import postal_code_point

    point = postal_code_point(codes[0]).projected()
    category = (Category.objects.get(slug="router-setup").pk,)
    shapes = {
        "text": ListingSearch(text="router"),
        "near": ListingSearch(point=point, radius_km=10),
        "text+category+near by relevance": ListingSearch(
            text="router", point=point, radius_km=10, category_ids=category
        ),
        "text+near by distance": ListingSearch(
            text="router", point=point, radius_km=20, sort="distance"
        ),
        "near by price": ListingSearch(point=point, radius_km=10, sort="price"),
        "category+near by rating": ListingSearch(
            point=point, radius_km=30, category_ids=category, sort="rating"
        ),
    }
    for name, search in shapes.items():
        sql, params = search_sql(search, text_query(search.text) if search.text else "")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        if "Seq Scan on catalog_listing" in plan:
            raise SystemExit(f"search shape {name!r} scans catalog_listing:\n{plan}")


if __name__ == "__main__":
    main()
