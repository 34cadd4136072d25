"""`theme` in every page's context: lazy, so pages that never show it never read it."""

from django.utils.functional import SimpleLazyObject


def theme(request):
    # The operator's host and unknown hosts have no tenant, hence no theme (and no
    # tenant tables to read it from).
    if getattr(request, "tenant", None) is None:
        return {"theme": None}
    from quartier.themes.presentation import theme_for_request

    return {"theme": SimpleLazyObject(lambda: theme_for_request(request))}
