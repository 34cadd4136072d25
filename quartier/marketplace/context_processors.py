"""`language_choices` in every page's context: the languages a visitor may switch to."""

from django.utils.functional import SimpleLazyObject

from quartier.platform.languages import Language


def _choices() -> list[tuple[str, str]]:
    from quartier.marketplace.selectors import marketplace_languages

    enabled = marketplace_languages().enabled
    # Each language under its own name (Deutsch, Français...), so a visitor who does not
    # read the current one still finds theirs.
    return [(code, label) for code, label in Language.choices if code in enabled]


def languages(request):
    # Lazy: pages that show no switcher (and hosts without a tenant) never read it.
    if getattr(request, "tenant", None) is None:
        return {"language_choices": []}
    return {"language_choices": SimpleLazyObject(_choices)}
