"""Design tokens: what a tenant may choose for its brand, and the rules every value obeys.

A theme is data, never CSS: colours are `#rrggbb`, the font is a key of an allowlist of
system font stacks (no webfont is ever downloaded), the radius an integer. Texts are
plain text per language and are escaped wherever they are rendered. The same rules are
applied on input (API and back office) and again by the CSS renderer, so a value that
reached the database some other way still never reaches a stylesheet.
"""

import math
import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quartier.platform.errors import ApplicationError
from quartier.themes import errors

LANGUAGES = ("de", "fr", "it", "en")
COLOUR_FIELDS = ("primary", "secondary", "background", "text")
TEXT_FIELDS = ("hero_title", "hero_text", "imprint", "privacy")
TEXT_MAX_LENGTHS = {"hero_title": 120, "hero_text": 600, "imprint": 20_000, "privacy": 50_000}
LABEL_MAX_LENGTH = 60
URL_MAX_LENGTH = 500
MAX_FOOTER_LINKS = 6
RADIUS_MIN, RADIUS_MAX = 0, 24

# WCAG 2.x success criterion 1.4.3 (text, AA) and 1.4.11 (focus rings, other UI parts).
TEXT_CONTRAST_MINIMUM = 4.5
UI_CONTRAST_MINIMUM = 3.0
# Buttons and the active state are white text on the primary colour.
ON_PRIMARY = "#ffffff"

# Only whole-string matches: `re.match` with `$` would accept a trailing newline.
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

# System font stacks only (after modernfontstacks.com): nothing is downloaded, so no
# request leaves for a font CDN and no tenant can point the page at a remote file.
FONTS: dict[str, tuple[str, str]] = {
    "system-ui": (
        gettext_lazy("System sans-serif"),
        'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    ),
    "humanist": (
        gettext_lazy("Humanist sans-serif"),
        'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", source-sans-pro, sans-serif',
    ),
    "geometric": (
        gettext_lazy("Geometric sans-serif"),
        'Avenir, Montserrat, Corbel, "URW Gothic", source-sans-pro, sans-serif',
    ),
    "transitional": (
        gettext_lazy("Transitional serif"),
        'Charter, "Bitstream Charter", "Sitka Text", Cambria, serif',
    ),
    "old-style": (
        gettext_lazy("Old-style serif"),
        '"Iowan Old Style", "Palatino Linotype", "URW Palladio L", P052, serif',
    ),
    "monospace": (
        gettext_lazy("Monospace"),
        'ui-monospace, "Cascadia Code", "Source Code Pro", Menlo, Consolas, '
        '"DejaVu Sans Mono", monospace',
    ),
}

TOKEN_FIELDS = (*COLOUR_FIELDS, "font", "radius", *TEXT_FIELDS, "footer_links")


def default_tokens(*, name: str = "") -> dict:
    """A calm, accessible default brand for a new marketplace (all pairs pass AA)."""
    welcome = {
        "de": f"Willkommen bei {name}" if name else "Willkommen",
        "fr": f"Bienvenue chez {name}" if name else "Bienvenue",
        "it": f"Benvenuti su {name}" if name else "Benvenuti",
        "en": f"Welcome to {name}" if name else "Welcome",
    }
    return {
        "primary": "#1f5f8b",
        "secondary": "#2e7d5b",
        "background": "#ffffff",
        "text": "#1b1f23",
        "font": "system-ui",
        "radius": 8,
        "hero_title": welcome,
        "hero_text": {
            "de": "Geprüfte Helferinnen und Helfer aus Ihrer Nachbarschaft.",
            "fr": "Des personnes de confiance de votre quartier pour vous aider.",
            "it": "Persone di fiducia del tuo quartiere pronte ad aiutarti.",
            "en": "Vetted helpers from your neighbourhood.",
        },
        "footer_links": [],
        "imprint": {},
        "privacy": {},
    }


# Contrast (WCAG 2.x) ------------------------------------------------------------------


def _channel(value: int) -> float:
    # sRGB linearisation. WCAG 2.0 printed 0.03928 as the threshold, sRGB says 0.04045;
    # no 8-bit value lies between them (10/255 = 0.0392, 11/255 = 0.0431), so both agree.
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """Relative luminance of a `#rrggbb` colour, as WCAG 2.x defines it (0 to 1)."""
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05) with L1 the lighter colour: 1.0 to 21.0."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def format_ratio(ratio: float) -> str:
    """Two decimals, rounded down: a ratio of 4.497 must not be shown as 4.50."""
    return f"{math.floor(ratio * 100) / 100:.2f}"


def contrast_checks(tokens: dict) -> list[tuple[str, str, str, str, str, float]]:
    """Every pair that must contrast: (field at fault, foreground name, foreground,
    background name, background, minimum ratio)."""
    text, background, primary = tokens["text"], tokens["background"], tokens["primary"]
    return [
        ("text", "text", text, "background", background, TEXT_CONTRAST_MINIMUM),
        ("primary", "white", ON_PRIMARY, "primary", primary, TEXT_CONTRAST_MINIMUM),
        (
            "secondary",
            "secondary",
            tokens["secondary"],
            "background",
            background,
            UI_CONTRAST_MINIMUM,
        ),
    ]


def link_colour(tokens: dict) -> str:
    """Links use the primary colour when it reads on the background, else the text colour."""
    if contrast_ratio(tokens["primary"], tokens["background"]) >= TEXT_CONTRAST_MINIMUM:
        return tokens["primary"]
    return tokens["text"]


# Single values ------------------------------------------------------------------------


def is_colour(value) -> bool:
    return isinstance(value, str) and _COLOUR.fullmatch(value) is not None


def is_font(value) -> bool:
    return isinstance(value, str) and value in FONTS


def is_radius(value) -> bool:
    # bool is an int in Python; True is not a radius.
    return type(value) is int and RADIUS_MIN <= value <= RADIUS_MAX


def is_https_url(value) -> bool:
    if not isinstance(value, str) or len(value) > URL_MAX_LENGTH or value != value.strip():
        return False
    if any(ord(character) < 32 or character in '"<>\\`' for character in value):
        return False
    if urlsplit(value).scheme != "https":
        return False
    try:
        URLValidator(schemes=["https"])(value)
    except ValidationError:
        return False
    return True


def _clean_text(value, *, max_length: int) -> str | None:
    """Plain text, or None when it is not acceptable (wrong type, too long, NUL bytes)."""
    if not isinstance(value, str) or len(value) > max_length:
        return None
    # PostgreSQL refuses NUL in text and JSON; other control characters have no use here.
    if any(ord(character) < 32 and character not in "\n\r\t" for character in value):
        return None
    return value.replace("\r\n", "\n").strip()


# The whole theme ----------------------------------------------------------------------


class _Errors:
    def __init__(self):
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(str(message))


def _per_language(value, *, field: str, max_length: int, problems: _Errors) -> dict:
    if not isinstance(value, dict):
        problems.add(field, _("Give an object with a text per language (de, fr, it, en)."))
        return {}
    unknown = sorted(str(key) for key in value if key not in LANGUAGES)
    if unknown:
        problems.add(
            field,
            _("Unknown language %(languages)s; use de, fr, it or en.")
            % {"languages": ", ".join(unknown)},
        )
        return {}
    cleaned = {}
    for language, text in value.items():
        clean = _clean_text(text, max_length=max_length)
        if clean is None:
            problems.add(
                field,
                _("%(language)s: give plain text of at most %(max)d characters.")
                % {"language": language, "max": max_length},
            )
        elif clean:
            cleaned[language] = clean
    return cleaned


def _footer_links(value, problems: _Errors) -> list[dict]:
    if not isinstance(value, list):
        problems.add("footer_links", _("Give a list of links."))
        return []
    if len(value) > MAX_FOOTER_LINKS:
        problems.add("footer_links", _("At most %(max)d footer links.") % {"max": MAX_FOOTER_LINKS})
        return []
    links = []
    for position, link in enumerate(value, start=1):
        if not isinstance(link, dict) or set(link) - {"url", "labels"}:
            problems.add(
                "footer_links",
                _('Link %(position)d: give {"url": ..., "labels": {...}}.')
                % {"position": position},
            )
            continue
        url = link.get("url")
        if not is_https_url(url):
            problems.add(
                "footer_links",
                _("Link %(position)d: give a full https:// address.") % {"position": position},
            )
        sub_problems = _Errors()
        labels = _per_language(
            link.get("labels"), field="labels", max_length=LABEL_MAX_LENGTH, problems=sub_problems
        )
        for message in sub_problems.fields.get("labels", []):
            problems.add(
                "footer_links",
                _("Link %(position)d: %(message)s") % {"position": position, "message": message},
            )
        if not sub_problems.fields and not labels:
            problems.add(
                "footer_links",
                _("Link %(position)d: give a label in at least one language.")
                % {"position": position},
            )
        links.append({"url": url, "labels": labels})
    return links


def tokens_validate(data: dict) -> dict:
    """A complete, normalised token set, or ApplicationError naming every field at fault."""
    problems = _Errors()
    unknown = sorted(str(key) for key in data if key not in TOKEN_FIELDS)
    for key in unknown:
        problems.add(key, _("Unknown theme field."))
    tokens: dict = {}
    for field in COLOUR_FIELDS:
        value = data.get(field)
        if is_colour(value):
            tokens[field] = value.lower()
        else:
            problems.add(field, _("Give a colour as #rrggbb (six hexadecimal digits)."))
    if is_font(data.get("font")):
        tokens["font"] = data["font"]
    else:
        problems.add("font", _("Choose one of: %(fonts)s.") % {"fonts": ", ".join(sorted(FONTS))})
    if is_radius(data.get("radius")):
        tokens["radius"] = data["radius"]
    else:
        problems.add(
            "radius",
            _("Give a whole number of pixels from %(min)d to %(max)d.")
            % {"min": RADIUS_MIN, "max": RADIUS_MAX},
        )
    for field in TEXT_FIELDS:
        tokens[field] = _per_language(
            data.get(field, {}),
            field=field,
            max_length=TEXT_MAX_LENGTHS[field],
            problems=problems,
        )
    tokens["footer_links"] = _footer_links(data.get("footer_links", []), problems)
    contrast_failed = False
    if all(field in tokens for field in COLOUR_FIELDS):
        for (
            field,
            foreground_name,
            foreground,
            background_name,
            background,
            minimum,
        ) in contrast_checks(tokens):
            ratio = contrast_ratio(foreground, background)
            if ratio < minimum:
                contrast_failed = True
                problems.add(
                    field,
                    _(
                        "contrast %(ratio)s:1 between %(foreground)s and %(background)s "
                        "is below %(minimum)s:1"
                    )
                    % {
                        "ratio": format_ratio(ratio),
                        "foreground": foreground_name,
                        "background": background_name,
                        "minimum": f"{minimum:g}",
                    },
                )
    if problems.fields:
        only_contrast = contrast_failed and set(problems.fields) <= set(COLOUR_FIELDS)
        code = errors.CONTRAST_TOO_LOW if only_contrast else errors.INVALID_THEME
        first_field = next(iter(problems.fields))
        raise ApplicationError(
            code,
            _("%(field)s: %(message)s")
            % {"field": first_field, "message": problems.fields[first_field][0]},
            fields=problems.fields,
        )
    return tokens
