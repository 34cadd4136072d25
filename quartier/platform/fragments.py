"""Rendered template fragments kept in this process's memory, for parts of a page that
repeat from request to request (the results page's cards).

A fragment's key is its content: the schema being served, the tenant's cache generation
(platform.tenant_cache, already read by the request), the active language, the
template, and a digest of the context it is rendered from. So nothing needs to be
invalidated: a listing edited, a slot booked or a setting changed gives another
context or another generation, hence another key, and the old fragment is never asked
for again; a tenant never reads another's fragment, the schema being part of the key.
The context must hold everything the fragment shows (plain values whose repr() says
what they are), and the template must read nothing else that changes (no request, no
user, no CSRF token, no CSP nonce).
"""

import hashlib
from collections.abc import Callable

from django.db import connection
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from quartier.platform.tenant_cache import current_generation

# Fragments kept per process; beyond this the memory starts again from empty.
MAX_FRAGMENTS = 4000

_fragments: dict[str, SafeString] = {}


def fragment_key(template_name: str, context: dict) -> str:
    digest = hashlib.blake2b(repr(context).encode(), digest_size=16).hexdigest()
    return ":".join(
        (connection.schema_name, current_generation(), get_language() or "", template_name, digest)
    )


def rendered(
    template_name: str,
    contexts: list[dict],
    render: Callable[[str, dict], str] = render_to_string,
) -> list[SafeString]:
    """`template_name` rendered with each of `contexts`, from memory when already seen."""
    fragments = []
    for context in contexts:
        key = fragment_key(template_name, context)
        fragment = _fragments.get(key)
        if fragment is None:
            fragment = mark_safe(render(template_name, context))  # noqa: S308 (our template)
            if len(_fragments) >= MAX_FRAGMENTS:
                _fragments.clear()
            _fragments[key] = fragment
        fragments.append(fragment)
    return fragments


def forget_all() -> None:
    """Drop every fragment of this process (tests)."""
    _fragments.clear()
