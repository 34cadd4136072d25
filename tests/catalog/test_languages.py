"""Pages speak the visitor's language: category names, units, statuses, form errors and
badge chips come from the catalogs or the tenant's per-language fields."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from quartier.catalog.models import Category, Listing, ProviderProfile, TaskRequest
from quartier.catalog.services.categories import DEFAULT_TREE
from quartier.marketplace.services import marketplace_languages_set
from quartier.trust.models import Badge
from quartier.trust.services.badges import badge_award, badge_create
from tests.catalog.factories import make_listing, make_provider


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


def _visible_text(html: str) -> str:
    """What a person reads: no tags, no attribute values, no scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _get(client, url, language, **params):
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
    return response, response.content.decode()


def test_the_default_tree_names_every_category_in_german_french_italian_and_english():
    for _slug, names, children in DEFAULT_TREE:
        for values in [names, *(child_names for _child, child_names in children)]:
            assert len(values) == 4
            assert all(value.strip() for value in values)
            # each language has its own words (not the English copied over)
            assert len(set(values[:3])) > 1 or values[0] == "Internet & WLAN"


@pytest.mark.parametrize(
    ("language", "category", "unit"),
    [
        ("de", "Router einrichten", "Pro Stunde"),
        ("fr", "Installation du routeur", "Par heure"),
        ("it", "Configurazione del router", "All’ora"),
    ],
)
def test_category_names_and_units_follow_the_language(tenant_a, language, category, unit):
    with tenant_a.context():
        listing = make_listing(title="Routerhilfe", price_unit=Listing.PriceUnit.HOUR)
    client = tenant_a.client()

    _, results = _get(client, "/search/", language, postal_code="8004")
    _, page = _get(client, f"/listings/{listing.pk}/", language)

    assert f'<option value="router-setup">{category}' in results
    assert unit in _visible_text(results)
    assert f"{category}</p>" in page
    assert unit in _visible_text(page)
    assert "Router setup" not in _visible_text(page)
    assert "Per hour" not in _visible_text(page)


def test_a_name_missing_in_the_language_falls_back_to_the_tenants_default(tenant_a):
    with tenant_a.context():
        marketplace_languages_set(
            actor=tenant_a.users["admin"],
            default_language="de",
            enabled_languages=["de", "fr", "it", "en"],
        )
        Category.objects.filter(slug="router-setup").update(
            names={"en": "Router setup", "de": "Router einrichten"}
        )
        listing = make_listing(title="Routerhilfe")

    _, page = _get(tenant_a.client(), f"/listings/{listing.pk}/", "it")

    assert "Router einrichten</p>" in page


def test_task_statuses_and_the_empty_choice_are_translated(tenant_a):
    client = tenant_a.session_client("customer")
    with tenant_a.context():
        task = TaskRequest.objects.create(
            customer=tenant_a.users["customer"],
            category=Category.objects.get(slug="router-setup"),
            title="Router",
            postal_code="8004",
        )

    _, form = _get(client, "/tasks/new/", "fr")
    _, detail = _get(client, f"/tasks/{task.pk}/", "it")

    assert "---------" not in form
    assert '<option value="" selected>Choisissez une catégorie…</option>' in form
    assert '<dd id="task-status">Aperta</dd>' in detail


def test_task_form_errors_are_words_not_validators(tenant_a):
    client = tenant_a.session_client("customer")

    response = client.post(
        "/tasks/new/",
        {"category": "", "title": "", "postal_code": "80a", "budget": "viel"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    text = _visible_text(response.content.decode())
    assert response.status_code == 400
    assert "Wählen Sie eine Kategorie." in text
    assert "Sagen Sie in wenigen Worten, wobei Sie Hilfe brauchen." in text
    assert "Geben Sie eine vierstellige Schweizer Postleitzahl ein, z. B. 8004." in text
    assert "Geben Sie ein Budget in ganzen Franken ein, z. B. 80." in text


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"postal_code": "80"},
            "postal_code",
            "Geben Sie eine vierstellige Schweizer Postleitzahl ein, z. B. 8004.",
        ),
        (
            {"postal_code": "8004", "price_min": "billig"},
            "price_min",
            "Geben Sie einen Betrag in ganzen Franken ein, z. B. 80.",
        ),
        (
            {"postal_code": "8004", "price_max": "99999999"},
            "price_max",
            "Geben Sie einen Betrag in ganzen Franken ein, z. B. 80.",
        ),
        (
            {"postal_code": "8004", "price_min": "90", "price_max": "20"},
            "price_max",
            "Der Höchstpreis darf nicht unter dem Mindestpreis liegen.",
        ),
        (
            {"postal_code": "8004", "radius_km": "900"},
            "radius_km",
            "Geben Sie eine Distanz von 1 bis 200 km ein.",
        ),
        (
            {"postal_code": "8004", "min_rating": "9"},
            "min_rating",
            "Wählen Sie eine Bewertung aus der Liste.",
        ),
    ],
)
def test_search_errors_say_what_to_do_without_field_names(tenant_a, params, field, message):
    response, page = _get(tenant_a.client(), "/search/", "de", **params)

    text = _visible_text(page)
    assert response.status_code == 400
    assert f'<p id="{field}-error" class="error">{message}</p>' in page
    for leak in ("price_min", "price_max", "min_rating", "pattern", "Ensure", "valid integer"):
        assert leak not in text


def test_badge_chips_wear_the_tenants_colour_and_icon_and_say_until_when(tenant_a):
    with tenant_a.context():
        provider = make_provider(display_name="Chip Holder")
        listing = make_listing(provider=provider, title="Chip test")
        badge = badge_create(
            slug="swiss-made",
            names={"de": "Schweizer Qualität", "en": "Swiss quality"},
            descriptions={"de": "Ausbildung in der Schweiz geprüft.", "en": "Swiss training."},
            colour="#c8102e",
            icon=Badge.Icon.STAR,
            actor=tenant_a.users["admin"],
        )
        until = timezone.now() + timedelta(days=100)
        badge_award(
            badge=badge, provider=provider, actor=tenant_a.users["admin"], valid_until=until
        )
        ProviderProfile.objects.filter(pk=provider.pk).update(is_vetted=False)
        with translation.override("de"):
            date = translation.gettext("%(certifies)s — valid until %(date)s") % {
                "certifies": "Ausbildung in der Schweiz geprüft.",
                "date": date_format(until, "DATE_FORMAT"),
            }
    client = tenant_a.client()

    pages = {
        "results": _get(client, "/search/", "de", q="Chip", postal_code="8004")[1],
        "listing": _get(client, f"/listings/{listing.pk}/", "de")[1],
        "profile": _get(client, f"/providers/{provider.pk}/", "de")[1],
    }

    for name, page in pages.items():
        assert f'<li class="badge" title="{date}">' in page, name
        assert '<circle cx="12" cy="12" r="12" fill="#c8102e"/>' in page, name
        assert 'd="m12 2 3.1 6.3' in page, name  # the star
        assert "Schweizer Qualität</li>" in page, name


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", ["Pro Stunde", "Pauschalpreis", "Bestätigt", "Beanstandet", "Vor Ort bezahlt"]),
        ("fr", ["Par heure", "Prix forfaitaire", "Confirmée", "Contestée", "Payé sur place"]),
        ("it", ["All’ora", "Prezzo forfettario", "Confermata", "Contestata", "Pagato sul posto"]),
    ],
)
def test_units_and_status_labels_come_from_the_catalogs(language, expected):
    from quartier.billing.models import Payment
    from quartier.bookings.models import Booking

    with translation.override(language):
        labels = [
            str(Listing.PriceUnit.HOUR.label),
            str(Listing.PriceUnit.FIXED.label),
            str(Booking.Status.CONFIRMED.label),
            str(Booking.Status.DISPUTED.label),
            str(Payment.Status.OFFLINE.label),
        ]

    assert labels == expected


def test_the_back_office_shows_names_in_the_tenants_default_language_as_fallback(tenant_a):
    with tenant_a.context():
        marketplace_languages_set(
            actor=tenant_a.users["admin"],
            default_language="fr",
            enabled_languages=["de", "fr", "it", "en"],
        )
        Category.objects.filter(slug="router-setup").update(
            names={"it": "Router (it)", "fr": "Routeur (fr)"}
        )

    page = tenant_a.session_client("admin").get(
        "/back-office/categories/", HTTP_ACCEPT_LANGUAGE="de"
    )

    assert "<td>Routeur (fr)</td>" in page.content.decode()
