"""Every user-facing string is translated, pages follow the language, formats are Swiss.

The catalog test merges today's source strings into a copy of the committed catalogs
(makemessages in a subprocess, with QUARTIER_LOCALE_DIR pointing at a temporary folder,
so the source tree is never modified): a new string nobody translated yet, or an entry
msgmerge marked fuzzy, fails it with the list of msgids per language.
"""

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import trans_real

from quartier.platform.formatting import money_format
from quartier.platform.money import Money

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "quartier" / "locale"
TRANSLATED = ["de", "fr", "it"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
COOKIE = settings.LANGUAGE_COOKIE_NAME


def _makemessages(locale_dir: Path) -> None:
    env = {**os.environ, "QUARTIER_LOCALE_DIR": str(locale_dir)}
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "manage.py", "makemessages", "--no-location", "-v", "0"]
    command += [f"-l{language}" for language in TRANSLATED]
    # makemessages writes to any `locale` folder it walks into: skip the committed one.
    command += ["--ignore=.venv", "--ignore=tests", "--ignore=bench", "--ignore=node_modules"]
    command += ["--ignore=quartier/locale"]
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def merged_catalogs(tmp_path_factory) -> dict[str, polib.POFile]:
    """The committed catalogs with today's source strings merged in (in a copy)."""
    committed = {
        language: (LOCALE / language / "LC_MESSAGES" / "django.po").read_bytes()
        for language in TRANSLATED
    }
    copy = tmp_path_factory.mktemp("catalogs") / "locale"
    shutil.copytree(LOCALE, copy, ignore=shutil.ignore_patterns("*.mo"))

    _makemessages(copy)

    for language, content in committed.items():
        assert (LOCALE / language / "LC_MESSAGES" / "django.po").read_bytes() == content
    return {
        language: polib.pofile(str(copy / language / "LC_MESSAGES" / "django.po"))
        for language in TRANSLATED
    }


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(merged_catalogs, language):
    catalog = merged_catalogs[language]
    active = [entry for entry in catalog if not entry.obsolete]

    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]

    assert len(active) > 100  # the scan really found the project's strings
    assert untranslated == [], (
        f"{len(untranslated)} untranslated in {language} (run `make makemessages`, "
        f"translate quartier/locale/{language}/LC_MESSAGES/django.po): {untranslated}"
    )
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {language} (check, then drop '#, fuzzy'): {fuzzy}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder(merged_catalogs, language):
    broken = []
    for entry in merged_catalogs[language].translated_entries():
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        targets = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        expected = sorted(PLACEHOLDER.findall(sources[0]))
        broken += [entry.msgid for text in targets if sorted(PLACEHOLDER.findall(text)) != expected]

    assert broken == []


@pytest.mark.parametrize(
    ("language", "plural_forms"),
    [
        ("de", "nplurals=2; plural=(n != 1);"),
        ("fr", "nplurals=2; plural=(n > 1);"),
        ("it", "nplurals=2; plural=(n != 1);"),
    ],
)
def test_catalog_headers_name_the_language_and_its_plural_rule(
    merged_catalogs, language, plural_forms
):
    metadata = merged_catalogs[language].metadata

    assert metadata["Language"] == language
    assert metadata["Plural-Forms"] == plural_forms
    assert not merged_catalogs[language].metadata_is_fuzzy


def test_swiss_german_writes_ss(merged_catalogs):
    assert [entry.msgid for entry in merged_catalogs["de"] if "ß" in entry.msgstr] == []


# --- what visitors see ---


@pytest.fixture(scope="module")
def compiled_catalogs():
    """The .mo files the pages read: compiled when missing or older than their .po.

    `make messages` (run by `make test` and `make demo`) compiles them; this covers a
    bare pytest run. Written to a temporary name and renamed, so a parallel worker
    never reads half a file.
    """
    for language in TRANSLATED:
        po = LOCALE / language / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        partial = mo.with_suffix(f".mo.{os.getpid()}")
        subprocess.run(["msgfmt", "--check", "-o", str(partial), str(po)], check=True)
        partial.replace(mo)
        # Django keeps loaded catalogs per process; forget them so the new file is read.
        trans_real._translations = {}
        trans_real._default = None


@pytest.mark.parametrize(
    ("accept_language", "title", "button"),
    [
        ("de-CH,de;q=0.9", "Anmelden", "Anmelden"),
        ("fr-CH", "Se connecter", "Se connecter"),
        ("it", "Accedere", "Accedere"),
        ("en", "Sign in", "Sign in"),
    ],
)
def test_the_login_page_speaks_the_browser_language(
    compiled_catalogs, tenant_a, accept_language, title, button
):
    response = tenant_a.client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=accept_language)

    html = response.content.decode()
    assert response.status_code == 200
    assert f"<title>{title}</title>" in html
    assert f'<button type="submit">{button}</button>' in html


def test_the_switch_cookie_wins_over_the_browser_language(compiled_catalogs, tenant_a):
    client = tenant_a.client()
    client.cookies[COOKIE] = "de"

    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<html lang="de">' in html
    assert "<h1>Anmelden</h1>" in html
    assert "Zum Hauptinhalt springen" in html


_AMOUNT_AND_DATE = Template(
    "{% load formatting %}{{ price|money }} | {{ when|date }} | {{ when|time }} | "
    "{{ when|date:'SHORT_DATE_FORMAT' }} | {{ when|date:'DATETIME_FORMAT' }}"
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "CHF\u00a01’250.00 | 5. März 2026 | 14:30 | 05.03.2026 | 5. März 2026, 14:30"),
        ("fr", "CHF\u00a01’250.00 | 5 mars 2026 | 14:30 | 05.03.2026 | 5 mars 2026, 14:30"),
        ("it", "CHF\u00a01’250.00 | 5 Marzo 2026 | 14:30 | 05.03.2026 | 5 Marzo 2026, 14:30"),
        ("en", "CHF\u00a01,250.00 | 5 March 2026 | 14:30 | 05.03.2026 | 5 March 2026, 14:30"),
    ],
)
def test_amounts_dates_and_times_are_formatted_per_language(compiled_catalogs, language, expected):
    # 13:30 UTC is 14:30 in Zurich (winter time)
    when = datetime(2026, 3, 5, 13, 30, tzinfo=UTC)

    with translation.override(language):
        rendered = _AMOUNT_AND_DATE.render(Context({"price": Money(125_000, "CHF"), "when": when}))

    assert rendered == expected


def test_money_formatting_keeps_cents_signs_and_other_currencies():
    with translation.override("de"):
        assert money_format(Money(-5, "CHF")) == "CHF\u00a0-0.05"
        assert money_format(Money(123_456_789, "EUR")) == "EUR\u00a01’234’567.89"
        rendered = Template("{% load formatting %}{{ price|money }}|{{ missing|money }}").render(
            Context({"price": {"amount_minor": 990, "currency": "CHF"}})
        )
    assert rendered == "CHF\u00a09.90|"
