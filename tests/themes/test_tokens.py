"""Theme tokens: WCAG contrast computed per the spec, and every rule on input."""

import pytest

from quartier.platform.errors import ApplicationError
from quartier.themes import tokens as t
from quartier.themes.css import theme_stylesheet

INJECTIONS = [
    "red; } body{display:none",
    "url(javascript:alert(1))",
    "</style><script>alert(1)</script>",
    "#ffffff\n",
    "#fff",
    "#ffffffff",
    "ffffff",
    "#gggggg",
    "expression(alert(1))",
]


def _valid(**changes) -> dict:
    return {**t.default_tokens(name="Test"), **changes}


def _fields(error: pytest.ExceptionInfo) -> dict:
    return error.value.fields


@pytest.mark.parametrize(
    ("foreground", "background", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#777777", "#ffffff", 4.478),  # WebAIM: 4.47:1
        ("#767676", "#ffffff", 4.542),  # the lightest grey that passes AA (4.54:1)
        # pure primaries: the luminance is the channel's coefficient
        ("#ffffff", "#0000ff", 1.05 / (0.0722 + 0.05)),
        ("#ff0000", "#ffffff", 1.05 / (0.2126 + 0.05)),
        ("#00ff00", "#000000", (0.7152 + 0.05) / 0.05),
    ],
)
def test_contrast_ratio_of_known_pairs(foreground, background, expected):
    assert t.contrast_ratio(foreground, background) == pytest.approx(expected, abs=1e-3)
    assert t.contrast_ratio(background, foreground) == pytest.approx(expected, abs=1e-3)


def test_relative_luminance_of_black_and_white_and_a_low_channel():
    assert t.relative_luminance("#000000") == 0.0
    assert t.relative_luminance("#ffffff") == pytest.approx(1.0)
    # 10/255 is on the linear segment of the sRGB curve: 10/255/12.92 * 0.0722 (blue)
    assert t.relative_luminance("#00000a") == pytest.approx(10 / 255 / 12.92 * 0.0722)


def test_ratios_are_shown_rounded_down():
    assert t.format_ratio(4.478089453577214) == "4.47"
    assert t.format_ratio(4.4999) == "4.49"
    assert t.format_ratio(21.0) == "21.00"


def test_the_default_theme_is_valid_and_normalised():
    defaults = t.default_tokens(name="Telco")

    assert t.tokens_validate(defaults) == defaults
    assert defaults["hero_title"]["de"] == "Willkommen bei Telco"


def test_grey_777_text_on_white_is_rejected_with_the_measured_ratio():
    with pytest.raises(ApplicationError) as error:
        t.tokens_validate(_valid(text="#777777", background="#ffffff"))

    assert error.value.code == "contrast_too_low"
    assert _fields(error) == {
        "text": ["contrast 4.47:1 between text and background is below 4.5:1"]
    }


def test_black_on_white_passes_and_767676_is_the_limit():
    assert t.tokens_validate(_valid(text="#000000"))["text"] == "#000000"
    assert t.tokens_validate(_valid(text="#767676"))["text"] == "#767676"


def test_white_on_a_light_primary_is_rejected():
    with pytest.raises(ApplicationError) as error:
        t.tokens_validate(_valid(primary="#ff6a00"))

    assert _fields(error) == {
        "primary": ["contrast 2.87:1 between white and primary is below 4.5:1"]
    }


def test_a_secondary_colour_invisible_on_the_background_is_rejected():
    with pytest.raises(ApplicationError) as error:
        t.tokens_validate(_valid(secondary="#eeeeee"))

    assert _fields(error) == {
        "secondary": ["contrast 1.16:1 between secondary and background is below 3:1"]
    }


@pytest.mark.parametrize("value", INJECTIONS)
def test_anything_but_rrggbb_is_refused_as_a_colour(value):
    with pytest.raises(ApplicationError) as error:
        t.tokens_validate(_valid(primary=value))

    assert error.value.code == "invalid_theme"
    assert list(_fields(error)) == ["primary"]


def test_colours_are_stored_lower_case():
    assert t.tokens_validate(_valid(primary="#1F5F8B"))["primary"] == "#1f5f8b"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("font", "Comic Sans"),
        ("font", "x; } body{display:none"),
        ("radius", 25),
        ("radius", -1),
        ("radius", 8.5),
        ("radius", "8"),
        ("radius", True),
        ("hero_title", {"es": "Hola"}),
        ("hero_title", "Hello"),
        ("hero_title", {"en": "x" * 121}),
        ("hero_text", {"en": "nul\x00byte"}),
        ("footer_links", [{"url": "javascript:alert(1)", "labels": {"en": "x"}}]),
        ("footer_links", [{"url": "http://plain.example", "labels": {"en": "x"}}]),
        ("footer_links", [{"url": "https://ok.example", "labels": {}}]),
        ("footer_links", [{"url": 'https://ok.example/"onmouseover=x', "labels": {"en": "x"}}]),
        ("footer_links", [{"url": "https://ok.example", "labels": {"en": "x"}}] * 7),
        ("unknown", "value"),
    ],
)
def test_bad_values_are_refused_naming_their_field(field, value):
    with pytest.raises(ApplicationError) as error:
        t.tokens_validate(_valid(**{field: value}))

    assert list(_fields(error)) == [field]


def test_texts_are_kept_as_plain_text_per_language():
    tokens = t.tokens_validate(
        _valid(hero_text={"en": "  <b>Bold</b> & more  ", "de": ""}, imprint={"fr": "a\r\nb"})
    )

    assert tokens["hero_text"] == {"en": "<b>Bold</b> & more"}  # escaped when rendered
    assert tokens["imprint"] == {"fr": "a\nb"}


def test_the_stylesheet_has_custom_properties_from_the_tokens():
    css = theme_stylesheet(_valid(primary="#123456", font="monospace", radius=12))

    assert css.startswith(":root{--q-primary:#123456;--q-on-primary:#ffffff;")
    assert "--q-radius:12px" in css
    assert "--q-font:ui-monospace," in css


@pytest.mark.parametrize("value", INJECTIONS)
def test_the_stylesheet_never_emits_a_value_that_fails_validation(value):
    # given tokens that bypassed input validation (a row edited by hand)
    tokens = _valid(primary=value, background=value, font=value, radius=value)

    css = theme_stylesheet(tokens)

    # then every value in the custom properties is the default's, not the bad one
    assert css.splitlines()[0] == theme_stylesheet(t.default_tokens()).splitlines()[0]
    assert "</style" not in css
    assert "javascript" not in css
    assert "display:none" not in css
