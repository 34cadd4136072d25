"""Whole answers to anonymous visitors, shared while nothing they show has changed.

Views marked with platform.response_cache.shared_cache (home, results, a listing, a
provider, and their API reads) answer an anonymous GET from the URL, the language and
a few headers and cookies. This middleware keeps such an answer in the platform cache
(Redis) and serves it again to the next visitor who asks the same thing, in one round
trip: the host's entry, the tenant's cache generation and content version, and the
answer are read together. The answer is served only if, at that moment,

- the host still belongs to the same tenant, with the same fields (status included: a
  suspended marketplace is never served from here),
- the tenant's cache generation (settings, languages, categories, theme) and content
  version (any write to its data: platform.content_version) are those the answer was
  computed under, read before it was computed,
- and it is younger than RESPONSE_CACHE_SECONDS (what depends on the clock alone, such
  as "next free: today 14:00", is at most that old).

The key is a digest of the release, the host, scheme, path and query, the headers a page varies on
and every cookie but the CSRF one, so two tenants never share a key, and the stored
answer names its schema besides. A visitor with a session cookie or an Authorization
header is never served from here nor stored. The answer's CSRF tokens and CSP nonce
are holes filled per request: each visitor gets their own.
"""

import base64
import hashlib
import os
import re
import time
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.middleware.csrf import CsrfViewMiddleware, get_token
from redis.exceptions import RedisError

from quartier.platform import content_version, tenant_cache
from quartier.platform.logging import tenant_var
from quartier.tenants.metrics import record_request
from quartier.tenants.models import Tenant
from quartier.tenants.resolution import host_key, schema_guess, tenant_from_fields

HIT_HEADER = "X-Response-Cache"
CSRF_HOLE = b"\x00q:csrf\x00"
NONCE_HOLE = "\x00q:nonce\x00"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(")')
# Headers the shared views vary on; everything else about the request is the URL.
_VARY_HEADERS = ("HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE")
_NOT_STORED_HEADERS = {"content-length", "date", "set-cookie", "x-request-id", "x-response-cache"}


def _shareable_cookies() -> set[str]:
    return {settings.CSRF_COOKIE_NAME, *settings.RESPONSE_CACHE_COOKIES}


def _cache():
    return caches["platform"]


def _code_fingerprint() -> str:
    """This release's code, templates and translations: answers kept by an older release
    (other markup, other static file names) are never served by a newer one. Read once
    per process (gunicorn preloads it in the master)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".html", ".txt", ".mo", ".css", ".js", ".svg", ".json"}:
            stat = path.stat()
            digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


RELEASE = _code_fingerprint()


def _hostname(meta) -> str | None:
    """The request's host name as Django would accept it (ALLOWED_HOSTS), or None."""
    if settings.USE_X_FORWARDED_HOST or "HTTP_HOST" not in meta:
        return None
    domain, _ = split_domain_port(meta["HTTP_HOST"])
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    return domain


def _scheme(meta) -> str:
    header, secure = settings.SECURE_PROXY_SSL_HEADER or (None, None)
    value = meta.get(header) if header else None
    if value is None:
        return meta.get("wsgi.url_scheme", "http")
    return "https" if value.split(",", 1)[0].strip() == secure else "http"


def _key(meta, hostname: str) -> str | None:
    """The answer's key, or None when this request must not share answers. From the
    WSGI environ alone, so that both layers below compute the same key."""
    if meta.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in meta:
        return None
    cookies = parse_cookie(meta.get("HTTP_COOKIE", ""))
    if settings.SESSION_COOKIE_NAME in cookies:
        return None
    path = meta.get("SCRIPT_NAME", "") + meta.get("PATH_INFO", "")
    parts = [RELEASE, _scheme(meta), hostname, path, meta.get("QUERY_STRING", "")]
    parts += [meta.get(header, "") for header in _VARY_HEADERS]
    parts += [f"{name}={value}" for name, value in meta.items() if name[:8] == "HTTP_HX_"]
    parts += [
        f"{name}={value}"
        for name, value in sorted(cookies.items())
        if name != settings.CSRF_COOKIE_NAME
    ]
    text = "\x1f".join(parts).encode(errors="surrogatepass")
    digest = hashlib.blake2b(text, digest_size=20).hexdigest()
    return f"response:{digest}"


# Answers this process served or stored, so that serving one again reads only the small
# keys that decide whether it is still valid (not the answer itself) from Redis. Bounded
# by the bytes held; beyond that the memory starts again from empty.
LOCAL_MAX_BYTES = 32 * 1024 * 1024
_local: dict[str, dict] = {}
_local_bytes = [0]


def _kept(key: str) -> dict | None:
    entry = _local.get(key)
    if entry is None or entry["expires_at"] <= time.time():
        return None
    return entry


def _keep(key: str, entry: dict) -> None:
    if _local_bytes[0] + len(entry["body"]) > LOCAL_MAX_BYTES:
        _local.clear()
        _local_bytes[0] = 0
    _local[key] = entry
    _local_bytes[0] += len(entry["body"])


def _read(hostname: str, schema_name: str, key: str | None) -> dict:
    """What decides whether a kept answer is valid now, in one round trip, and the
    answer under `key` (when this process does not hold it already)."""
    keys = {
        "host": host_key(hostname),
        "generation": tenant_cache.generation_key(schema_name),
        "version": content_version.version_key(schema_name),
    }
    if key is not None:
        keys["stored"] = key
    found = _cache().get_many(list(keys.values()))
    state = {name: found.get(cache_key) for name, cache_key in keys.items()}
    state["schema"] = schema_name
    if state["version"] is None:
        content_version.start(schema_name)
    return state


LOOKUP_ENVIRON_KEY = "quartier.response_cache"
CACHE_ERRORS = (RedisError, OSError)
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


@dataclass
class Lookup:
    hostname: str
    key: str
    schema_name: str
    state: dict
    stored: dict | None  # the answer, when valid now


def lookup(meta) -> Lookup | None:
    """The request's shared answer, or why none can be served (None: this request never
    shares answers, or this process does not know the host's tenant yet)."""
    if not settings.RESPONSE_CACHE_SECONDS:
        return None
    hostname = _hostname(meta)
    key = _key(meta, hostname) if hostname else None
    schema_name = schema_guess(hostname) if key else None
    if schema_name is None:
        return None
    kept = _kept(key)
    try:
        state = _read(hostname, schema_name, None if kept else key)
    except CACHE_ERRORS:  # Redis away: the request is answered as if nothing was kept
        return None
    stored = kept or state.get("stored")
    state.pop("stored", None)
    if stored is None or stored["state"] != state:
        return Lookup(hostname, key, schema_name, state, None)
    content_version.served(schema_name)
    if kept is None:
        _keep(key, stored)
    return Lookup(hostname, key, schema_name, state, stored)


class ResponseCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if LOOKUP_ENVIRON_KEY in request.META:  # already looked up by SharedAnswers
            found = request.META.pop(LOOKUP_ENVIRON_KEY)
        else:
            found = lookup(request.META)
        if found is None:
            return self.get_response(request)
        if found.stored is not None:
            return self._serve(request, found.stored)
        # Tenant resolution needs the host entry and generation just read: not again.
        request.prefetched_tenant = {
            "hostname": found.hostname,
            "schema": found.schema_name,
            "host": found.state["host"],
            "generation": found.state["generation"],
        }
        response = self.get_response(request)
        if self._storable(request, response, found.state, found.schema_name):
            entry = self._entry(request, response, found.state)
            try:
                _cache().set(found.key, entry, settings.RESPONSE_CACHE_SECONDS)
            except CACHE_ERRORS:
                return response
            _keep(found.key, entry)
            content_version.served(found.schema_name)
        return response

    def _storable(self, request, response, state: dict, schema_name: str) -> bool:
        tenant = getattr(request, "tenant", None)
        host = state["host"]
        return (
            getattr(request, "shared_cache", False)
            and response.status_code == 200
            and not response.streaming
            and tenant is not None
            and tenant.schema_name == schema_name
            and isinstance(host, dict)
            and host.get("schema_name") == schema_name
            and state["generation"] is not None
            and state["version"] is not None
            and not content_version.uncommitted(connection, schema_name)
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
            and set(response.cookies) <= _shareable_cookies()
        )

    def _entry(self, request, response, state: dict) -> dict:
        body = _CSRF_INPUT.sub(rb"\1" + CSRF_HOLE + rb"\2", response.content)
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in _NOT_STORED_HEADERS
        ]
        nonce = getattr(request, "_csp_nonce", None)
        if nonce:
            body = body.replace(nonce.encode(), NONCE_HOLE.encode())
            headers = [(name, value.replace(nonce, NONCE_HOLE)) for name, value in headers]
        cookies = [
            (name, morsel)
            for name, morsel in response.cookies.items()
            if name != settings.CSRF_COOKIE_NAME
        ]
        return {
            "state": state,
            "expires_at": time.time() + settings.RESPONSE_CACHE_SECONDS,
            "status": response.status_code,
            "headers": headers,
            "cookies": cookies,
            "body": body,
            "csrf": CSRF_HOLE in body,
            "nonce": bool(nonce),
        }

    def _serve(self, request, stored: dict) -> HttpResponse:
        host = stored["state"]["host"]
        if host.get("status") != Tenant.Status.ACTIVE:
            return self.get_response(request)
        # Read by the request metrics only; built once per kept answer.
        if "tenant_object" not in stored:
            stored["tenant_object"] = tenant_from_fields(host)
        request.tenant = stored["tenant_object"]
        tenant_var.set(host["slug"])
        body = stored["body"]
        headers = stored["headers"]
        if stored["nonce"]:
            nonce = base64.b64encode(os.urandom(16)).decode("ascii")
            body = body.replace(NONCE_HOLE.encode(), nonce.encode())
            headers = [(name, value.replace(NONCE_HOLE, nonce)) for name, value in headers]
        if stored["csrf"]:
            self.csrf.process_request(request)
            body = body.replace(CSRF_HOLE, get_token(request).encode())
        response = HttpResponse(body, status=stored["status"])
        for name, value in headers:
            response[name] = value
        for name, morsel in stored["cookies"]:
            response.cookies[name] = morsel
        # As a CDN says it: for whoever reads the timings, and for the tests.
        response[HIT_HEADER] = "hit"
        if stored["csrf"]:
            self.csrf.process_response(request, response)
        return response


class SharedAnswers:
    """WSGI middleware around Django: a valid answer without holes (an API read: no CSRF
    token, no nonce, no cookie) is written out before Django builds a request at all.
    The rest goes to Django with the lookup attached, so the middleware does not read
    Redis again. It counts the request and tags it as HealthProbeMiddleware and
    RequestMetricsMiddleware would have."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        found = lookup(environ)
        stored = found.stored if found is not None else None
        if stored is None or stored["csrf"] or stored["nonce"] or stored["cookies"]:
            environ[LOOKUP_ENVIRON_KEY] = found
            return self.application(environ, start_response)
        body = stored["body"]
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        headers = [
            *stored["headers"],
            ("Content-Length", str(len(body))),
            (HIT_HEADER, "hit"),
            ("X-Request-ID", request_id),
        ]
        status = stored["status"]
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        record_request(stored["state"]["host"]["slug"], status, time.perf_counter() - started)
        return [body]
