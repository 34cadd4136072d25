"""The back office theme editor: admins only, labelled inputs, errors beside fields."""

from html.parser import HTMLParser

import pytest

from quartier.themes import tokens as t
from quartier.themes.models import Theme
from tests.themes.factories import php_as_png, png_upload

URL = "/back-office/theme/"


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs: list[str] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"])
        is_control = tag in ("select", "textarea") or (
            tag == "input" and attributes.get("type") not in ("hidden", "submit")
        )
        if is_control:
            self.inputs.append(attributes.get("id", ""))


def _form(**changes) -> dict:
    data = {
        "primary": "#1f5f8b",
        "secondary": "#2e7d5b",
        "background": "#ffffff",
        "text": "#1b1f23",
        "font": "system-ui",
        "radius": "8",
        "hero_title_en": "Welcome",
        "action": "save",
    }
    data.update(changes)
    return data


def _theme(handle) -> Theme:
    with handle.context():
        return Theme.objects.get()


def test_the_editor_shows_the_draft_with_a_label_on_every_input(tenant_a):
    response = tenant_a.session_client("admin").get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    parser = _Inputs()
    parser.feed(html)
    # colours, font and radius; logo and favicon; 4 texts x 4 languages; links; and the
    # page header's language switcher
    assert len(parser.inputs) == 6 + 2 + 4 * 4 + t.MAX_FOOTER_LINKS * 5 + 1
    assert "q-language-select" in parser.inputs
    assert [id_ for id_ in parser.inputs if id_ not in parser.labels] == []
    assert 'type="color" name="primary" value="#1f5f8b"' in html
    assert 'value="Welcome to Telco Friends"' in html
    assert '<iframe src="/?preview=1&amp;r=1"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_home_page_may_be_framed_by_its_own_host_only(tenant_a):
    response = tenant_a.client().get("/")

    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_anonymous_visitors_are_sent_to_the_login_page(tenant_a):
    response = tenant_a.client().get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["provider", "customer"])
def test_non_admins_are_refused_and_change_nothing(tenant_a, role):
    before = _theme(tenant_a).draft
    client = tenant_a.session_client(role)

    assert client.get(URL).status_code == 403
    assert client.post(URL, _form(primary="#000000", action="publish")).status_code == 403
    assert _theme(tenant_a).draft == before
    assert _theme(tenant_a).version == 1


def test_saving_a_draft_does_not_publish_it(tenant_a):
    client = tenant_a.session_client("admin")

    response = client.post(URL, _form(primary="#0b3d2e", hero_title_de="Hallo"), follow=True)

    assert response.status_code == 200
    assert "Draft saved." in response.content.decode()
    theme = _theme(tenant_a)
    assert theme.draft["primary"] == "#0b3d2e"
    assert theme.draft["hero_title"] == {"en": "Welcome", "de": "Hallo"}
    assert theme.version == 1
    assert "--q-primary:#1f5f8b;" in tenant_a.client().get("/theme.css").content.decode()


def test_publishing_from_the_editor_with_links_and_a_logo(tenant_a):
    client = tenant_a.session_client("admin")
    form = _form(
        primary="#0b3d2e",
        action="publish",
        link_0_url="https://help.example/",
        link_0_label_en="Help",
        logo=png_upload("logo.png"),
    )

    response = client.post(URL, form)

    assert response.status_code == 302
    theme = _theme(tenant_a)
    assert theme.version == 2
    assert theme.published["footer_links"] == [
        {"url": "https://help.example/", "labels": {"en": "Help"}}
    ]
    assert theme.published_logo.name == theme.draft_logo.name != ""
    home = tenant_a.client().get("/").content.decode()
    assert '<a href="https://help.example/" rel="noopener">Help</a>' in home
    assert "--q-primary:#0b3d2e;" in tenant_a.client().get("/theme.css").content.decode()


def test_low_contrast_is_shown_next_to_the_field(tenant_a):
    response = tenant_a.session_client("admin").post(URL, _form(text="#777777"))

    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert (
        '<ul class="errorlist" id="id_text_error"><li>contrast 4.47:1 between text and '
        "background is below 4.5:1</li></ul>" in html
    )
    assert 'aria-describedby="id_text_error"' in html
    assert _theme(tenant_a).draft["text"] == "#1b1f23"


@pytest.mark.parametrize("value", ["red; } body{display:none", "</style><script>"])
def test_injection_through_the_form_is_refused_and_shown_escaped(tenant_a, value):
    response = tenant_a.session_client("admin").post(URL, _form(primary=value))

    assert response.status_code == 400
    assert "<script>" not in response.content.decode()
    assert _theme(tenant_a).draft["primary"] == "#1f5f8b"


def test_a_refused_logo_leaves_the_whole_draft_unchanged(tenant_a):
    response = tenant_a.session_client("admin").post(
        URL, _form(primary="#0b3d2e", logo=php_as_png())
    )

    assert response.status_code == 400
    assert 'id="id_logo_error"' in response.content.decode()
    theme = _theme(tenant_a)
    assert theme.draft["primary"] == "#1f5f8b"
    assert theme.draft_logo.name == ""


def test_a_bad_footer_link_is_shown_on_its_fieldset(tenant_a):
    response = tenant_a.session_client("admin").post(
        URL, _form(link_1_url="http://insecure.example", link_1_label_en="Old")
    )

    assert response.status_code == 400
    assert "Link 1: give a full https:// address." in response.content.decode()
    assert _theme(tenant_a).draft["footer_links"] == []
