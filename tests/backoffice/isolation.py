"""Back office pages in the isolation matrix (see tests/tenancy/matrix.py).

List pages answer 200 on B's host with B's own data (never A's marker); pages and
forms that take an id of A's answer 404 on B's host and leave A unchanged.
"""

import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from quartier.accounts.models import User
from quartier.accounts.services import signin_failure_record, user_create
from quartier.billing.models import Payment
from quartier.bookings.models import Booking, Dispute, DisputeNote, Review
from quartier.bookings.services.disputes import dispute_report
from quartier.bookings.services.reviews import review_write
from quartier.catalog.models import Category, Listing
from quartier.catalog.services.categories import category_create
from quartier.catalog.services.listings import listing_hide
from quartier.trust.models import Badge, Choice, Question, Requirement
from quartier.trust.services.vetting import quiz_question_save, requirement_create
from tests.bookings.factories import bookable_listing, completed_booking
from tests.catalog.factories import make_listing, tenant_provider
from tests.conftest import PASSWORD
from tests.tenancy.matrix import AGAIN, MARKER, Endpoint
from tests.trust.factories import (
    award,
    make_badge,
    submitted_application,
    trust_state,
    vetting_rule,
)


def _own_profile(handle):
    return tenant_provider(handle, display_name=MARKER)


def _rule(handle):
    requirement = vetting_rule(admin=handle.users["admin"], title=MARKER)
    return {"pk": requirement.pk, "marker": MARKER}


def _quiz_rule(handle):
    """A quiz step with one question, its titles and question carrying the marker."""
    requirement = requirement_create(
        actor=handle.users["admin"], kind="quiz", titles={"en": MARKER}
    )
    question = quiz_question_save(
        actor=handle.users["admin"],
        quiz=requirement.quiz,
        text=MARKER,
        choices=["yes", "no"],
        correct=0,
    )
    return {"pk": requirement.pk, "question": question.pk, "marker": MARKER}


def _quiz_state(handle):
    with handle.context():
        return (
            trust_state(),
            list(Question.objects.values_list("pk", "text")),
            list(Choice.objects.values_list("pk", "text", "is_correct")),
        )


def _submitted(handle):
    params = _rule(handle)
    application, _document = submitted_application(
        provider=_own_profile(handle), requirement=Requirement.objects.get(pk=params["pk"])
    )
    return {**params, "application": application.pk}


def _badge(handle):
    badge = make_badge(admin=handle.users["admin"], name=MARKER)
    return {"pk": badge.pk, "provider": _own_profile(handle).pk, "marker": MARKER}


def _award(handle):
    params = _badge(handle)
    awarded = award(badge=Badge.objects.get(pk=params["pk"]), provider=_own_profile(handle))
    return {**params, "award": awarded.pk}


def _trust_state(handle):
    with handle.context():
        return trust_state()


def _category(handle):
    category = category_create(slug="marker-category", names={"en": MARKER})
    return {"pk": category.pk, "marker": MARKER}


def _category_state(handle):
    with handle.context():
        return list(
            Category.objects.order_by("pk").values_list(
                "pk", "slug", "names", "position", "is_active"
            )
        )


def _listing(handle):
    listing = make_listing(provider=_own_profile(handle), title=MARKER)
    return {"pk": listing.pk, "marker": MARKER}


def _listing_state(handle):
    with handle.context():
        return list(Listing.objects.order_by("pk").values_list("pk", "status", "hidden_reason"))


def _user(handle):
    user = user_create(
        email="marker-user@telco.test",
        password=PASSWORD,
        full_name=MARKER,
        role=User.Role.CUSTOMER,
    )
    return {"pk": user.pk, "marker": MARKER}


def _user_state(handle):
    with handle.context():
        return list(User.objects.order_by("pk").values_list("pk", "is_active"))


def _inactive_user(handle):
    params = _user(handle)
    User.objects.filter(pk=params["pk"]).update(is_active=False)
    return params


def _hidden(handle):
    params = _listing(handle)
    listing_hide(listing=Listing.objects.get(pk=params["pk"]), reason=MARKER)
    return params


def _review(handle):
    booking = completed_booking(
        listing=bookable_listing(provider=_own_profile(handle)), customer=handle.users["customer"]
    )
    review = review_write(booking=booking, author=handle.users["customer"], rating=1, text=MARKER)
    return {"pk": review.pk, "marker": MARKER}


def _review_state(handle):
    with handle.context():
        return list(Review.objects.order_by("pk").values_list("pk", "is_hidden", "hidden_reason"))


_numbers = itertools.count(1)


def _another_category(handle, params):
    category_create(slug=f"marker-category-{next(_numbers)}", names={"en": MARKER})


def _another_user(handle, params):
    user_create(
        email=f"marker-user-{next(_numbers)}@telco.test",
        password=PASSWORD,
        full_name=MARKER,
        role=User.Role.CUSTOMER,
    )


def _signin_failure(handle):
    signin_failure_record(
        email=f"{MARKER}@telco.test", address="192.0.2.1", reason="wrong_password", channel="page"
    )
    return {"marker": MARKER}


def _paid(handle):
    """A card payment of A, captured (the Stripe test servers run for these routes)."""
    from tests.billing.factories import add_card, captured_payment, go_online

    go_online()
    add_card(handle.users["customer"])
    listing = bookable_listing(provider=_own_profile(handle), title=MARKER)
    payment = captured_payment(listing=listing, customer=handle.users["customer"])
    return {"pk": payment.pk, "marker": MARKER}


def _offline_paid(handle):
    """A job of A paid on site: a payment row without Stripe."""
    from tests.billing.factories import complete, confirmed

    listing = bookable_listing(provider=_own_profile(handle), title=MARKER)
    booking = complete(confirmed(listing=listing, customer=handle.users["customer"]))
    return {"pk": Payment.objects.get(booking=booking).pk, "marker": MARKER}


def _another_offline_payment(handle, params):
    from tests.billing.factories import complete, confirmed
    from tests.bookings.factories import next_local

    days = next(_numbers) + 2
    listing = bookable_listing(provider=_own_profile(handle), title=MARKER)
    booking = confirmed(
        listing=listing,
        customer=handle.users["customer"],
        starts_at=next_local(10, days_ahead=days),
    )
    complete(booking, hours_ago=24 * days)


def _payment_state(handle):
    with handle.context():
        return list(Payment.objects.order_by("pk").values_list("pk", "status", "refunded_minor"))


def _dispute(handle):
    from tests.bookings.factories import confirmed_booking, next_local

    booking = confirmed_booking(
        listing=bookable_listing(provider=_own_profile(handle), title=MARKER),
        customer=handle.users["customer"],
        starts_at=next_local(10, days_ahead=next(_numbers) + 2),
    )
    dispute = dispute_report(
        booking=booking, customer=handle.users["customer"], category="other", description=MARKER
    )
    return {"pk": dispute.pk, "marker": MARKER}


def _dispute_state(handle):
    with handle.context():
        return [
            list(Dispute.objects.order_by("pk").values_list("pk", "status", "resolution")),
            DisputeNote.objects.count(),
            Booking.objects.count(),
        ]


def _escalated(handle):
    """An urgent request (noted with the marker) that reached the support queue."""
    from datetime import timedelta

    from django.utils import timezone

    from quartier.bookings.services.dispatch import broadcasts_escalate_due
    from tests.bookings.isolation import _broadcast

    params = _broadcast(handle)
    broadcasts_escalate_due(now=timezone.now() + timedelta(hours=2))
    return params


def _dispatch_policies(handle):
    from quartier.bookings.models import DispatchPolicy

    with handle.context():
        return sorted(
            DispatchPolicy.objects.values_list(
                "category_id", "ring2_after_minutes", "support_after_minutes"
            ),
            key=str,
        )


def _notification_defaults(handle):
    from quartier.notifications.models import NotificationDefault

    with handle.context():
        return sorted(NotificationDefault.objects.values_list("kind", "channel", "is_enabled"))


def _a_default(handle):
    from quartier.notifications.services import notification_defaults_set

    notification_defaults_set(enabled={("broadcast_invite", "sms")})
    return {}


def _invitation(handle):
    from quartier.marketplace.eligibility import invitation_create
    from quartier.marketplace.models import AllowedEmail

    AllowedEmail.objects.get_or_create(role="book", email="listed@telco.test")
    invitation = invitation_create(role="book", actor=handle.users["admin"], label=MARKER)
    return {"pk": invitation.pk, "marker": MARKER}


def _eligibility_state(handle):
    from quartier.marketplace.models import AllowedEmail, EligibilityRule, InvitationCode

    with handle.context():
        return (
            list(EligibilityRule.objects.order_by("role").values_list("role", "kind", "domains")),
            list(InvitationCode.objects.order_by("pk").values_list("pk", "code", "revoked_at")),
            sorted(AllowedEmail.objects.values_list("role", "email")),
        )


def _mfa_required(handle):
    from quartier.marketplace.models import MarketplaceSettings

    with handle.context():
        return MarketplaceSettings.objects.get().admins_require_mfa


def _page(route, make=None, **fields):
    return Endpoint(route, actor="admin", is_api=False, make=make, cross=200, **fields)


def _action(route, *, make, state, path="", body=None):
    """A back-office button: its own POST URL, 404 with A's id on B's host."""
    return Endpoint(
        route,
        method="post",
        actor="admin",
        is_api=False,
        path=path or "/" + route.replace("<int:pk>", "{pk}"),
        make=make,
        body=body,
        ok=302,
        state=state,
    )


ENDPOINTS = [
    _page("back-office/"),
    _page("back-office/categories/", make=_category, grow=_another_category),
    Endpoint(
        "back-office/categories/<int:pk>/",
        actor="admin",
        path="/back-office/categories/{pk}/",
        is_api=False,
        make=_category,
    ),
    Endpoint(
        "back-office/categories/<int:pk>/",
        method="post",
        actor="admin",
        label="rename",
        path="/back-office/categories/{pk}/",
        is_api=False,
        make=_category,
        body=lambda params: {
            "slug": "renamed",
            "name_en": "Renamed",
            "position": "3",
            "is_active": "on",
        },
        ok=302,
        state=_category_state,
    ),
    _page("back-office/vetting/", make=_rule, grow=AGAIN),
    Endpoint(
        "back-office/vetting/",
        method="post",
        actor="admin",
        label="add-step",
        is_api=False,
        body=lambda params: {"kind": "interview", "title_en": "Talk"},
        ok=302,
        cross=302,
        state=_trust_state,
    ),
    _action("back-office/vetting/steps/<int:pk>/toggle/", make=_rule, state=_trust_state),
    Endpoint(
        "back-office/vetting/steps/<int:pk>/",
        actor="admin",
        path="/back-office/vetting/steps/{pk}/",
        is_api=False,
        make=_quiz_rule,
    ),
    _action(
        "back-office/vetting/steps/<int:pk>/",
        make=_quiz_rule,
        state=_quiz_state,
        body=lambda params: {
            "title_en": "Overwritten",
            "position": "1",
            "pass_mark_percent": "50",
            "max_attempts": "2",
        },
    ),
    Endpoint(
        "back-office/vetting/steps/<int:pk>/questions/new/",
        actor="admin",
        path="/back-office/vetting/steps/{pk}/questions/new/",
        is_api=False,
        make=_quiz_rule,
    ),
    _action(
        "back-office/vetting/steps/<int:pk>/questions/new/",
        make=_quiz_rule,
        state=_quiz_state,
        body=lambda params: {"text": "Added", "choice_1": "a", "choice_2": "b", "correct": "0"},
    ),
    Endpoint(
        "back-office/vetting/steps/<int:pk>/questions/<int:question_id>/",
        actor="admin",
        path="/back-office/vetting/steps/{pk}/questions/{question}/",
        is_api=False,
        make=_quiz_rule,
    ),
    _action(
        "back-office/vetting/steps/<int:pk>/questions/<int:question_id>/",
        path="/back-office/vetting/steps/{pk}/questions/{question}/",
        make=_quiz_rule,
        state=_quiz_state,
        body=lambda params: {"text": "Changed", "choice_1": "a", "choice_2": "b", "correct": "1"},
    ),
    _action(
        "back-office/vetting/steps/<int:pk>/questions/<int:question_id>/delete/",
        path="/back-office/vetting/steps/{pk}/questions/{question}/delete/",
        make=_quiz_rule,
        state=_quiz_state,
    ),
    Endpoint(
        "back-office/vetting/applications/<int:pk>/",
        actor="admin",
        path="/back-office/vetting/applications/{application}/",
        is_api=False,
        make=_submitted,
    ),
    _action(
        "back-office/vetting/applications/<int:pk>/decide/",
        path="/back-office/vetting/applications/{application}/decide/",
        make=_submitted,
        body=lambda params: {"decision-decision": "reject", "decision-reason": "Not this time"},
        state=_trust_state,
    ),
    _action(
        "back-office/vetting/applications/<int:pk>/steps/<int:requirement_pk>/review/",
        path="/back-office/vetting/applications/{application}/steps/{pk}/review/",
        make=_submitted,
        body=lambda params: {f"step-{params['pk']}-decision": "approve"},
        state=_trust_state,
    ),
    _page("back-office/badges/", make=_badge, grow=AGAIN),
    Endpoint(
        "back-office/badges/",
        method="post",
        actor="admin",
        label="create",
        is_api=False,
        body=lambda params: {
            "badge-slug": "fresh",
            "badge-name_en": "Fresh",
            "badge-icon": "star",
            "badge-rule": "manual",
        },
        ok=302,
        cross=302,
        state=_trust_state,
    ),
    _action(
        "back-office/badges/<int:pk>/award/",
        make=_badge,
        body=lambda params: {f"award-{params['pk']}-provider": params["provider"]},
        state=_trust_state,
    ),
    _action(
        "back-office/awards/<int:pk>/revoke/",
        path="/back-office/awards/{award}/revoke/",
        make=_award,
        body=lambda params: {f"revoke-{params['award']}-reason": "Left the programme"},
        state=_trust_state,
    ),
    _page("back-office/moderation/", make=_listing, grow=AGAIN),
    _action(
        "back-office/moderation/listings/<int:pk>/hide/",
        make=_listing,
        body=lambda params: {f"listing-{params['pk']}-reason": "Misleading price"},
        state=_listing_state,
    ),
    _action("back-office/moderation/listings/<int:pk>/unhide/", make=_hidden, state=_listing_state),
    _action(
        "back-office/moderation/reviews/<int:pk>/hide/",
        make=_review,
        body=lambda params: {f"review-{params['pk']}-reason": "Insults"},
        state=_review_state,
    ),
    _page("back-office/payouts/"),
    _page("back-office/users/", make=_user, grow=_another_user),
    _action("back-office/users/<int:pk>/deactivate/", make=_user, state=_user_state),
    _action("back-office/users/<int:pk>/activate/", make=_inactive_user, state=_user_state),
    _page("back-office/payments/", make=_offline_paid, grow=_another_offline_payment),
    Endpoint(
        "back-office/payments/<int:pk>/",
        actor="admin",
        path="/back-office/payments/{pk}/",
        is_api=False,
        make=_offline_paid,
    ),
    _action(
        "back-office/payments/<int:pk>/refund/",
        make=_paid,
        body=lambda params: {
            "refund-amount": "5",
            "refund-reason": "Sorry",
            "refund-token": "isolation-token-0123456789",
        },
        state=_payment_state,
    ),
    _page("back-office/disputes/", make=_dispute, grow=AGAIN),
    Endpoint(
        "back-office/disputes/<int:pk>/",
        actor="admin",
        path="/back-office/disputes/{pk}/",
        is_api=False,
        make=_dispute,
    ),
    _action(
        "back-office/disputes/<int:pk>/notes/",
        make=_dispute,
        body=lambda params: {"note-body": "Called the helper"},
        state=_dispute_state,
    ),
    _action(
        "back-office/disputes/<int:pk>/resolve/",
        make=_dispute,
        body=lambda params: {"resolve-resolution": "Settled"},
        state=_dispute_state,
    ),
    _page("back-office/analytics/"),
    _page("back-office/dispatch/", make=_escalated, grow=AGAIN),
    Endpoint(
        "back-office/dispatch/policy/",
        method="post",
        actor="admin",
        is_api=False,
        body=lambda params: {
            "category": "",
            "ring2_after_minutes": "7",
            "ring2_radius_km": "30",
            "support_after_minutes": "25",
        },
        ok=302,
        cross=302,  # B sets its own default; A's policies stay
        state=_dispatch_policies,
    ),
    _page("back-office/sign-in-failures/", make=_signin_failure, grow=AGAIN),
    _page("back-office/notifications/", make=_a_default),
    _page("back-office/security/"),
    Endpoint(
        "back-office/security/",
        method="post",
        actor="admin",
        is_api=False,
        body=lambda params: {},
        ok=302,
        cross=302,  # B turns its own requirement off; A's is its own
        state=_mfa_required,
        label="save",
    ),
    Endpoint(
        "back-office/notifications/",
        method="post",
        actor="admin",
        is_api=False,
        make=_a_default,
        body=lambda params: {"enabled": ["booking_requested:sms"]},
        ok=302,
        cross=302,  # B sets its own defaults; A's stay
        state=_notification_defaults,
        label="save",
    ),
    # Eligibility (issue 18): the rule, invitation codes and the allow-list.
    _page("back-office/eligibility/", make=_invitation, grow=AGAIN),
    Endpoint(
        "back-office/eligibility/rules/<str:role>/",
        method="post",
        actor="admin",
        is_api=False,
        path="/back-office/eligibility/rules/book/",
        make=_invitation,
        body=lambda params: {"book-kind": "domains", "book-domains": "example.org"},
        ok=302,
        cross=302,  # B sets its own rule; A's stays
        state=_eligibility_state,
    ),
    Endpoint(
        "back-office/eligibility/codes/",
        method="post",
        actor="admin",
        is_api=False,
        make=_invitation,
        body=lambda params: {"code-role": "book", "code-label": "new"},
        ok=302,
        cross=302,  # B creates its own code; A's list stays
        state=_eligibility_state,
    ),
    Endpoint(
        "back-office/eligibility/codes/<int:pk>/revoke/",
        method="post",
        actor="admin",
        is_api=False,
        path="/back-office/eligibility/codes/{pk}/revoke/",
        make=_invitation,
        ok=302,
        state=_eligibility_state,
    ),
    Endpoint(
        "back-office/eligibility/allow-list/",
        method="post",
        actor="admin",
        is_api=False,
        make=_invitation,
        body=lambda params: {
            "list-role": "book",
            "list-file": SimpleUploadedFile("list.csv", b"email\nb@example.org\n", "text/csv"),
        },
        ok=302,
        cross=302,  # B replaces its own list; A's stays
        state=_eligibility_state,
    ),
]
