"""Who may book and who may offer help (issue 18, part 2): the rule per kind, sign-up on
the page and the API, the guards on bookings, tasks, broadcasts, the helper's onboarding,
publishing and offers, and the back-office page."""

from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from quartier.accounts.models import User
from quartier.accounts.services import user_create
from quartier.catalog.models import Listing, TaskRequest
from quartier.catalog.services.tasks import task_request_create
from quartier.marketplace import eligibility
from quartier.marketplace.eligibility import (
    BOOK,
    OFFER,
    allowlist_parse,
    allowlist_replace,
    check,
    invitation_create,
    invitation_revoke,
    rule_set,
)
from quartier.marketplace.models import AllowedEmail, InvitationCode, InvitationUse
from quartier.platform.errors import ApplicationError
from tests.bookings.factories import ZURICH, bookable_listing, next_local
from tests.catalog.factories import category, make_listing, make_provider, tenant_provider
from tests.conftest import PASSWORD

BRAND = "Telco Friends"


def _sso_user(email, claims=None, *, role=User.Role.CUSTOMER):
    user = user_create(email=email, password=PASSWORD, role=role)
    SocialAccount.objects.create(
        user=user, provider="openid_connect", uid=email, extra_data=claims or {}
    )
    return user


def _reason(refusal):
    return refusal.reason if refusal else None


# The rule, kind by kind --------------------------------------------------------------


def test_anyone_is_the_default(tenant_a):
    with tenant_a.context():
        assert check("someone@anywhere.example", BOOK) is None
        assert check(tenant_a.users["provider"], OFFER) is None


def test_sso_only_refuses_e_mail_sign_ups_and_users_without_sso(tenant_a):
    with tenant_a.context():
        rule_set(role=BOOK, kind="sso")
        sso = _sso_user("anna@telco.example", {"sub": "1"})

        refusal = check("new@example.org", BOOK)
        assert refusal.reason == eligibility.SSO_REQUIRED
        assert refusal.message == (
            f"Bookings here are for {BRAND} customers. Sign in with your {BRAND} account."
        )
        assert _reason(check(tenant_a.users["customer"], BOOK)) == eligibility.SSO_REQUIRED
        assert check(sso, BOOK) is None
        # The other role is still open to anyone.
        assert check("new@example.org", OFFER) is None


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"customer_type": "residential"}, None),
        ({"userinfo": {"customer_type": "residential"}}, None),
        ({"id_token": {"customer_type": ["business", "residential"]}}, None),
        ({"customer_type": "business"}, eligibility.CLAIM_MISMATCH),
        ({"customer_type": "Residential"}, eligibility.CLAIM_MISMATCH),
        ({}, eligibility.CLAIM_MISMATCH),
    ],
)
def test_sso_with_a_claim_value(tenant_a, claims, reason):
    with tenant_a.context():
        rule_set(role=BOOK, kind="sso", claim_name="customer_type", claim_value="residential")
        user = _sso_user("claims@telco.example", claims)

        assert _reason(check(user, BOOK)) == reason


@pytest.mark.parametrize(
    ("email", "subdomains", "allowed"),
    [
        ("a@telco.ch", False, True),
        ("A@TELCO.CH", False, True),
        ("a@shop.telco.ch", False, False),
        ("a@shop.telco.ch", True, True),
        ("a@evil-telco.ch", True, False),
        ("a@telco.ch.evil.com", True, False),
        ("a@zürich.ch", False, True),
        ("a@xn--zrich-kva.ch", False, True),
        ("not-an-address", False, False),
    ],
)
def test_e_mail_domains(tenant_a, email, subdomains, allowed):
    with tenant_a.context():
        rule_set(
            role=BOOK, kind="domains", domains="telco.ch, Zürich.ch", include_subdomains=subdomains
        )

        refusal = check(email, BOOK)

    assert (refusal is None) is allowed
    if not allowed:
        assert refusal.reason == eligibility.DOMAIN_NOT_ALLOWED
        assert "@telco.ch" in refusal.message


def test_invitation_codes(tenant_a):
    with tenant_a.context():
        rule_set(role=OFFER, kind="codes")
        admin = tenant_a.users["admin"]
        good = invitation_create(role=OFFER, actor=admin, max_uses=2)
        expired = invitation_create(role=OFFER, actor=admin, code="OLD-ONE")
        InvitationCode.objects.filter(pk=expired.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        revoked = invitation_revoke(invitation=invitation_create(role=OFFER, actor=admin))
        for_booking = invitation_create(role=BOOK, actor=admin)
        used_up = invitation_create(role=OFFER, actor=admin, max_uses=1)
        InvitationCode.objects.filter(pk=used_up.pk).update(uses=1)

        assert _reason(check("x@example.org", OFFER)) == eligibility.CODE_REQUIRED
        assert _reason(check("x@example.org", OFFER, code="NOPE")) == eligibility.CODE_INVALID
        assert _reason(check("x@example.org", OFFER, code="old-one")) == eligibility.CODE_EXPIRED
        assert _reason(check("x@example.org", OFFER, code=revoked.code)) == eligibility.CODE_INVALID
        assert (
            _reason(check("x@example.org", OFFER, code=for_booking.code))
            == eligibility.CODE_INVALID
        )
        assert _reason(check("x@example.org", OFFER, code=used_up.code)) == eligibility.CODE_USED_UP
        # Spaces and case do not matter (codes are read aloud and typed on phones).
        assert check("x@example.org", OFFER, code=" " + good.code.lower() + " ") is None

        eligibility.admit_at_signup(email="x@example.org", role=OFFER, code=good.code)
        # Admitted once, eligible from then on without a code.
        assert check("x@example.org", OFFER) is None
        good.refresh_from_db()
        assert good.uses == 1


def test_the_allow_list(tenant_a):
    with tenant_a.context():
        rule_set(role=BOOK, kind="allowlist")
        allowlist_replace(role=BOOK, data=b"email\nListed@Example.org\n")

        assert check("listed@example.org", BOOK) is None
        assert check("LISTED@example.org", BOOK) is None
        assert _reason(check("other@example.org", BOOK)) == eligibility.NOT_ON_LIST
        assert _reason(check("listed@example.org", OFFER)) is None  # offer: anyone


def test_tenant_admins_are_never_refused(tenant_a):
    with tenant_a.context():
        rule_set(role=BOOK, kind="sso")

        assert check(tenant_a.users["admin"], BOOK) is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "domains", "domains": ""}, "domains"),
        ({"kind": "domains", "domains": "telco.ch, not a domain"}, "domains"),
        ({"kind": "domains", "domains": "-bad-.ch"}, "domains"),
        ({"kind": "sso", "claim_value": "residential"}, "claim_name"),
        ({"kind": "sso", "claim_name": "customer_type"}, "claim_value"),
        ({"kind": "everyone"}, "kind"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_field(tenant_a, fields, field):
    with tenant_a.context(), pytest.raises(ApplicationError) as raised:
        rule_set(role=BOOK, **fields)

    assert field in raised.value.fields


# The allow-list's CSV ----------------------------------------------------------------


def test_a_csv_with_a_header_a_bom_semicolons_and_duplicates():
    data = "\ufeffE-Mail;Name\nanna@example.org;Anna\nANNA@example.org;Anna\n\nbo@zürich.ch;Bo\n"

    emails, errors = allowlist_parse(data.encode())

    assert errors == []
    assert emails == ["anna@example.org", "bo@xn--zrich-kva.ch"]


@pytest.mark.parametrize(
    "cell",
    [
        "not-an-address",
        "two@@example.org",
        "ｕｓｅｒ@example.org",  # full-width letters
        "user\u202e@example.org",  # right-to-left override
        "user@exa mple.org",
        "user@" + "a" * 250 + ".ch",
        '=HYPERLINK("http://x")',
    ],
)
def test_each_bad_row_is_named_and_nothing_is_kept(tenant_a, cell):
    data = f"email\ngood@example.org\n{cell}\n".encode()

    emails, errors = allowlist_parse(data)

    assert len(errors) == 1
    assert errors[0].startswith("Row 3:")
    with tenant_a.context():
        allowlist_replace(role=BOOK, data=b"kept@example.org\n")
        result = allowlist_replace(role=BOOK, data=data)
        assert result.errors
        assert result.count == 0
        assert list(AllowedEmail.objects.values_list("email", flat=True)) == ["kept@example.org"]


def test_files_too_large_not_utf8_or_without_addresses_are_refused():
    too_large = b"a@example.org\n" * (eligibility.CSV_MAX_BYTES // 14 + 1)
    too_many_rows = b"a@example.org\n" * (eligibility.CSV_MAX_ROWS + 1)

    assert "larger than 1 MB" in allowlist_parse(too_large)[1][0]
    assert "more than 20,000 rows" in allowlist_parse(too_many_rows)[1][0]
    assert "UTF-8" in allowlist_parse("ä@example.org".encode("latin-1"))[1][0]
    assert "UTF-8" in allowlist_parse(b"a@example.org\x00\n")[1][0]
    assert "no e-mail address" in allowlist_parse(b"email\n\n")[1][0]


def test_errors_stop_at_twenty_lines():
    emails, errors = allowlist_parse(("bad\n" * 100).encode())

    assert len(errors) == eligibility.CSV_MAX_ERRORS


# Sign-up: page and API ------------------------------------------------------------------


def _signup_page(handle, **fields):
    data = {
        "full_name": "Nina Neu",
        "email": "nina@example.org",
        "password": PASSWORD,
        "role": "customer",
        **fields,
    }
    return handle.client().post("/accounts/signup/", data)


def _users(handle, email):
    with handle.context():
        return User.objects.filter(email=email).count()


def test_the_code_field_shows_only_when_the_rule_asks_for_codes(tenant_a):
    assert b"invitation_code" not in tenant_a.client().get("/accounts/signup/").content
    with tenant_a.context():
        rule_set(role=OFFER, kind="codes")

    assert b"invitation_code" in tenant_a.client().get("/accounts/signup/").content


def test_sign_up_with_an_invitation_code_and_its_replay_at_max_uses(tenant_a):
    with tenant_a.context():
        rule_set(role=BOOK, kind="codes")
        code = invitation_create(role=BOOK, actor=tenant_a.users["admin"], max_uses=1).code

    refused = _signup_page(tenant_a)
    accepted = _signup_page(tenant_a, invitation_code=code)
    replayed = _signup_page(tenant_a, email="second@example.org", invitation_code=code)

    assert refused.status_code == 403
    assert "open by invitation" in refused.content.decode()
    assert accepted.status_code == 302
    assert _users(tenant_a, "nina@example.org") == 1
    assert replayed.status_code == 403
    assert "has been used up" in replayed.content.decode()
    assert _users(tenant_a, "second@example.org") == 0
    with tenant_a.context():
        assert InvitationCode.objects.get(code=code).uses == 1
        assert list(InvitationUse.objects.values_list("email", flat=True)) == ["nina@example.org"]


def test_a_failed_sign_up_uses_none_of_the_code(tenant_a):
    with tenant_a.context():
        rule_set(role=BOOK, kind="codes")
        code = invitation_create(role=BOOK, actor=tenant_a.users["admin"], max_uses=1).code

    weak = _signup_page(tenant_a, invitation_code=code, password="123")
    taken = _signup_page(tenant_a, email="customer@telco.test", invitation_code=code)

    assert weak.status_code == taken.status_code == 200  # the form's errors, as before
    with tenant_a.context():
        assert InvitationCode.objects.get(code=code).uses == 0
        assert not InvitationUse.objects.exists()


def test_sign_up_by_domain_refused_and_accepted(tenant_a):
    with tenant_a.context():
        rule_set(role=BOOK, kind="domains", domains="telco.ch")

    refused = _signup_page(tenant_a)
    accepted = _signup_page(tenant_a, email="nina@telco.ch")

    assert refused.status_code == 403
    assert "e-mail addresses ending in @telco.ch" in refused.content.decode()
    assert _users(tenant_a, "nina@example.org") == 0
    assert accepted.status_code == 302


def test_sign_up_by_allow_list_for_helpers(tenant_a):
    with tenant_a.context():
        rule_set(role=OFFER, kind="allowlist")
        allowlist_replace(role=OFFER, data=b"helper@example.org\n")

    refused = _signup_page(tenant_a, role="provider")
    accepted = _signup_page(tenant_a, role="provider", email="helper@example.org")
    customer = _signup_page(tenant_a, email="customer-new@example.org")

    assert refused.status_code == 403
    assert "not on the list of Telco Friends" in refused.content.decode()
    assert accepted.status_code == 302
    assert customer.status_code == 302  # booking stays open to anyone


def test_sso_only_refuses_a_password_sign_up_in_the_visitors_language(tenant_a):
    with tenant_a.context():
        rule_set(role=BOOK, kind="sso", claim_name="customer_type", claim_value="residential")

    english = _signup_page(tenant_a)
    german = tenant_a.client().post(
        "/accounts/signup/",
        {"full_name": "N", "email": "n@example.org", "password": PASSWORD, "role": "customer"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert english.status_code == 403
    assert (
        f"Bookings here are for {BRAND} customers. Sign in with your {BRAND} account."
        in english.content.decode()
    )
    assert german.status_code == 403
    assert f"Melden Sie sich mit Ihrem {BRAND}-Konto an." in german.content.decode()


def test_api_sign_up_refusal_is_a_403_naming_the_reason(tenant_a):
    with tenant_a.context():
        rule_set(role=BOOK, kind="codes")
        code = invitation_create(role=BOOK, actor=tenant_a.users["admin"]).code

    refused = tenant_a.client().post(
        "/api/auth/signup/", {"email": "api@example.org", "password": PASSWORD}, format="json"
    )
    accepted = tenant_a.client().post(
        "/api/auth/signup/",
        {"email": "api@example.org", "password": PASSWORD, "invitation_code": code},
        format="json",
    )

    assert refused.status_code == 403
    assert refused.json()["code"] == "not_eligible"
    assert refused.json()["reason"] == "code_required"
    assert refused.json()["role"] == "book"
    assert accepted.status_code == 201


# Guards on what people do ---------------------------------------------------------------


@pytest.fixture
def listing(tenant_a):
    with tenant_a.context():
        return bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))


def test_a_customer_who_becomes_ineligible_is_refused_at_the_next_booking(tenant_a, listing):
    with tenant_a.context():
        rule_set(role=BOOK, kind="domains", domains="telco.ch")
    client = tenant_a.client("customer")

    booking = client.post(
        "/api/bookings/",
        {"listing": listing.pk, "starts_at": next_local(10).isoformat()},
        format="json",
    )
    broadcast = client.post(
        "/api/bookings/broadcast/",
        {
            "category": listing.category_id,
            "postal_code": "8004",
            "starts_at": next_local(11).isoformat(),
        },
        format="json",
    )
    with tenant_a.context():
        category_id = category().pk
    task = client.post(
        "/api/tasks/",
        {"category": category_id, "title": "WLAN", "postal_code": "8004"},
        format="json",
    )

    for response in (booking, broadcast, task):
        assert response.status_code == 403, response.json()
        assert response.json()["reason"] == "domain_not_allowed"
    with tenant_a.context():
        assert not TaskRequest.objects.exists()


def test_the_booking_page_says_why_before_the_form(tenant_a, listing):
    with tenant_a.context():
        rule_set(role=BOOK, kind="sso")

    page = tenant_a.session_client("customer").get(f"/listings/{listing.pk}/book/")
    urgent = tenant_a.session_client("customer").post(
        "/bookings/urgent/",
        {
            "category": listing.category_id,
            "postal_code": "8004",
            "starts_at": next_local(10).astimezone(ZURICH).strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert page.status_code == 403
    assert f"Sign in with your {BRAND} account." in page.content.decode()
    assert urgent.status_code == 403
    assert f"Sign in with your {BRAND} account." in urgent.content.decode()


def test_an_sso_customer_with_the_claim_books(tenant_a, listing):
    with tenant_a.context():
        rule_set(role=BOOK, kind="sso", claim_name="customer_type", claim_value="residential")
        resident = _sso_user("resident@telco.example", {"customer_type": "residential"})
        business = _sso_user("business@telco.example", {"customer_type": "business"})

    for user, expected in ((resident, 201), (business, 403)):
        from quartier.accounts.services import token_issue

        with tenant_a.context():
            token = token_issue(user=user)
        response = tenant_a.client(token=token).post(
            "/api/bookings/",
            {
                "listing": listing.pk,
                "starts_at": next_local(10 if expected == 201 else 12).isoformat(),
            },
            format="json",
        )
        assert response.status_code == expected, response.json()
    assert response.json()["reason"] == "claim_mismatch"


def test_helpers_are_refused_at_onboarding_publishing_and_offers(tenant_a):
    with tenant_a.context():
        profile = tenant_provider(tenant_a)
        draft = make_listing(provider=profile, publish=False)
        task = task_request_create(
            customer=tenant_a.users["customer"],
            category=category(),
            title="Router",
            postal_code="8004",
        )
        rule_set(role=OFFER, kind="allowlist")
        allowlist_replace(role=OFFER, data=b"someone-else@example.org\n")
    provider = tenant_a.client("provider")

    start = tenant_a.session_client("provider").get("/workspace/start/")
    publish = provider.post(f"/api/listings/{draft.pk}/publish/")
    offer = provider.post(
        f"/api/tasks/{task.pk}/offers/",
        {"price": {"amount_minor": 7000, "currency": "CHF"}},
        format="json",
    )

    assert start.status_code == 403
    assert "not on the list of Telco Friends" in start.content.decode()
    for response in (publish, offer):
        assert response.status_code == 403
        assert response.json()["reason"] == "not_on_list"
    with tenant_a.context():
        assert Listing.objects.get(pk=draft.pk).status == Listing.Status.DRAFT


# The back-office page ---------------------------------------------------------------------


def test_the_admin_sets_the_rule_manages_codes_and_uploads_the_list(tenant_a):
    admin = tenant_a.session_client("admin")

    page = admin.get("/back-office/eligibility/")
    saved = admin.post(
        "/back-office/eligibility/rules/book/",
        {
            "book-kind": "domains",
            "book-domains": "telco.ch\nshop.telco.ch",
            "book-include_subdomains": "on",
        },
    )
    bad = admin.post(
        "/back-office/eligibility/rules/offer/", {"offer-kind": "domains", "offer-domains": "x y"}
    )
    created = admin.post(
        "/back-office/eligibility/codes/", {"code-role": "offer", "code-max_uses": "5"}
    )
    with tenant_a.context():
        code = InvitationCode.objects.get()
    listed = admin.get("/back-office/eligibility/")
    revoked = admin.post(f"/back-office/eligibility/codes/{code.pk}/revoke/")
    uploaded = admin.post(
        "/back-office/eligibility/allow-list/",
        {"list-role": "book", "list-file": SimpleUploadedFile("l.csv", b"email\na@example.org\n")},
    )
    refused = admin.post(
        "/back-office/eligibility/allow-list/",
        {
            "list-role": "book",
            "list-file": SimpleUploadedFile("l.csv", b"email\nnope\nb@example.org\n"),
        },
    )

    assert page.status_code == 200
    assert 'href="/back-office/eligibility/"' in page.content.decode()
    assert saved.status_code == created.status_code == revoked.status_code == 302
    assert uploaded.status_code == 302
    assert bad.status_code == 400
    assert "is not a domain name" in bad.content.decode()
    assert code.code in listed.content.decode()
    assert "0 / 5" in listed.content.decode()
    assert refused.status_code == 400
    assert "Row 2: “nope” is not an e-mail address." in refused.content.decode()
    with tenant_a.context():
        rule = eligibility.rule_for(BOOK)
        assert rule.domains == ("telco.ch", "shop.telco.ch")
        assert rule.include_subdomains
        assert InvitationCode.objects.get().revoked_at is not None
        assert list(AllowedEmail.objects.values_list("email", flat=True)) == ["a@example.org"]


def test_a_huge_upload_is_refused_without_reading_it_all(tenant_a):
    huge = b"a@example.org\n" * (2 * 1024 * 1024 // 14)

    response = tenant_a.session_client("admin").post(
        "/back-office/eligibility/allow-list/",
        {"list-role": "book", "list-file": SimpleUploadedFile("big.csv", huge)},
    )

    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()
    with tenant_a.context():
        assert not AllowedEmail.objects.exists()


def test_only_admins_open_the_page(tenant_a):
    for role in ("customer", "provider"):
        assert tenant_a.session_client(role).get("/back-office/eligibility/").status_code == 403


def test_a_customer_enters_a_code_to_offer_help_later(tenant_a):
    with tenant_a.context():
        rule_set(role=OFFER, kind="codes")
        code = invitation_create(role=OFFER, actor=tenant_a.users["admin"], max_uses=1).code
    client = tenant_a.session_client("customer")

    start = client.get("/workspace/start/")
    wrong = client.post(
        "/invitation/", {"role": "offer", "code": "WRONG-CODE", "next": "/workspace/start/"}
    )
    offsite = client.post(
        "/invitation/", {"role": "offer", "code": code, "next": "https://evil.example/"}
    )
    again = client.get("/workspace/start/")

    assert start.status_code == 403
    assert 'name="code"' in start.content.decode()
    assert wrong.status_code == 403
    assert "This invitation code is not valid." in wrong.content.decode()
    assert offsite.status_code == 302
    assert offsite["Location"] == "/"
    assert again.status_code == 302
    with tenant_a.context():
        assert InvitationCode.objects.get(code=code).uses == 1
    assert client.post("/invitation/", {"role": "nobody", "code": code}).status_code == 400
