"""Back office pages: admins only, labelled forms, writes through services, 4xx on bad input."""

import re
from html.parser import HTMLParser

import pytest

from quartier.accounts.models import User
from quartier.billing.models import PayoutSettings
from quartier.bookings.models import Review
from quartier.bookings.services.reviews import review_write
from quartier.catalog.models import Category, Listing
from quartier.catalog.services.listings import listing_hide
from quartier.trust.models import Application, Badge, BadgeAward, Requirement
from tests.backoffice.isolation import _award, _own_profile, _rule, _submitted
from tests.bookings.factories import bookable_listing, completed_booking
from tests.catalog.factories import make_listing

PAGES = [
    "/back-office/",
    "/back-office/categories/",
    "/back-office/vetting/",
    "/back-office/badges/",
    "/back-office/moderation/",
    "/back-office/payouts/",
    "/back-office/payments/",
    "/back-office/disputes/",
    "/back-office/users/",
    "/back-office/analytics/",
    "/back-office/sign-in-failures/",
]


class _Controls(HTMLParser):
    """Every visible form control and the ids that a <label for> names."""

    def __init__(self):
        super().__init__()
        self.controls: list[str] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"])
        if tag in ("select", "textarea") or (
            tag == "input" and attributes.get("type") not in ("hidden", "submit")
        ):
            self.controls.append(attributes.get("id", ""))


def _unlabelled(html: str) -> list[str]:
    parser = _Controls()
    parser.feed(html)
    return [control for control in parser.controls if control not in parser.labels]


@pytest.mark.parametrize("url", PAGES)
def test_each_page_renders_for_an_admin_with_a_label_on_every_input(tenant_a, url):
    response = tenant_a.session_client("admin").get(url)

    assert response.status_code == 200
    assert _unlabelled(response.content.decode()) == []
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_index_links_every_section_and_the_theme_editor(tenant_a):
    html = tenant_a.session_client("admin").get("/back-office/").content.decode()

    for url in [*PAGES[1:], "/back-office/theme/"]:
        assert f'href="{url}"' in html


@pytest.mark.parametrize("role", ["provider", "customer"])
@pytest.mark.parametrize("url", PAGES)
def test_customers_and_providers_are_refused(tenant_a, role, url):
    response = tenant_a.session_client(role).get(url)

    assert response.status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(tenant_a, url):
    response = tenant_a.client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_provider_cannot_post_to_a_back_office_form(tenant_a):
    with tenant_a.context():
        before = Category.objects.count()

    response = tenant_a.session_client("provider").post(
        "/back-office/categories/", {"slug": "sneaky", "name_en": "Sneaky", "position": "0"}
    )

    assert response.status_code == 403
    with tenant_a.context():
        assert Category.objects.count() == before


# Categories


def test_an_admin_creates_a_category_with_names_per_language(tenant_a):
    with tenant_a.context():
        parent = Category.objects.filter(parent__isnull=True).first()

    response = tenant_a.session_client("admin").post(
        "/back-office/categories/",
        {
            "slug": "smart-home",
            "name_de": "Smart Home",
            "name_fr": "Maison connectée",
            "name_en": "Smart home",
            "parent": parent.pk,
            "position": "7",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    with tenant_a.context():
        category = Category.objects.get(slug="smart-home")
        assert category.names == {"de": "Smart Home", "fr": "Maison connectée", "en": "Smart home"}
        assert (category.parent_id, category.position, category.is_active) == (parent.pk, 7, True)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"slug": "no names", "position": "0"}, "slug"),
        ({"slug": "no-names", "position": "0"}, "name_en"),
        ({"slug": "ok", "name_en": "Ok", "position": "-1"}, "position"),
        ({"slug": "ok", "name_en": "Ok", "position": "many"}, "position"),
        ({"slug": "router-setup", "name_en": "Taken", "position": "0"}, "slug"),
    ],
)
def test_bad_category_input_is_a_form_error_beside_the_field(tenant_a, data, field):
    with tenant_a.context():
        before = Category.objects.count()

    response = tenant_a.session_client("admin").post("/back-office/categories/", data)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert 'role="alert"' in response.content.decode()
    with tenant_a.context():
        assert Category.objects.count() == before


def test_an_admin_renames_reorders_and_deactivates_a_category(tenant_a):
    with tenant_a.context():
        category = Category.objects.get(slug="router-setup")
        names = dict(category.names)

    response = tenant_a.session_client("admin").post(
        f"/back-office/categories/{category.pk}/",
        {
            "slug": "router-setup",
            **{f"name_{code}": name for code, name in names.items()},
            "name_it": "Configurare il router",
            "parent": category.parent_id or "",
            "position": "9",
        },
    )

    assert response.status_code == 302
    with tenant_a.context():
        category.refresh_from_db()
        assert category.names["it"] == "Configurare il router"
        assert (category.position, category.is_active) == (9, False)


def test_a_category_cannot_become_its_own_grandparent(tenant_a):
    with tenant_a.context():
        child = Category.objects.filter(parent__isnull=False).first()
        root = child.parent

    response = tenant_a.session_client("admin").post(
        f"/back-office/categories/{root.pk}/",
        {"slug": root.slug, "name_en": "Root", "parent": child.pk, "position": "0"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["parent"]
    with tenant_a.context():
        root.refresh_from_db()
        assert root.parent_id is None


# Vetting


def test_an_admin_adds_a_vetting_step(tenant_a):
    response = tenant_a.session_client("admin").post(
        "/back-office/vetting/",
        {"kind": "interview", "title_en": "Interview", "title_de": "Gespräch"},
    )

    assert response.status_code == 302
    with tenant_a.context():
        requirement = Requirement.objects.get(kind="interview")
        assert requirement.titles == {"de": "Gespräch", "en": "Interview"}


def test_a_vetting_step_needs_a_known_kind_and_a_title(tenant_a):
    with tenant_a.context():
        before = Requirement.objects.count()

    response = tenant_a.session_client("admin").post(
        "/back-office/vetting/", {"kind": "astrology", "validity_days": "0"}
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"kind", "validity_days", "title_en"}
    with tenant_a.context():
        assert Requirement.objects.count() == before


def test_the_queue_lists_submitted_applications_and_an_admin_reviews_one(tenant_a):
    with tenant_a.context():
        params = _submitted(tenant_a)
    client = tenant_a.session_client("admin")
    url = f"/back-office/vetting/applications/{params['application']}/"

    queue = client.get("/back-office/vetting/?status=submitted")
    assert f'href="{url}"' in queue.content.decode()
    assert client.get(url).status_code == 200

    # approving the document step, then the application
    step = client.post(
        f"{url}steps/{params['pk']}/review/", {f"step-{params['pk']}-decision": "approve"}
    )
    decision = client.post(f"{url}decide/", {"decision-decision": "approve"})

    assert (step.status_code, decision.status_code) == (302, 302)
    with tenant_a.context():
        application = Application.objects.select_related("provider").get(pk=params["application"])
        assert application.status == Application.Status.APPROVED
        assert application.provider.is_vetted is True


def test_the_reviewer_opens_the_uploaded_document_from_the_application(tenant_a):
    with tenant_a.context():
        params = _submitted(tenant_a)
    client = tenant_a.session_client("admin")
    url = f"/back-office/vetting/applications/{params['application']}/"

    html = client.get(url).content.decode()

    links = re.findall(r'href="(/trust/documents/[^"]+/)"', html)
    assert len(links) == 1
    download = client.get(links[0])
    assert download.status_code == 200


def test_an_admin_turns_a_vetting_step_off_and_on(tenant_a):
    with tenant_a.context():
        params = _rule(tenant_a)
    client = tenant_a.session_client("admin")

    off = client.post(f"/back-office/vetting/steps/{params['pk']}/toggle/")
    with tenant_a.context():
        assert Requirement.objects.get(pk=params["pk"]).is_active is False
    on = client.post(f"/back-office/vetting/steps/{params['pk']}/toggle/")

    assert (off.status_code, on.status_code) == (302, 302)
    with tenant_a.context():
        assert Requirement.objects.get(pk=params["pk"]).is_active is True


def test_rejecting_needs_a_reason(tenant_a):
    with tenant_a.context():
        params = _submitted(tenant_a)
    url = f"/back-office/vetting/applications/{params['application']}/"

    response = tenant_a.session_client("admin").post(
        f"{url}decide/", {"decision-decision": "reject", "decision-reason": " "}
    )

    assert response.status_code == 400
    assert response.context["decision_form"].errors["reason"]
    with tenant_a.context():
        assert Application.objects.get(pk=params["application"]).status == "submitted"


def test_approving_an_incomplete_application_is_a_form_error(tenant_a):
    with tenant_a.context():
        params = _submitted(tenant_a)
    url = f"/back-office/vetting/applications/{params['application']}/"

    response = tenant_a.session_client("admin").post(
        f"{url}decide/", {"decision-decision": "approve"}
    )

    assert response.status_code == 400
    assert response.context["decision_form"].errors
    with tenant_a.context():
        assert Application.objects.get(pk=params["application"]).status == "submitted"


# Badges


def test_an_admin_creates_awards_and_revokes_a_badge(tenant_a):
    client = tenant_a.session_client("admin")
    with tenant_a.context():
        provider = _own_profile(tenant_a)

    created = client.post(
        "/back-office/badges/",
        {
            "badge-slug": "friend",
            "badge-name_en": "Telco Friend",
            "badge-icon": "heart",
            "badge-rule": "manual",
        },
    )
    with tenant_a.context():
        badge = Badge.objects.get(slug="friend")
    awarded = client.post(
        f"/back-office/badges/{badge.pk}/award/", {f"award-{badge.pk}-provider": provider.pk}
    )
    with tenant_a.context():
        award = BadgeAward.objects.get(badge=badge, provider=provider)
    revoked = client.post(
        f"/back-office/awards/{award.pk}/revoke/", {f"revoke-{award.pk}-reason": "Moved away"}
    )

    assert [created.status_code, awarded.status_code, revoked.status_code] == [302, 302, 302]
    with tenant_a.context():
        award.refresh_from_db()
        assert (badge.names, badge.icon) == ({"en": "Telco Friend"}, "heart")
        assert award.revoked_at is not None
        assert award.revoke_reason == "Moved away"


def test_revoking_needs_a_reason_and_a_bad_rule_is_a_form_error(tenant_a):
    with tenant_a.context():
        params = _award(tenant_a)
    client = tenant_a.session_client("admin")

    revoke = client.post(
        f"/back-office/awards/{params['award']}/revoke/",
        {f"revoke-{params['award']}-reason": ""},
    )
    create = client.post(
        "/back-office/badges/",
        {
            "badge-slug": "top",
            "badge-name_en": "Top",
            "badge-icon": "star",
            "badge-rule": "top_rated",
        },
    )

    assert revoke.status_code == 400
    assert create.status_code == 400
    assert create.context["create_form"].errors["threshold"]
    with tenant_a.context():
        assert BadgeAward.objects.get(pk=params["award"]).revoked_at is None
        assert not Badge.objects.filter(slug="top").exists()


# Moderation


def test_an_admin_hides_and_unhides_a_listing_with_a_reason(tenant_a):
    with tenant_a.context():
        listing = make_listing(provider=_own_profile(tenant_a), title="Too good to be true")
    client = tenant_a.session_client("admin")

    hide_url = f"/back-office/moderation/listings/{listing.pk}/hide/"
    missing_reason = client.post(hide_url, {f"listing-{listing.pk}-reason": ""})
    hidden = client.post(hide_url, {f"listing-{listing.pk}-reason": "Misleading price"})
    with tenant_a.context():
        listing.refresh_from_db()
        assert (listing.status, listing.hidden_reason) == ("hidden", "Misleading price")
    unhidden = client.post(f"/back-office/moderation/listings/{listing.pk}/unhide/")

    assert [missing_reason.status_code, hidden.status_code, unhidden.status_code] == [
        400,
        302,
        302,
    ]
    with tenant_a.context():
        listing.refresh_from_db()
        # back as it was before hiding: online
        assert (listing.status, listing.hidden_reason) == (Listing.Status.PUBLISHED, "")
    assert (
        "Listing shown again, as it was before: Published."
        in client.get("/back-office/moderation/").content.decode()
    )


def test_unhiding_a_paused_listing_leaves_it_paused(tenant_a):
    with tenant_a.context():
        listing = make_listing(provider=_own_profile(tenant_a), title="Resting")
        Listing.objects.filter(pk=listing.pk).update(status=Listing.Status.PAUSED)
    client = tenant_a.session_client("admin")
    client.post(
        f"/back-office/moderation/listings/{listing.pk}/hide/",
        {f"listing-{listing.pk}-reason": "Check"},
    )
    assert "Before: Paused" in client.get("/back-office/moderation/").content.decode()
    client.post(f"/back-office/moderation/listings/{listing.pk}/unhide/")
    with tenant_a.context():
        listing.refresh_from_db()
        assert listing.status == Listing.Status.PAUSED


def test_unhiding_a_visible_listing_is_refused_without_a_500(tenant_a):
    with tenant_a.context():
        listing = make_listing(provider=_own_profile(tenant_a))

    response = tenant_a.session_client("admin").post(
        f"/back-office/moderation/listings/{listing.pk}/unhide/"
    )

    assert response.status_code == 302
    with tenant_a.context():
        listing.refresh_from_db()
        assert listing.status == Listing.Status.PUBLISHED


def test_an_unknown_listing_id_is_404_and_a_malformed_one_too(tenant_a):
    client = tenant_a.session_client("admin")

    unknown = client.post("/back-office/moderation/listings/999999/hide/")
    malformed = client.post("/back-office/moderation/listings/x/hide/")

    assert (unknown.status_code, malformed.status_code) == (404, 404)


def test_an_admin_hides_a_review_with_a_reason(tenant_a):
    with tenant_a.context():
        booking = completed_booking(listing=bookable_listing(), customer=tenant_a.users["customer"])
        review = review_write(
            booking=booking, author=tenant_a.users["customer"], rating=1, text="Rude words"
        )

    response = tenant_a.session_client("admin").post(
        f"/back-office/moderation/reviews/{review.pk}/hide/",
        {f"review-{review.pk}-reason": "Insults"},
    )

    assert response.status_code == 302
    with tenant_a.context():
        review = Review.objects.get(pk=review.pk)
        assert (review.is_hidden, review.hidden_reason) == (True, "Insults")


def test_the_moderation_page_lists_hidden_listings_with_their_reason(tenant_a):
    with tenant_a.context():
        listing = make_listing(provider=_own_profile(tenant_a), title="Hidden one")
        listing_hide(listing=listing, reason="Duplicate")

    html = tenant_a.session_client("admin").get("/back-office/moderation/").content.decode()

    assert "Hidden one" in html
    assert "Duplicate" in html


# Payout settings


def _payouts(**changes) -> dict:
    data = {
        "payment_mode": "offline",
        "currency": "CHF",
        "commission_percent": "12.5",
        "commission_fixed": "0.50",
        "customer_fee_percent": "0",
        "customer_fee_fixed": "1",
        "payout_interval": "monthly",
        "payout_minimum": "25.05",
        "free_cancellation_hours": "48",
        "late_cancellation_percent": "50",
    }
    data.update(changes)
    return data


def test_the_vat_rate_for_receipts_is_set_in_percent_and_optional(tenant_a):
    client = tenant_a.session_client("admin")

    with_vat = client.post("/back-office/payouts/", _payouts(vat_percent="8.1"))
    with tenant_a.context():
        stored = PayoutSettings.objects.get().vat_basis_points
    without = client.post("/back-office/payouts/", _payouts())

    assert (with_vat.status_code, stored, without.status_code) == (302, 810, 302)
    with tenant_a.context():
        assert PayoutSettings.objects.get().vat_basis_points == 0


def test_payout_amounts_in_francs_are_stored_as_exact_minor_units(tenant_a):
    response = tenant_a.session_client("admin").post("/back-office/payouts/", _payouts())

    assert response.status_code == 302
    with tenant_a.context():
        values = PayoutSettings.objects.values(
            "commission_basis_points",
            "commission_fixed_minor",
            "customer_fee_fixed_minor",
            "payout_minimum_minor",
            "payout_interval",
            "free_cancellation_hours",
            "late_cancellation_basis_points",
        ).get()
    assert values == {
        "commission_basis_points": 1250,
        "commission_fixed_minor": 50,
        "customer_fee_fixed_minor": 100,
        "payout_minimum_minor": 2505,
        "payout_interval": "monthly",
        "free_cancellation_hours": 48,
        "late_cancellation_basis_points": 5000,
    }


def test_the_payout_form_shows_the_current_settings_in_francs(tenant_a):
    tenant_a.session_client("admin").post("/back-office/payouts/", _payouts())

    html = tenant_a.session_client("admin").get("/back-office/payouts/").content.decode()

    assert 'value="25.05"' in html
    assert 'value="12.50"' in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("payout_minimum", "25.055"),
        ("payout_minimum", "lots"),
        ("payout_minimum", "-5"),
        ("commission_fixed", "1e3"),
        ("commission_percent", "100"),
        ("commission_percent", "12.345"),
        ("late_cancellation_percent", "101"),
        ("currency", "USD"),
        ("free_cancellation_hours", "-1"),
    ],
)
def test_bad_payout_input_is_a_form_error_and_changes_nothing(tenant_a, field, value):
    with tenant_a.context():
        before = list(PayoutSettings.objects.values())

    response = tenant_a.session_client("admin").post(
        "/back-office/payouts/", _payouts(**{field: value})
    )

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    with tenant_a.context():
        assert list(PayoutSettings.objects.values()) == before


# Users


def test_users_are_listed_with_their_role_and_an_admin_deactivates_and_reactivates_one(tenant_a):
    client = tenant_a.session_client("admin")
    customer = tenant_a.users["customer"]

    page = client.get("/back-office/users/").content.decode()
    deactivated = client.post(f"/back-office/users/{customer.pk}/deactivate/")
    with tenant_a.context():
        assert User.objects.get(pk=customer.pk).is_active is False
    locked_out = tenant_a.session_client("customer").get("/back-office/")
    reactivated = client.post(f"/back-office/users/{customer.pk}/activate/")

    assert customer.email in page
    assert "Customer" in page
    assert "Provider" in page
    assert (deactivated.status_code, reactivated.status_code) == (302, 302)
    # the deactivated customer's session no longer authenticates
    assert locked_out.status_code == 302
    with tenant_a.context():
        assert User.objects.get(pk=customer.pk).is_active is True


def test_a_deactivated_users_api_token_stops_working(tenant_a):
    tenant_a.session_client("admin").post(
        f"/back-office/users/{tenant_a.users['provider'].pk}/deactivate/"
    )

    response = tenant_a.client("provider").get("/api/me/")

    assert response.status_code == 401


def test_an_admin_cannot_deactivate_themselves(tenant_a):
    admin = tenant_a.users["admin"]

    response = tenant_a.session_client("admin").post(f"/back-office/users/{admin.pk}/deactivate/")

    assert response.status_code == 400
    assert "your own account" in response.content.decode()
    with tenant_a.context():
        assert User.objects.get(pk=admin.pk).is_active is True


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/back-office/badges/", "/back-office/moderation/"])
def test_list_pages_take_the_same_number_of_queries_for_more_rows(tenant_a, url):
    client = tenant_a.session_client("admin")
    with tenant_a.context():
        _award(tenant_a)
        make_listing(provider=_own_profile(tenant_a), title="First")
    client.get(url)  # warm the caches (theme, tenant)
    few = _queries(client, url)

    with tenant_a.context():
        provider = _own_profile(tenant_a)
        for number in range(3):
            badge = Badge.objects.create(slug=f"extra-{number}", names={"en": f"Extra {number}"})
            BadgeAward.objects.create(badge=badge, provider=provider)
            make_listing(provider=provider, title=f"More {number}")
    client.get(url)  # the writes emptied the per-tenant badge cache: warm it again
    many = _queries(client, url)

    assert many == few


ACTION_ROUTES = [
    "back-office/vetting/steps/<int:pk>/toggle/",
    "back-office/vetting/applications/<int:pk>/decide/",
    "back-office/vetting/applications/<int:pk>/steps/<int:requirement_pk>/review/",
    "back-office/badges/<int:pk>/award/",
    "back-office/awards/<int:pk>/revoke/",
    "back-office/moderation/listings/<int:pk>/hide/",
    "back-office/moderation/listings/<int:pk>/unhide/",
    "back-office/moderation/reviews/<int:pk>/hide/",
    "back-office/users/<int:pk>/activate/",
    "back-office/users/<int:pk>/deactivate/",
    "back-office/api-keys/<int:pk>/revoke/",
    "back-office/eligibility/codes/<int:pk>/revoke/",
]


def test_each_back_office_action_has_a_post_url_of_its_own(tenant_a):
    from tests.tenancy.matrix import tenant_routes

    # given every kind of row a back-office button acts on
    with tenant_a.context():
        award = _award(tenant_a)
        application = _submitted(tenant_a)
        listing_hide(listing=make_listing(provider=_own_profile(tenant_a)), reason="Spam")
        booking = completed_booking(listing=bookable_listing(), customer=tenant_a.users["customer"])
        review_write(booking=booking, author=tenant_a.users["customer"], rating=1, text="Bad")
    client = tenant_a.session_client("admin")
    application_url = f"/back-office/vetting/applications/{application['application']}/"

    pages = [client.get(url).content.decode() for url in [*PAGES, application_url]]

    # then no form says which action it is: its URL does, and GET never acts
    verbs = {"toggle", "decide", "review", "award", "revoke", "hide", "unhide", "activate"}
    assert {
        route
        for route in tenant_routes()
        if route.startswith("back-office/") and route.split("/")[-2] in {*verbs, "deactivate"}
    } == set(ACTION_ROUTES)
    assert all('name="action"' not in page for page in pages)
    assert all('name="object_id"' not in page for page in pages)
    forms = [
        f'action="/back-office/awards/{award["award"]}/revoke/"',
        f'action="/back-office/badges/{award["pk"]}/award/"',
        f'action="{application_url}decide/"',
        f'action="{application_url}steps/{application["pk"]}/review/"',
        f'action="/back-office/vetting/steps/{application["pk"]}/toggle/"',
    ]
    assert [form for form in forms if not any(form in page for page in pages)] == []
    for route in ACTION_ROUTES:
        url = "/" + route.replace("<int:pk>", "1").replace("<int:requirement_pk>", "1")
        assert client.get(url).status_code == 405, route
