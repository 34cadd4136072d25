"""theme.css, the storefront's brand, previews and legal pages, per tenant."""

import pytest
from django.core.cache import cache

from quartier.themes.selectors import css_cache_key, published_cache_key
from quartier.themes.services import theme_draft_update, theme_publish
from tests.themes.factories import png_upload

INJECTIONS = ["red; } body{display:none", "url(javascript:alert(1))", "</style><script>"]
SCRIPT = "</style><script>alert('x')</script>"


def _publish(handle, **changes):
    with handle.context():
        theme_draft_update(actor=handle.users["admin"], changes=changes)
        return theme_publish(actor=handle.users["admin"])


def _css(client, query: str = "") -> str:
    response = client.get(f"/theme.css{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    return response.content.decode()


def test_each_tenant_gets_its_own_stylesheet(tenant_a, tenant_b):
    _publish(tenant_a, primary="#0b3d2e", font="monospace", radius=0)

    telco = _css(tenant_a.client())
    acme = _css(tenant_b.client())

    assert telco.startswith(":root{--q-primary:#0b3d2e;")
    assert "--q-radius:0px" in telco
    assert "--q-font:ui-monospace," in telco
    assert acme.startswith(":root{--q-primary:#1f5f8b;")
    assert "#0b3d2e" not in acme


def test_a_warm_stylesheet_costs_no_query(tenant_a, django_assert_num_queries):
    client = tenant_a.client()
    _css(client)

    with django_assert_num_queries(0):
        _css(client)


def test_publishing_invalidates_the_cache_of_that_tenant_only(
    tenant_a, tenant_b, django_assert_num_queries
):
    # given both stylesheets cached
    telco, acme = tenant_a.client(), tenant_b.client()
    assert "--q-primary:#1f5f8b;" in _css(telco)
    acme_before = _css(acme)
    # when telco saves a draft, visitors still see the published theme (from the cache)
    with tenant_a.context():
        theme_draft_update(actor=tenant_a.users["admin"], changes={"primary": "#0b3d2e"})
    assert "--q-primary:#1f5f8b;" in _css(telco)

    # and when it publishes
    with tenant_a.context():
        theme_publish(actor=tenant_a.users["admin"])

    # then the next request shows the new brand, with no restart
    assert "--q-primary:#0b3d2e;" in _css(telco)
    with tenant_a.context():
        assert cache.get(css_cache_key(2)) is not None
    # and acme's entries were not touched: still served from the cache, unchanged
    with tenant_b.context():
        assert cache.get(published_cache_key()) is not None
        assert cache.get(css_cache_key(1)) == acme_before
    with django_assert_num_queries(0):
        assert _css(acme) == acme_before


def test_publish_invalidates_again_after_commit(tenant_a, django_capture_on_commit_callbacks):
    client = tenant_a.client()
    _css(client)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _publish(tenant_a, primary="#0b3d2e")

    assert len(callbacks) >= 2
    with tenant_a.context():
        assert cache.get(css_cache_key(1)) is None
    assert "--q-primary:#0b3d2e;" in _css(client)


def test_preview_shows_the_draft_to_admins_only(tenant_a):
    with tenant_a.context():
        theme_draft_update(
            actor=tenant_a.users["admin"],
            changes={"primary": "#0b3d2e", "hero_title": {"en": "Draft title"}},
        )
    admin = tenant_a.session_client("admin")

    admin_css = admin.get("/theme.css?preview=1")
    customer_css = _css(tenant_a.session_client("customer"), "?preview=1")
    anonymous_css = _css(tenant_a.client(), "?preview=1")
    admin_home = admin.get("/?preview=1").content.decode()
    provider_home = tenant_a.session_client("provider").get("/?preview=1").content.decode()

    assert "--q-primary:#0b3d2e;" in admin_css.content.decode()
    assert admin_css["Cache-Control"] == "private, no-store"
    assert "--q-primary:#1f5f8b;" in customer_css
    assert "--q-primary:#1f5f8b;" in anonymous_css
    assert "Draft title" in admin_home
    assert "/theme.css?preview=1&amp;r=2" in admin_home
    assert "Draft title" not in provider_home
    assert "Welcome to Telco Friends" in provider_home
    assert "/theme.css?v=1" in provider_home


@pytest.mark.parametrize("value", INJECTIONS)
def test_refused_injections_never_reach_the_stylesheet_or_the_home_page(tenant_a, value):
    client = tenant_a.client("admin")

    for field in ("primary", "secondary", "background", "text", "font"):
        assert client.patch("/api/theme/", {field: value}, format="json").status_code == 400
    assert client.post("/api/theme/publish/").status_code == 200

    assert value not in _css(tenant_a.client())
    assert value not in tenant_a.client().get("/").content.decode()


def test_hero_texts_footer_labels_and_imprint_render_inert(tenant_a):
    _publish(
        tenant_a,
        hero_title={"en": SCRIPT},
        hero_text={"en": "<img src=x onerror=alert(1)>"},
        footer_links=[{"url": "https://help.example/?a=1&b=2", "labels": {"en": SCRIPT}}],
        imprint={"en": f"Line one\n{SCRIPT}"},
    )

    home = tenant_a.client().get("/").content.decode()
    imprint = tenant_a.client().get("/imprint/").content.decode()

    assert "<script>alert" not in home
    assert "<img src=x" not in home
    assert "&lt;/style&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in home
    assert "&lt;img src=x onerror=alert(1)&gt;" in home
    assert 'href="https://help.example/?a=1&amp;b=2"' in home
    assert "<script>alert" not in imprint
    assert "<p>Line one<br>&lt;/style&gt;&lt;script&gt;" in imprint


def test_texts_follow_the_visitor_language_with_a_fallback(tenant_a):
    _publish(
        tenant_a,
        hero_title={"de": "Hallo Quartier", "en": "Hello neighbourhood"},
        privacy={"fr": "Vos données restent ici."},
        footer_links=[{"url": "https://x.example", "labels": {"de": "Hilfe", "en": "Help"}}],
    )
    client = tenant_a.client()

    german = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    privacy = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert '<html lang="de">' in german
    assert "Hallo Quartier" in german
    assert ">Hilfe</a>" in german
    assert "Hello neighbourhood" in english
    assert ">Help</a>" in english
    assert "Vos données restent ici." in privacy  # the only language it exists in


def test_an_empty_imprint_says_so(tenant_a):
    response = tenant_a.client().get("/imprint/")

    assert response.status_code == 200
    assert "No imprint yet." in response.content.decode()


def test_pages_have_landmarks_a_skip_link_and_the_brand(tenant_a):
    client = tenant_a.client("admin")
    client.post("/api/theme/logo/", {"file": png_upload("logo.png")}, format="multipart")
    client.post("/api/theme/favicon/", {"file": png_upload("icon.png")}, format="multipart")
    client.post("/api/theme/publish/")

    home = tenant_a.client().get("/").content.decode()

    assert '<html lang="en">' in home
    assert '<a class="q-skip-link" href="#main">Skip to main content</a>' in home
    assert '<main id="main"' in home
    assert '<header class="q-header">' in home
    assert '<footer class="q-footer">' in home
    assert '<nav aria-label="Footer">' in home
    assert '<link rel="stylesheet" href="/theme.css?v=2">' in home
    assert '<link rel="icon" href="/theme/favicon/?v=2" type="image/png">' in home
    assert '<img src="/theme/logo/?v=2" alt="Telco Friends">' in home
    assert '<h1 id="hero-title">Welcome to Telco Friends</h1>' in home
    assert 'href="/imprint/"' in home
    assert 'href="/privacy/"' in home


def test_the_operator_host_has_no_theme(tenant_a, client):
    response = client.get("/", HTTP_HOST="localhost")

    assert response.status_code == 200
    assert b"theme.css" not in response.content


def test_cache_headers_keep_previews_private(tenant_a):
    published = tenant_a.client().get("/theme.css?v=1")
    asked_for_preview = tenant_a.client().get("/theme.css?preview=1")
    preview = tenant_a.session_client("admin").get("/theme.css?preview=1")

    assert published["Cache-Control"] == "public, max-age=300"
    assert "Cookie" not in published.get("Vary", "")
    assert asked_for_preview["Cache-Control"] == "private, max-age=0"
    assert "Cookie" in asked_for_preview["Vary"]
    assert preview["Cache-Control"] == "private, no-store"
