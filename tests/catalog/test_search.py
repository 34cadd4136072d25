import math

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quartier.catalog.models import Category, Listing
from quartier.catalog.selectors.search import ListingSearch, listing_search
from quartier.catalog.services.listings import listing_search_vector_refresh
from quartier.geo.projection import project
from quartier.geo.selectors import postal_code_point
from quartier.providers.models import ProviderProfile
from tests.catalog.factories import make_listing, make_provider


def _search(client, **params):
    response = client.get("/api/listings/search/", params)
    assert response.status_code == 200, response.json()
    return response.json()


def test_customers_find_badged_providers_near_a_postal_code(tenant_a):
    with tenant_a.context():
        lea = make_provider(postal_code="8004", display_name="Lea")
        ProviderProfile.objects.filter(pk=lea.pk).update(rating_count=12, rating_score=480)
        near = make_listing(provider=lea, title="WLAN setup", francs=60)
        # Badges are written onto listings by the trust app (see tests/trust).
        Listing.objects.filter(pk=near.pk).update(badge_slugs=["telco-friend"])
        make_listing(provider=make_provider(postal_code="3011"), title="WLAN in Bern")
        make_listing(title="Möbel montieren", category_slug="furniture-assembly")

    body = _search(tenant_a.client(), q="WLAN", postal_code="8003", radius_km=10)

    assert [result["id"] for result in body["results"]] == [near.pk]
    result = body["results"][0]
    assert result["price"] == {"amount_minor": 6000, "currency": "CHF", "formatted": "CHF 60.00"}
    assert 0 < result["distance_km"] < 3
    assert result["provider"]["badges"] == ["telco-friend"]
    assert result["provider"]["rating"] == {"score": 4.8, "count": 12}
    assert result["category"]["slug"] == "router-setup"


def test_a_listing_is_found_only_where_its_provider_serves(tenant_a):
    with tenant_a.context():
        # Provider in Winterthur (8400) serving 5 km; the customer is in Zürich, ~20 km away.
        far = make_listing(provider=make_provider(postal_code="8400"), radius_km=5)
        wide = make_listing(provider=make_provider(postal_code="8400"), radius_km=40)

    ids = {r["id"] for r in _search(tenant_a.client(), postal_code="8004", radius_km=50)["results"]}

    assert wide.pk in ids
    assert far.pk not in ids


def test_category_filter_includes_children_and_facets_count_per_category(tenant_a):
    with tenant_a.context():
        router = make_listing(category_slug="router-setup")
        tuning = make_listing(category_slug="wlan-optimisation")
        make_listing(category_slug="moving-help")
        parent = Category.objects.get(slug="internet-wlan")

    body = _search(tenant_a.client(), category="internet-wlan", postal_code="8004")

    assert {r["id"] for r in body["results"]} == {router.pk, tuning.pk}
    facets = {facet["category"]: facet["count"] for facet in body["facets"]}
    assert facets[parent.pk] == 2
    with tenant_a.context():
        assert facets[Category.objects.get(slug="moving-help").pk] == 1


def test_filters_on_price_rating_badge_kind_and_language(tenant_a):
    with tenant_a.context():
        company = make_provider(kind="company", company_name="Netz AG", languages=["fr"])
        ProviderProfile.objects.filter(pk=company.pk).update(rating_score=470, rating_count=20)
        match = make_listing(provider=company, francs=80)
        make_listing(francs=80)
        make_listing(provider=company, francs=200)
        Listing.objects.filter(provider=company).update(badge_slugs=["certified"])
    client = tenant_a.client()

    def ids(**params):
        return {r["id"] for r in _search(client, postal_code="8004", **params)["results"]}

    assert ids(price_min=7000, price_max=9000, provider_kind="company") == {match.pk}
    assert ids(min_rating="4.5", price_max=9000) == {match.pk}
    assert ids(badge="certified", price_max=9000) == {match.pk}
    assert ids(language="fr", price_max=9000) == {match.pk}


def test_hidden_paused_and_suspended_listings_are_never_found(tenant_a):
    with tenant_a.context():
        visible = make_listing()
        make_listing(publish=False)
        hidden = make_listing()
        Listing.objects.filter(pk=hidden.pk).update(status=Listing.Status.HIDDEN)
        suspended = make_listing()
        ProviderProfile.objects.filter(pk=suspended.provider_id).update(is_suspended=True)

    body = _search(tenant_a.client(), postal_code="8004")

    assert [r["id"] for r in body["results"]] == [visible.pk]


@pytest.mark.parametrize("sort", ["distance", "price", "-price", "rating", "newest"])
def test_keyset_pages_walk_every_result_once_in_order(tenant_a, sort):
    with tenant_a.context():
        for index, code in enumerate(["8004", "8003", "8050", "8400", "8001", "8032", "8037"]):
            listing = make_listing(
                provider=make_provider(postal_code=code, radius_km=50), francs=40 + (index % 3) * 10
            )
            ProviderProfile.objects.filter(pk=listing.provider_id).update(
                rating_score=400 + (index % 2) * 50
            )
    client = tenant_a.client()
    everything = _search(client, postal_code="8004", radius_km=50, sort=sort, page_size=50)

    seen, cursor = [], None
    while True:
        params = {"postal_code": "8004", "radius_km": 50, "sort": sort, "page_size": 2}
        page = _search(client, **params, **({"cursor": cursor} if cursor else {}))
        seen += [r["id"] for r in page["results"]]
        cursor = page["next_cursor"]
        if not cursor:
            break

    assert seen == [r["id"] for r in everything["results"]]
    assert len(seen) == 7


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"postal_code": "8004", "radius_km": 0}, "radius_km"),
        ({"postal_code": "8004", "radius_km": 201}, "radius_km"),
        ({"postal_code": "0000"}, "postal_code"),
        ({"postal_code": "80"}, "postal_code"),
        ({"q": "x" * 10_000}, "q"),
        ({"latitude": 47.3}, "longitude"),
        ({"latitude": 10, "longitude": 8.5}, "latitude"),
        ({"q": "wlan", "sort": "distance"}, "sort"),
        ({"category": "router-setup"}, "postal_code"),
        ({"sort": "random"}, "sort"),
        ({"q": "wlan", "cursor": "not-a-cursor"}, "cursor"),
        ({"price_min": -1}, "price_min"),
        ({"price_min": 500, "price_max": 100}, "price_max"),
        ({"q": "wlan", "category": "no-such-category"}, "category"),
        ({"min_rating": "6"}, "min_rating"),
        ({"page_size": 1000}, "page_size"),
    ],
)
def test_bad_search_input_is_a_400_naming_the_field(tenant_a, params, field):
    response = tenant_a.client().get("/api/listings/search/", params)

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]


def test_search_page_shows_errors_not_a_500(tenant_a):
    response = tenant_a.client().get("/search/", {"postal_code": "0000"})

    assert response.status_code == 400
    assert "Unknown postal code 0000." in response.content.decode()


def test_the_search_query_count_does_not_grow_with_results(tenant_a, django_assert_max_num_queries):
    with tenant_a.context():
        for _ in range(6):
            make_listing()
    client = tenant_a.client()
    client.get("/api/listings/search/", {"postal_code": "8004"})

    # page + facets + category tree + first photos (+ the search path, once)
    with django_assert_max_num_queries(5):
        body = _search(client, postal_code="8004")
    assert len(body["results"]) == 6


# --- the property test: the SQL search against a brute-force Python computation ---

WORDS = ["router", "drucker", "umzug", "velo", "garten"]
CENTRE = "8004"


def _listing_rows(tenant, specs):
    """Bulk-create listings straight in the table (fast), one provider each."""
    category_ids = list(Category.objects.values_list("pk", flat=True))
    centre = postal_code_point(CENTRE)
    created = []
    for index, spec in enumerate(specs):
        provider = make_provider(
            postal_code=CENTRE,
            display_name=f"P{index}",
            kind=spec["kind"],
            company_name="Firma" if spec["kind"] == "company" else "",
        )
        ProviderProfile.objects.filter(pk=provider.pk).update(rating_score=spec["rating"])
        latitude = centre.latitude + spec["dy"] / 111.195
        longitude = centre.longitude + spec["dx"] / (111.195 * math.cos(math.radians(46.8)))
        created.append(
            Listing(
                provider=provider,
                category_id=category_ids[spec["category"] % len(category_ids)],
                title=f"{WORDS[spec['word']]} hilfe",
                language="de",
                price_amount_minor=spec["price"],
                radius_km=spec["radius"],
                is_remote=spec["remote"],
                latitude=None if spec["remote"] else latitude,
                longitude=None if spec["remote"] else longitude,
                location=None if spec["remote"] else project(latitude, longitude),
                status=Listing.Status.PUBLISHED,
                postal_code=CENTRE,
            )
        )
    listings = Listing.objects.bulk_create(created)
    listing_search_vector_refresh(listing_ids=[listing.pk for listing in listings])
    return listings


LISTING_SPEC = st.fixed_dictionaries(
    {
        "dx": st.integers(-30, 30),
        "dy": st.integers(-30, 30),
        "radius": st.integers(1, 40),
        "price": st.integers(100, 20_000),
        "rating": st.integers(0, 500),
        "word": st.integers(0, len(WORDS) - 1),
        "category": st.integers(0, 20),
        "remote": st.booleans(),
        "kind": st.sampled_from(["private", "company"]),
    }
)
QUERY = st.fixed_dictionaries(
    {
        "radius": st.integers(1, 60),
        "word": st.none() | st.integers(0, len(WORDS) - 1),
        "price_max": st.none() | st.integers(100, 20_000),
        "min_rating": st.none() | st.integers(0, 500),
        "kind": st.none() | st.sampled_from(["private", "company"]),
        "include_remote": st.booleans(),
        "sort": st.sampled_from(["distance", "price", "-price", "rating", "relevance"]),
    }
)
EPSILON = 1e-5  # PostgreSQL's geometric operators compare with a tolerance of 1e-6


class _Rollback(Exception):
    pass


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(LISTING_SPEC, min_size=0, max_size=12), query=QUERY)
def test_search_matches_a_brute_force_computation(tenant_a, specs, query):
    with tenant_a.context():
        try:
            with transaction.atomic():
                listings = _listing_rows(tenant_a, specs)
                _compare(listings, specs, query)
                raise _Rollback
        except _Rollback:
            pass


def _category_words() -> dict[int, set[str]]:
    """Each category's German name, as lowercase words (they are indexed too)."""
    return {
        category.pk: set(category.name_in("de").lower().split())
        for category in Category.objects.all()
    }


def _compare(listings, specs, query):
    point = postal_code_point(CENTRE).projected()
    search = ListingSearch(
        text=WORDS[query["word"]] if query["word"] is not None else "",
        point=point,
        radius_km=query["radius"],
        price_max=query["price_max"],
        min_rating=query["min_rating"],
        provider_kind=query["kind"],
        include_remote=query["include_remote"],
        sort=query["sort"],
        limit=50,
    )
    actual = [row["id"] for row in listing_search(search, with_facets=False).results]

    certain, borderline, distance = set(), set(), {}
    category_words = _category_words()
    for listing, spec in zip(listings, specs, strict=True):
        if not _passes_filters(spec, query, category_words[listing.category_id]):
            continue
        if spec["remote"]:
            if query["include_remote"]:
                certain.add(listing.pk)
            continue
        d = math.hypot(listing.location[0] - point[0], listing.location[1] - point[1])
        distance[listing.pk] = d
        limit = min(query["radius"], spec["radius"])
        if d <= limit - EPSILON:
            certain.add(listing.pk)
        elif d <= limit + EPSILON:
            borderline.add(listing.pk)

    assert certain <= set(actual) <= certain | borderline
    assert len(actual) == len(set(actual))
    _check_order(actual, listings, specs, query, distance, category_words)


def _passes_filters(spec, query, category_words: set[str]) -> bool:
    word = WORDS[query["word"]] if query["word"] is not None else None
    return (
        (word is None or spec["word"] == query["word"] or word in category_words)
        and (query["price_max"] is None or spec["price"] <= query["price_max"])
        and (query["min_rating"] is None or spec["rating"] >= query["min_rating"])
        and (query["kind"] is None or spec["kind"] == query["kind"])
    )


def _check_order(actual, listings, specs, query, distance, category_words):
    by_id = {listing.pk: spec for listing, spec in zip(listings, specs, strict=True)}
    category_of = {listing.pk: listing.category_id for listing in listings}
    sort = query["sort"]
    if sort == "relevance" and query["word"] is None:
        sort = "rating"  # relevance without text ranks by rating

    def key(listing_id):
        spec = by_id[listing_id]
        if sort == "distance":
            return (distance.get(listing_id, math.inf), listing_id)
        if sort == "price":
            return (spec["price"], listing_id)
        if sort == "-price":
            return (-spec["price"], listing_id)
        if sort == "rating":
            return (-spec["rating"], listing_id)
        # Identical titles; a category whose name holds the word too ranks higher (category
        # names are indexed); otherwise equal rank, in id order.
        word = WORDS[query["word"]]
        return (word not in category_words[category_of[listing_id]], listing_id)

    expected = sorted(actual, key=key)
    if sort == "distance":  # ties within float noise may swap
        assert [round(key(i)[0], 6) for i in actual] == [round(key(i)[0], 6) for i in expected]
    else:
        assert actual == expected


# --- every search shape uses an index ---

SHAPES = {
    "text": {"text": "velo"},
    "near": {"near": True},
    "near-text-category-sorted": {
        "text": "velo",
        "near": True,
        "category": True,
        "sort": "distance",
    },
    "text-price": {"text": "velo", "sort": "price"},
    "near-rating": {"near": True, "sort": "rating"},
    "category-near-newest": {"category": True, "near": True, "sort": "newest"},
}


def test_every_search_shape_uses_an_index_on_a_large_table(tenant_a):
    from quartier.catalog.selectors.search import search_sql, text_query

    with tenant_a.context():
        _many_listings(6000)
        category = Category.objects.get(slug="router-setup")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalog_listing")
        for shape, options in SHAPES.items():
            search = ListingSearch(
                text=options.get("text", ""),
                point=postal_code_point("8004").projected() if options.get("near") else None,
                radius_km=10 if options.get("near") else None,
                category_ids=(category.pk,) if options.get("category") else None,
                sort=options.get("sort", "relevance"),
            )
            sql, params = search_sql(search, text_query(search.text) if search.text else "")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on catalog_listing" not in plan, (shape, plan)
            assert "Index" in plan, (shape, plan)


# A realistic vocabulary: any one word is in a few percent of the titles.
VOCABULARY = [
    f"{stem}{suffix}"
    for stem in ("router", "drucker", "umzug", "velo", "garten")
    for suffix in (
        "",
        "kabel",
        "tisch",
        "haus",
        "platz",
        "schrank",
        "zimmer",
        "keller",
        "licht",
        "wand",
        "dach",
        "boden",
        "fenster",
        "tür",
        "lampe",
        "bank",
        "stuhl",
        "bett",
        "ofen",
        "tor",
    )
]


def _many_listings(count: int) -> None:
    """Realistic spread: 40 postal codes, 8 categories, 100 words; 90 % published."""
    from quartier.geo.models import PostalCode

    codes = list(
        PostalCode.objects.filter(code__startswith="8")
        .values_list("code", flat=True)
        .distinct()[:40]
    )
    categories = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    providers = [make_provider(postal_code=code) for code in codes[:10]]
    rows = []
    for index in range(count):
        point = postal_code_point(codes[index % len(codes)])
        rows.append(
            Listing(
                provider=providers[index % len(providers)],
                category_id=categories[index % len(categories)],
                title=f"{VOCABULARY[index % len(VOCABULARY)]} hilfe",
                language="de",
                price_amount_minor=1000 + index,
                radius_km=10,
                latitude=point.latitude,
                longitude=point.longitude,
                location=point.projected(),
                postal_code=codes[0],
                status=Listing.Status.PUBLISHED if index % 10 else Listing.Status.DRAFT,
            )
        )
    Listing.objects.bulk_create(rows, batch_size=2000)
    listing_search_vector_refresh()
