"""Neighbourhood search over published listings: text, filters, distance, keyset pages.

One SQL statement per page and one for the facet counts. Every shape has an index
path: GIN on the text vector, GiST on the projected location, B-trees on price and
publication date (see migrations); the remote listings have their own partial index so
"near me, or remote" stays an index union instead of a scan.
"""

import base64
import json
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from quartier.catalog.models import ListingPhoto
from quartier.catalog.selectors.catalog import category_parents
from quartier.marketplace.selectors import rating_min_reviews
from quartier.platform.errors import ApplicationError

SORTS = ("relevance", "distance", "price", "-price", "rating", "newest")
CONFIGS = ("german", "french", "italian", "english")
MAX_QUERY_LENGTH = 200
INVALID_CURSOR = "invalid_cursor"


@dataclass(frozen=True)
class ListingSearch:
    text: str = ""
    point: tuple[float, float] | None = None  # projected km (quartier.geo.projection)
    radius_km: int | None = None
    category_ids: tuple[int, ...] | None = None
    currency: str = "CHF"
    price_min: int | None = None
    price_max: int | None = None
    min_rating: int | None = None  # x100, like ProviderProfile.rating_score
    badge: str | None = None
    provider_kind: str | None = None
    language: str | None = None
    include_remote: bool = True
    sort: str = "relevance"
    cursor: str | None = None
    limit: int = 20

    @property
    def effective_sort(self) -> str:
        if self.sort == "relevance" and not self.text:
            return "rating"
        if self.sort == "distance" and self.point is None:
            return "rating"
        return self.sort


@dataclass
class SearchPage:
    results: list[dict]
    next_cursor: str | None
    facets: dict[int, int] = field(default_factory=dict)


class _Sql:
    """Builds the WHERE clause and its parameters, once, for the page and the facets."""

    def __init__(self, search: ListingSearch, tsquery: str = ""):
        self.search = search
        self.tsquery = tsquery
        self.params: dict = {}
        self.where: list[str] = ["l.status = 'published'", "NOT p.is_suspended"]

    def add(self, clause: str, **params) -> None:
        self.where.append(clause)
        self.params.update(params)

    def build(self, *, with_category: bool) -> str:
        search = self.search
        self.where = ["l.status = 'published'", "NOT p.is_suspended"]
        if search.text:
            self.add("l.search_vector @@ %(tsquery)s::tsquery", tsquery=self.tsquery)
        if search.point is not None:
            self._near(search)
        if with_category and search.category_ids is not None:
            self.add("l.category_id = ANY(%(categories)s)", categories=list(search.category_ids))
        if search.price_min is not None:
            self.add("l.price_amount_minor >= %(price_min)s", price_min=search.price_min)
        if search.price_max is not None:
            self.add("l.price_amount_minor <= %(price_max)s", price_max=search.price_max)
        if search.price_min is not None or search.price_max is not None:
            self.add("l.price_currency = %(currency)s", currency=search.currency)
        if search.min_rating is not None:
            # The number people see (selectors.ratings): the plain mean to one decimal,
            # and only for providers past the "New" minimum.
            self.add(
                "p.rating_count >= greatest(%(rating_minimum)s, 1) AND "
                "round(p.rating_sum * 10.0 / nullif(p.rating_count, 0)) * 10 >= %(min_rating)s",
                min_rating=search.min_rating,
                rating_minimum=rating_min_reviews(),
            )
        if search.badge:
            self.add("l.badge_slugs @> ARRAY[%(badge)s]::varchar[]", badge=search.badge)
        if search.provider_kind:
            self.add("p.kind = %(kind)s", kind=search.provider_kind)
        if search.language:
            self.add("p.languages @> ARRAY[%(language)s]::varchar[]", language=search.language)
        return " AND ".join(self.where)

    def _near(self, search: ListingSearch) -> None:
        x, y = search.point
        self.params.update(x=x, y=y, radius=search.radius_km)
        # The listing's service area contains the customer (GiST on the area circle), and
        # the listing is within the customer's own radius.
        located = (
            "(circle(l.location, l.radius_km::float8) @> circle(point(%(x)s, %(y)s), 0) "
            "AND l.location <-> point(%(x)s, %(y)s) <= %(radius)s)"
        )
        if search.include_remote:
            located = f"({located} OR l.is_remote)"
        self.where.append(located)


_TSQUERIES = "SELECT " + ", ".join(
    f"websearch_to_tsquery('{config}', %(text)s)::text" for config in CONFIGS
)


# Words -> their tsquery, in this process: the parse depends on nothing but the words
# and PostgreSQL's built-in dictionaries (the same for every tenant), and people search
# for the same few words again and again.
_parsed: dict[str, str] = {}
_PARSED_MAX = 10_000


def text_query(text: str) -> str:
    """The user's words as one tsquery: each language's stems, each only once.

    Listings are indexed in their own language; the query is parsed in all four and
    OR-ed. Identical parses are merged so the planner does not count a stem four times
    (which made it overestimate matches and choose a scan). Words seen before cost no
    statement.
    """
    found = _parsed.get(text)
    if found is not None:
        return found
    with connection.cursor() as cursor:
        cursor.execute(_TSQUERIES, {"text": text})
        parses = [parse for parse in cursor.fetchone() if parse]
    unique = list(dict.fromkeys(parses))
    found = " | ".join(f"({parse})" for parse in unique) if unique else "''"
    if len(_parsed) >= _PARSED_MAX:
        _parsed.clear()
    _parsed[text] = found
    return found


_DISTANCE = "(l.location <-> point(%(x)s, %(y)s))"
# Sort keys: (SQL expression, direction) - the listing id always breaks ties ascending.
_SORT_KEYS = {
    # float8: the cursor must carry the exact value (float4 does not survive JSON).
    "relevance": ("ts_rank_cd(l.search_vector, %(tsquery)s::tsquery)::float8", "DESC"),
    "distance": (_DISTANCE, "ASC"),
    "price": ("l.price_amount_minor", "ASC"),
    "-price": ("l.price_amount_minor", "DESC"),
    # The hidden ranking signal (a Bayesian average), not the number shown; see ratings.py.
    "rating": ("p.rating_score", "DESC"),
    "newest": ("l.published_at", "DESC"),
}

_SEARCH = """
WITH matched AS MATERIALIZED (
    SELECT l.id, l.category_id, {sort_value} AS sort_value, {distance} AS distance_km
    FROM catalog_listing l
    JOIN catalog_providerprofile p ON p.id = l.provider_id
    WHERE {where}
),
page AS (
    SELECT m.* FROM matched m
    WHERE {page_where}
    ORDER BY m.sort_value {direction} NULLS LAST, m.id
    LIMIT %(limit)s
)
SELECT {facets} AS facets, r.*
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (
    SELECT page.id, page.sort_value, page.distance_km, l.title, l.price_amount_minor,
           l.price_currency, l.price_unit, l.duration_minutes, l.is_remote, l.postal_code,
           l.radius_km, l.category_id, c.slug AS category_slug, c.names AS category_names,
           p.id AS provider_id, p.display_name, p.kind, p.is_vetted, l.badge_slugs,
           p.rating_score, p.rating_count, p.rating_sum, p.completed_jobs,
           (SELECT ph.image FROM catalog_listingphoto ph WHERE ph.listing_id = l.id
            ORDER BY ph.position, ph.id LIMIT 1) AS photo_image
    FROM page
    JOIN catalog_listing l ON l.id = page.id
    JOIN catalog_providerprofile p ON p.id = l.provider_id
    JOIN catalog_category c ON c.id = l.category_id
) AS r ON true
ORDER BY r.sort_value {direction} NULLS LAST, r.id
"""
_FACETS = (
    "(SELECT coalesce(json_object_agg(category_id, n), '{}') FROM "
    "(SELECT category_id, count(*) AS n FROM matched GROUP BY category_id) AS f)"
)


def listing_search(search: ListingSearch, *, with_facets: bool = True) -> SearchPage:
    """One page of published listings matching `search`, and category facet counts.

    One statement: the matches are collected once, then counted per category (facets
    ignore the category filter) and cut to the page, whose rows alone are joined to
    their details and their first photo's URL (`photo_url`, None without one).
    """
    if len(search.text) > MAX_QUERY_LENGTH:
        raise ApplicationError.invalid_field(
            "q",
            _("At most %(max_query_length)s characters.") % {"max_query_length": MAX_QUERY_LENGTH},
        )
    tsquery = text_query(search.text) if search.text else ""
    # Facets describe the whole result set: computed for the first page only.
    with_facets = with_facets and not search.cursor
    sql, params = search_sql(search, tsquery, with_facets=with_facets)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    facets = _decode_json(rows[0]["facets"]) if rows and with_facets else {}
    rows = [row for row in rows if row["id"] is not None]
    storage = ListingPhoto._meta.get_field("image").storage
    for row in rows:
        row["category_names"] = _decode_json(row["category_names"])
        # The first photo, read in the same statement (its index: listing, position).
        image = row.pop("photo_image")
        row["photo_url"] = storage.url(image) if image else None
    next_cursor = None
    if len(rows) > search.limit:
        rows = rows[: search.limit]
        next_cursor = _encode_cursor(search.effective_sort, rows[-1])
    return SearchPage(
        results=rows,
        next_cursor=next_cursor,
        facets=_roll_up({int(k): v for k, v in (facets or {}).items()}),
    )


def _decode_json(value):
    # Django leaves json undecoded on raw cursors (its JSONField decodes).
    return json.loads(value) if isinstance(value, str) else value


def search_sql(
    search: ListingSearch, tsquery: str = "", *, with_facets: bool = True
) -> tuple[str, dict]:
    builder = _Sql(search, tsquery)
    # With facets, the category filter applies to the page only.
    where = builder.build(with_category=not with_facets)
    sort = search.effective_sort
    expression, direction = _SORT_KEYS[sort]
    params = {**builder.params, "limit": search.limit + 1}
    if sort == "relevance":
        params["tsquery"] = tsquery
    page_where = ["true"]
    if with_facets and search.category_ids is not None:
        page_where.append("m.category_id = ANY(%(categories)s)")
        params["categories"] = list(search.category_ids)
    if search.cursor:
        value, last_id = _decode_cursor(search.cursor, sort)
        after, cursor_params = _after("m.sort_value", direction, value, last_id)
        page_where.append(after)
        params.update(cursor_params)
    distance = _DISTANCE if search.point is not None else "NULL::float8"
    sql = _SEARCH.format(
        sort_value=expression,
        distance=distance,
        where=where,
        page_where=" AND ".join(page_where),
        direction=direction,
        facets=_FACETS if with_facets else "NULL::json",
    )
    return sql, params


def _after(expression: str, direction: str, value, last_id: int) -> tuple[str, dict]:
    """Keyset condition: rows strictly after (value, id) in the page order."""
    params = {"after_value": value, "after_id": last_id}
    if value is None:  # past the last non-null value: only null rows with a greater id
        return f"({expression} IS NULL AND m.id > %(after_id)s)", params
    beyond = ">" if direction == "ASC" else "<"
    return (
        f"({expression} {beyond} %(after_value)s OR {expression} IS NULL "
        f"OR ({expression} = %(after_value)s AND m.id > %(after_id)s))",
        params,
    )


def _encode_cursor(sort: str, row: dict) -> str:
    value = row["sort_value"]
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    raw = json.dumps({"s": sort, "v": value, "i": row["id"]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if data["s"] != sort or not isinstance(data["i"], int):
            raise ValueError("cursor of another sort")
        value = data["v"]
        if value is not None and not isinstance(value, int | float | str):
            raise ValueError("bad value")
        return value, data["i"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise ApplicationError.invalid_field(
            "cursor", _("This cursor is not valid for this search."), code=INVALID_CURSOR
        ) from error


def _roll_up(counts: dict[int, int]) -> dict[int, int]:
    """Add each sub-category's count to its parent's."""
    if not counts:
        return {}
    parents = category_parents()
    rolled = dict(counts)
    for category_id, count in counts.items():
        parent_id = parents.get(category_id)
        if parent_id is not None:
            rolled[parent_id] = rolled.get(parent_id, 0) + count
    return rolled


@dataclass(frozen=True)
class TaskSearch:
    point: tuple[float, float]
    radius_km: int
    category_ids: tuple[int, ...] | None = None
    cursor: str | None = None
    limit: int = 20


def task_search(search: TaskSearch) -> SearchPage:
    """Open tasks near a provider, nearest first (keyset on distance, id)."""
    x, y = search.point
    params = {"x": x, "y": y, "radius": search.radius_km, "limit": search.limit + 1}
    where = ["t.status = 'open'", "t.location <@ circle(point(%(x)s, %(y)s), %(radius)s)"]
    if search.category_ids is not None:
        where.append("t.category_id = ANY(%(categories)s)")
        params["categories"] = list(search.category_ids)
    distance = "(t.location <-> point(%(x)s, %(y)s))"
    if search.cursor:
        value, last_id = _decode_cursor(search.cursor, "distance")
        where.append(
            f"({distance} > %(after_value)s OR ({distance} = %(after_value)s "
            "AND t.id > %(after_id)s))"
        )
        params.update(after_value=value, after_id=last_id)
    sql = (
        f"SELECT t.id, {distance} AS sort_value FROM catalog_taskrequest t "  # noqa: S608
        f"WHERE {' AND '.join(where)} ORDER BY sort_value, t.id LIMIT %(limit)s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [
            {"id": row[0], "sort_value": row[1], "distance_km": row[1]} for row in cursor.fetchall()
        ]
    next_cursor = None
    if len(rows) > search.limit:
        rows = rows[: search.limit]
        next_cursor = _encode_cursor("distance", rows[-1])
    return SearchPage(results=rows, next_cursor=next_cursor)
