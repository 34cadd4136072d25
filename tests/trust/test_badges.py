from datetime import timedelta

import pytest
from django.core import mail
from django.db import InternalError, ProgrammingError, connection, transaction
from django.utils import timezone

from quartier.catalog.models import Category, Listing
from quartier.marketplace.models import AuditEntry
from quartier.providers.models import ProviderProfile
from quartier.trust.models import Badge, BadgeAward
from quartier.trust.services.badges import (
    badges_expire_due,
    badges_recompute,
    badges_warn_expiring,
)
from tests.catalog.factories import make_listing, make_provider


@pytest.fixture
def provider_with_listings(tenant_a):
    with tenant_a.context():
        provider = make_provider(user=tenant_a.users["provider"])
        router = make_listing(provider=provider, category_slug="router-setup")
        moving = make_listing(provider=provider, category_slug="moving-help")
    return provider, router, moving


def test_new_tenants_award_the_vetted_badge_by_rule(tenant_a, provider_with_listings):
    provider, router, _ = provider_with_listings
    with tenant_a.context():
        badges_recompute(provider=provider)
        provider.refresh_from_db()
        assert provider.badge_slugs == ["vetted"]
        assert Listing.objects.get(pk=router.pk).badge_slugs == ["vetted"]
        ProviderProfile.objects.filter(pk=provider.pk).update(is_vetted=False)
        badges_recompute(provider=provider)
        provider.refresh_from_db()
        assert provider.badge_slugs == []
        award = BadgeAward.objects.get(badge__slug="vetted", provider=provider)
        assert award.revoke_reason == "The badge's rule no longer holds."


def test_manual_badges_scoped_to_a_category(tenant_a, provider_with_listings):
    provider, router, moving = provider_with_listings
    admin = tenant_a.client("admin")
    with tenant_a.context():
        internet = Category.objects.get(slug="internet-wlan").pk

    created = admin.post(
        "/api/badges/",
        {
            "slug": "wlan-certified",
            "names": {"en": "WLAN certified", "de": "WLAN-zertifiziert"},
            "colour": "#0f766e",
            "icon": "medal",
            "categories": [internet],
        },
        format="json",
    )
    awarded = admin.post(
        f"/api/badges/{created.json()['id']}/award/", {"provider": provider.pk}, format="json"
    )

    assert created.status_code == 201
    assert awarded.status_code == 201
    with tenant_a.context():
        assert Listing.objects.get(pk=router.pk).badge_slugs == ["wlan-certified"]
        assert Listing.objects.get(pk=moving.pk).badge_slugs == []
    badge_search = (
        tenant_a.client()
        .get("/api/listings/search/", {"postal_code": "8004", "badge": "wlan-certified"})
        .json()["results"]
    )
    assert [r["id"] for r in badge_search] == [router.pk]

    revoked = admin.post(
        f"/api/badge-awards/{awarded.json()['id']}/revoke/",
        {"reason": "Certificate withdrawn"},
        format="json",
    )
    assert revoked.json()["revoke_reason"] == "Certificate withdrawn"
    with tenant_a.context():
        assert Listing.objects.get(pk=router.pk).badge_slugs == []
        actions = list(
            AuditEntry.objects.filter(action__startswith="badge.")
            .order_by("id")
            .values_list("action", "reason")
        )
    assert actions == [
        ("badge.define", ""),
        ("badge.award", ""),
        ("badge.revoke", "Certificate withdrawn"),
    ]


def test_top_rated_follows_the_provider_rating(tenant_a, provider_with_listings):
    provider, router, _ = provider_with_listings
    with tenant_a.context():
        from quartier.trust.services.badges import badge_create

        badge_create(
            slug="top-rated",
            names={"en": "Top rated"},
            actor=None,
            rule=Badge.Rule.TOP_RATED,
            threshold=480,
            min_reviews=10,
        )
        ProviderProfile.objects.filter(pk=provider.pk).update(rating_score=485, rating_count=9)
        badges_recompute(provider=provider)
        assert "top-rated" not in ProviderProfile.objects.get(pk=provider.pk).badge_slugs
        ProviderProfile.objects.filter(pk=provider.pk).update(rating_count=10)
        badges_recompute(provider=provider)
        assert "top-rated" in ProviderProfile.objects.get(pk=provider.pk).badge_slugs


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"slug": "x", "names": {}}, "names"),
        ({"slug": "x", "names": {"xx": "Bad"}}, "names"),
        ({"slug": "x", "names": {"en": "X"}, "colour": "red; } body{display:none"}, "colour"),
        ({"slug": "x", "names": {"en": "X"}, "rule": "top_rated"}, "threshold"),
        ({"slug": "vetted", "names": {"en": "X"}}, "slug"),
        ({"slug": "bad slug", "names": {"en": "X"}}, "slug"),
    ],
)
def test_bad_badge_definitions_are_400(tenant_a, payload, field):
    response = tenant_a.client("admin").post("/api/badges/", payload, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    with tenant_a.context():
        assert Badge.objects.count() == 1  # the default "vetted" badge only


def test_expiring_badges_warn_first_then_expire(
    tenant_a, provider_with_listings, django_capture_on_commit_callbacks
):
    provider, _, _ = provider_with_listings
    with tenant_a.context():
        from quartier.trust.services.badges import badge_award, badge_create

        badge = badge_create(slug="first-aid", names={"en": "First aid"}, actor=None)
        award = badge_award(
            badge=badge,
            provider=provider,
            actor=None,
            valid_until=timezone.now() + timedelta(days=10),
        )
        # the warning goes to the outbox with its mark, and is mailed after commit
        with django_capture_on_commit_callbacks(execute=True):
            assert badges_warn_expiring() == 1
        assert badges_warn_expiring() == 0
        assert "first aid" in mail.outbox[-1].body.lower()
        assert mail.outbox[-1].to == ["provider@telco.test"]
        assert badges_expire_due() == 0
        assert badges_expire_due(now=award.valid_until + timedelta(seconds=1)) == 1
        assert "first-aid" not in ProviderProfile.objects.get(pk=provider.pk).badge_slugs


def test_the_audit_trail_is_append_only_in_the_database(tenant_a):
    with tenant_a.context():
        from quartier.marketplace.services import audit_record

        provider = make_provider()
        audit_record(actor=None, action="test.entry", subject=provider, reason="kept")
        entry = AuditEntry.objects.get(action="test.entry")
        for statement in (
            "UPDATE marketplace_auditentry SET reason = 'changed'",
            "DELETE FROM marketplace_auditentry",
        ):
            with (
                pytest.raises((InternalError, ProgrammingError), match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
        assert AuditEntry.objects.get(pk=entry.pk).reason == "kept"


def test_admins_read_the_audit_trail(tenant_a, provider_with_listings):
    provider, _, _ = provider_with_listings
    tenant_a.client("admin").post(
        f"/api/providers/{provider.pk}/suspend/", {"reason": "Spam"}, format="json"
    )

    entries = tenant_a.client("admin").get("/api/audit/?action=provider.suspend").json()

    assert [(e["action"], e["reason"], e["actor"]) for e in entries["results"]] == [
        ("provider.suspend", "Spam", "Telco Friends admin")
    ]
    assert tenant_a.client("provider").get("/api/audit/").status_code == 403


def test_the_audit_trail_finds_provider_entries_written_before_the_move(
    tenant_a, provider_with_listings
):
    # given: an entry written when the provider was catalog's (the trail keeps its label)
    provider, _, _ = provider_with_listings
    with tenant_a.context():
        AuditEntry.objects.create(
            action="provider.suspend",
            subject_type="catalog.providerprofile",
            subject_id=provider.pk,
            reason="Before the move",
        )
    tenant_a.client("admin").post(
        f"/api/providers/{provider.pk}/unsuspend/", {"reason": "Cleared"}, format="json"
    )

    # when / then: either label finds both entries; the new one is written with the new label
    for label in ("providers.providerprofile", "catalog.providerprofile"):
        entries = tenant_a.client("admin").get(f"/api/audit/?subject_type={label}").json()
        assert [(e["action"], e["subject_type"], e["reason"]) for e in entries["results"]] == [
            ("provider.unsuspend", "providers.providerprofile", "Cleared"),
            ("provider.suspend", "catalog.providerprofile", "Before the move"),
        ]
    other = tenant_a.client("admin").get("/api/audit/?subject_type=trust.badge").json()
    assert other["results"] == []
