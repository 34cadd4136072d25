"""The tenant's languages: who may change them, what the visitor may pick, the switcher."""

import pytest
from django.conf import settings
from django.core.cache import cache

from quartier.marketplace.models import AuditEntry, MarketplaceSettings
from quartier.marketplace.selectors import languages_cache_key, marketplace_languages
from quartier.marketplace.services import marketplace_languages_set
from quartier.platform.errors import ApplicationError

COOKIE = settings.LANGUAGE_COOKIE_NAME


def _enable(handle, default, enabled):
    with handle.context():
        marketplace_languages_set(
            actor=handle.users["admin"], default_language=default, enabled_languages=enabled
        )


def _languages(handle):
    with handle.context():
        return MarketplaceSettings.objects.values_list(
            "default_language", "enabled_languages"
        ).get()


def test_an_admin_chooses_the_languages_through_the_api(tenant_a):
    response = tenant_a.client("admin").put(
        "/api/marketplace/languages/",
        {"default_language": "fr", "enabled_languages": ["it", "fr"]},
        format="json",
    )

    assert response.status_code == 200
    # stored in the platform's order (de, fr, it, en), whatever order was sent
    assert response.json() == {"default_language": "fr", "enabled_languages": ["fr", "it"]}
    assert _languages(tenant_a) == ("fr", ["fr", "it"])
    with tenant_a.context():
        entry = AuditEntry.objects.get(action="marketplace.languages_set")
    assert entry.after == {"default_language": "fr", "enabled_languages": ["fr", "it"]}
    assert entry.before == {"default_language": "en", "enabled_languages": ["de", "fr", "it", "en"]}


def test_anyone_may_read_the_languages(tenant_a):
    response = tenant_a.client().get("/api/marketplace/languages/")

    assert response.status_code == 200
    assert response.json() == {
        "default_language": "en",
        "enabled_languages": ["de", "fr", "it", "en"],
    }


@pytest.mark.parametrize("role", [None, "customer", "provider"])
def test_only_admins_change_the_languages(tenant_a, role):
    response = tenant_a.client(role).put(
        "/api/marketplace/languages/",
        {"default_language": "de", "enabled_languages": ["de"]},
        format="json",
    )

    assert response.status_code == (401 if role is None else 403)
    assert _languages(tenant_a) == ("en", ["de", "fr", "it", "en"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"default_language": "de", "enabled_languages": ["fr", "it"]}, "default_language"),
        ({"default_language": "de", "enabled_languages": []}, "enabled_languages"),
        ({"default_language": "de", "enabled_languages": ["de", "rm"]}, "enabled_languages"),
        ({"default_language": "xx", "enabled_languages": ["de"]}, "default_language"),
        ({"enabled_languages": ["de"]}, "default_language"),
        ({"default_language": "de", "enabled_languages": "de"}, "enabled_languages"),
    ],
)
def test_bad_languages_are_refused_naming_the_field(tenant_a, body, field):
    response = tenant_a.client("admin").put("/api/marketplace/languages/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert _languages(tenant_a) == ("en", ["de", "fr", "it", "en"])


def test_the_service_refuses_a_default_that_is_not_enabled(tenant_a):
    with tenant_a.context(), pytest.raises(ApplicationError) as caught:
        marketplace_languages_set(
            actor=tenant_a.users["admin"], default_language="de", enabled_languages=["fr"]
        )

    assert caught.value.code == "invalid_languages"
    assert caught.value.fields == {
        "default_language": ["The default language must be one of the enabled ones."]
    }


def test_a_warm_language_lookup_costs_no_query_and_a_change_drops_it(
    tenant_a, django_assert_num_queries
):
    with tenant_a.context():
        assert marketplace_languages().enabled == ("de", "fr", "it", "en")
        with django_assert_num_queries(0):
            assert marketplace_languages().default == "en"

        marketplace_languages_set(
            actor=tenant_a.users["admin"], default_language="it", enabled_languages=["it"]
        )

        assert cache.get(languages_cache_key()) is None
        assert marketplace_languages().enabled == ("it",)


def _page_language(client, **headers):
    response = client.get("/accounts/login/", **headers)
    assert response.status_code == 200
    return response.headers["Content-Language"]


def test_the_browser_language_is_used_when_the_tenant_enabled_it(tenant_a):
    client = tenant_a.client()

    assert _page_language(client, HTTP_ACCEPT_LANGUAGE="de-CH,de;q=0.9,en;q=0.5") == "de"
    assert _page_language(client, HTTP_ACCEPT_LANGUAGE="it-CH") == "it"
    # no preference: the tenant's default (telco was provisioned in English)
    assert _page_language(client) == "en"


def test_a_language_the_tenant_did_not_enable_is_never_picked(tenant_a):
    _enable(tenant_a, "fr", ["fr", "it"])
    client = tenant_a.client()

    assert _page_language(client, HTTP_ACCEPT_LANGUAGE="de-CH,en;q=0.5") == "fr"
    assert _page_language(client, HTTP_ACCEPT_LANGUAGE="de,it;q=0.4") == "it"
    client.cookies[COOKIE] = "en"
    assert _page_language(client, HTTP_ACCEPT_LANGUAGE="de") == "fr"


def test_the_visitor_switches_language_and_the_choice_wins(tenant_a):
    client = tenant_a.client()

    response = client.post("/language/", {"language": "fr", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/"
    assert response.cookies[COOKIE].value == "fr"
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de")
    assert page.headers["Content-Language"] == "fr"
    assert "<h1>Se connecter</h1>" in page.content.decode()


def test_switching_to_a_language_the_tenant_did_not_enable_is_refused(tenant_a):
    _enable(tenant_a, "de", ["de", "fr"])
    client = tenant_a.client()

    response = client.post("/language/", {"language": "it", "next": "/"})

    assert response.status_code == 400
    assert COOKIE not in response.cookies
    assert _page_language(client) == "de"


def test_the_switch_does_not_redirect_to_another_host(tenant_a):
    response = tenant_a.client().post(
        "/language/", {"language": "de", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_switch_only_accepts_post(tenant_a):
    response = tenant_a.client().get("/language/", {"language": "de"})

    assert response.status_code == 405


def test_pages_offer_a_labelled_switcher_with_the_enabled_languages_only(tenant_a):
    _enable(tenant_a, "de", ["de", "it"])

    html = tenant_a.client().get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert '<html lang="de">' in html
    assert '<form class="q-language" method="post" action="/language/">' in html
    assert '<label for="q-language-select">Sprache</label>' in html
    assert (
        '<select id="q-language-select" name="language">'
        '<option value="de" lang="de" selected>Deutsch</option>'
        '<option value="it" lang="it">Italiano</option></select>'
    ) in " ".join(html.split()).replace("> <", "><")
    assert '<button type="submit">Sprache wechseln</button>' in html
    assert 'value="fr"' not in html


def test_a_single_language_marketplace_shows_no_switcher(tenant_a):
    _enable(tenant_a, "de", ["de"])

    html = tenant_a.client().get("/").content.decode()

    assert "q-language-select" not in html
