"""No visible word on any page escapes translation: the pseudo-locale test.

A pseudo catalog is compiled at test time from every English msgid (the project's and
Django's own): each translation becomes "⟦...⟧" with accented letters, placeholders and
markup kept intact. It is installed as the English catalog in a temporary LOCALE_PATHS
folder (English is the test tenants' language, and Django never falls back from
English to another catalog, so a missing entry shows up as plain English). Every HTML
page of the isolation matrix is then rendered as its actor, and any visible word left
outside "⟦...⟧" - once the data the test itself seeded, numbers, e-mail addresses and
URLs are taken out - is a string somebody forgot to mark for translation.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import pytest
import rest_framework
from django.apps import apps
from django.db import models
from django.test import override_settings

from quartier.integrations.webhooks import EVENT_TYPES
from tests.tenancy.matrix import all_endpoints

ROOT = Path(__file__).resolve().parents[2]
PROJECT_CATALOG = ROOT / "quartier" / "locale" / "de" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{[\w.]*\}|<[^>]*>|&\w+;|&#\d+;|%%")
ACCENTED = str.maketrans(
    "aceinouyACEINOUY",
    "áçéîñöûýÁÇÉÎÑÖÛÝ",
)
# Words shown as they are in every language, each with the reason.
ALLOWED = {
    "Quartier": "the product's name",
    "Deutsch": "language switcher: each language is named in itself",
    "Français": "language switcher: each language is named in itself",
    "Italiano": "language switcher: each language is named in itself",
    "English": "language switcher: each language is named in itself",
    "CHF": "currency code (ISO 4217)",
    "EUR": "currency code (ISO 4217)",
    "Stripe": "the payment provider's name",
    "TWINT": "a payment method's brand name",
    "km": "the unit's symbol, the same in every language",
}
# Whole texts shown as they are: the webhook event names are the API's contract.
ALLOWED_TEXTS = sorted(EVENT_TYPES, key=len, reverse=True)
PAGES = [
    endpoint
    for endpoint in all_endpoints()
    if not endpoint.is_api and endpoint.method == "get" and endpoint.ok in (200, (200,), 302)
]
HIDDEN = {"script", "style", "template", "svg", "title", "code", "kbd", "samp", "pre"}
VOID = {"img", "input", "br", "hr", "meta", "link", "source", "area", "col", "embed", "wbr"}
ATTRIBUTES = ("placeholder", "aria-label", "alt", "title")


def _pseudo(text: str) -> str:
    parts, last = [], 0
    for found in PLACEHOLDER.finditer(text):
        parts.append(text[last : found.start()].translate(ACCENTED))
        parts.append(found.group())
        last = found.end()
    parts.append(text[last:].translate(ACCENTED))
    return "⟦" + "".join(parts) + "⟧"


def _sources() -> list[Path]:
    django_root = Path(django.__file__).parent
    found = [PROJECT_CATALOG]
    found += sorted(django_root.glob("**/locale/en/LC_MESSAGES/django.po"))
    found += sorted(Path(rest_framework.__file__).parent.glob("locale/en/LC_MESSAGES/django.po"))
    return found


def _pseudo_catalog(folder: Path) -> None:
    catalog = polib.POFile()
    catalog.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    seen = set()
    for source in _sources():
        for entry in polib.pofile(str(source)):
            key = (entry.msgctxt, entry.msgid)
            if entry.obsolete or not entry.msgid or key in seen:
                continue
            seen.add(key)
            pseudo = polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt)
            if entry.msgid_plural:
                pseudo.msgid_plural = entry.msgid_plural
                pseudo.msgstr_plural = {0: _pseudo(entry.msgid), 1: _pseudo(entry.msgid_plural)}
            else:
                pseudo.msgstr = _pseudo(entry.msgid)
            catalog.append(pseudo)
    target = folder / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    catalog.save_as_mofile(str(target / "django.mo"))


@pytest.fixture(scope="module")
def pseudo_locale(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pseudo") / "locale"
    _pseudo_catalog(folder)
    return folder


class _Visible(HTMLParser):
    """The text a person sees or hears: text nodes and the labelling attributes, without
    scripts and styles, machine text (<code>, <pre>) and decorative aria-hidden glyphs (a
    helper's initials, a category's first letter, rating stars)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden_tag = ""
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if self._hidden_depth:
            self._hidden_depth += tag == self._hidden_tag
            return
        if tag not in VOID and (tag in HIDDEN or values.get("aria-hidden") == "true"):
            self._hidden_tag, self._hidden_depth = tag, 1
            return
        self.texts += [values[name] for name in ATTRIBUTES if values.get(name)]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"])

    def handle_endtag(self, tag):
        if self._hidden_depth and tag == self._hidden_tag:
            self._hidden_depth -= 1

    def handle_data(self, data):
        if not self._hidden_depth and data.strip():
            self.texts.append(data)


def _seeded_texts() -> list[str]:
    """Every text the test put in the tenant's tables (and the tenant's own name)."""
    texts = set()
    for model in apps.get_models():
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField, models.JSONField))
        ]
        if not fields or model._meta.proxy:
            continue
        # (the tenant's schema comes first on the search path, then the shared one)
        for row in model.objects.values_list(*fields)[:500]:
            for value in row:
                texts.update(_strings(value))
    # Codes (statuses, kinds, slugs) are not shown as they are: keeping them would hide
    # an untranslated word that happens to equal one.
    shown = [text for text in texts if len(text) >= 2 and not CODE.fullmatch(text)]
    return sorted(shown, key=len, reverse=True)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


CODE = re.compile(r"[a-z0-9]+[_.:][a-z0-9_.:]+")
INNER = re.compile(r"⟦[^⟦⟧]*⟧")
NOISE = re.compile(
    r"\S+@\S+|https?://\S+|/\S*|[\w.-]+\.(test|ch|com|org)\b|[\w-]*\d[\w-]*|[^\w\s]", re.UNICODE
)


def _untranslated(html: str, seeded: list[str]) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    # Whole words only: a seeded "no" must not eat the end of "Italiano".
    values = [*ALLOWED_TEXTS, *seeded]
    known = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, values)) + r")(?!\w)")
    words = []
    for text in parser.texts:
        text = " ".join(text.split())
        while INNER.search(text):
            text = INNER.sub(" ", text)
        text = known.sub(" ", text)
        if "------" in text:
            # Django's blank choice ("---------") is not translatable: it must not show.
            words.append("---------")
        text = NOISE.sub(" ", text)
        words += [word for word in text.split() if word not in ALLOWED and word != "_"]
    return words


@pytest.fixture(autouse=True)
def _payments_backend(request):
    """Billing pages talk to Stripe: point them at the test servers (as the matrix does)."""
    endpoint = request.node.callspec.params.get("endpoint")
    if endpoint is not None and endpoint.route.startswith(
        ("billing/", "back-office/payments/", "workspace/payouts/")
    ):
        request.getfixturevalue("stripe")


@pytest.mark.parametrize("endpoint", PAGES, ids=[endpoint.id for endpoint in PAGES])
def test_every_visible_word_of_the_page_is_translated(endpoint, tenant_a, pseudo_locale):
    params = endpoint.params(tenant_a)

    with override_settings(LOCALE_PATHS=[str(pseudo_locale)]):
        # (a page that redirects, like a link's landing, is checked where it lands)
        response = endpoint.client_for(tenant_a).get(endpoint.url(params), follow=True)

    assert response.status_code == 200
    if not response.get("Content-Type", "").startswith("text/html"):
        pytest.skip("not an HTML page (a PDF, feed, stylesheet, image or event stream)")
    assert "⟦" in response.content.decode()  # the pseudo catalog is really in use
    with tenant_a.context():
        seeded = _seeded_texts()
    untranslated = _untranslated(response.content.decode(), seeded)
    assert untranslated == [], f"{endpoint.id}: {sorted(set(untranslated))}"


FORMS = [
    # Django's own "This field is required." and "Enter a valid email address."
    ("/accounts/signup/", None, {"full_name": "", "email": "not-an-address", "password": ""}),
    ("/accounts/login/", None, {"username": "", "password": ""}),
    # A back-office form with a choice field and Django's number validation.
    ("/back-office/badges/", "admin", {"slug": "", "icon": "", "rule": "", "threshold": "x"}),
]


@pytest.mark.parametrize(("path", "actor", "data"), FORMS, ids=[form[0] for form in FORMS])
def test_form_errors_and_choices_are_translated(path, actor, data, tenant_a, pseudo_locale):
    client = tenant_a.session_client(actor) if actor else tenant_a.client()

    with override_settings(LOCALE_PATHS=[str(pseudo_locale)]):
        response = client.post(path, data)

    html = response.content.decode()
    assert response.status_code in (200, 400, 422)
    assert 'class="error' in html or "errorlist" in html or 'aria-invalid="true"' in html
    with tenant_a.context():
        seeded = _seeded_texts()
    assert _untranslated(html, seeded) == []
