"""Views whose answer to an anonymous visitor may be shared with the next one.

`shared_cache` marks a view; tenants.response_cache keeps the marked views' answers to
anonymous GETs (no session cookie, no Authorization header) and serves them again while
nothing they could show has changed. A marked view must answer an anonymous visitor from
the request's URL, language, headers and cookies alone, and show nobody's own data.
"""

from functools import wraps


def shared_cache(view):
    """Mark `view` (a function view, or an API view's `get`) as shareable."""

    @wraps(view)
    def marked(*args, **kwargs):
        for argument in args[:2]:
            request = getattr(argument, "_request", argument)  # DRF wraps Django's request
            if hasattr(request, "META"):
                request.shared_cache = True
                break
        return view(*args, **kwargs)

    return marked
