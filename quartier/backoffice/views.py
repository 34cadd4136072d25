"""Back office pages for the tenant's admins: thin views over other apps' services.

Every page is for tenant admins only: anonymous visitors are sent to the login page,
signed-in customers and providers get 403. Forms show a service's refusal next to the
field it names (status 400), never a 500.
"""

import secrets
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from quartier.accounts.mfa import admin_mfa_missing, admin_mfa_redirect
from quartier.accounts.models import User
from quartier.accounts.selectors import signin_failure_list
from quartier.accounts.services import user_set_active
from quartier.backoffice import forms as f
from quartier.backoffice import selectors
from quartier.billing import selectors as billing_selectors
from quartier.billing import views as billing_views
from quartier.billing.models import Payment, PaymentMode
from quartier.billing.services.payments import payment_refund
from quartier.billing.services.settings import payout_settings_get, payout_settings_update
from quartier.bookings import selectors as booking_selectors
from quartier.bookings.models import Dispute
from quartier.bookings.selectors import review_get
from quartier.bookings.services.disputes import dispute_note_add, dispute_resolve
from quartier.bookings.services.reviews import review_hide
from quartier.bookings.speed import dispatch_speed
from quartier.catalog.selectors.catalog import (
    category_get,
    category_list,
    listing_get_for_moderation,
)
from quartier.catalog.services.categories import category_create, category_update
from quartier.catalog.services.listings import listing_hide, listing_unhide
from quartier.marketplace import errors as marketplace_errors
from quartier.marketplace import idempotency
from quartier.marketplace.selectors import localized
from quartier.platform.charts import Point, bar_chart, line_chart
from quartier.platform.errors import ApplicationError, PermissionDenied
from quartier.platform.formatting import money_format
from quartier.platform.forms import form_apply
from quartier.platform.money import Money
from quartier.trust import selectors as trust_selectors
from quartier.trust.documents import document_link
from quartier.trust.models import Application, Document, Requirement
from quartier.trust.services.badges import badge_award, badge_create, badge_revoke
from quartier.trust.services.vetting import (
    application_decide,
    application_states,
    requirement_create,
    requirement_update,
    step_review,
)


def admin_page(view):
    """Tenant admins only; the answer is never cached (it shows private data)."""

    @never_cache
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not getattr(request.user, "is_tenant_admin", False):
            raise PermissionDenied(_("Only the marketplace's administrators may open this page."))
        if admin_mfa_missing(request):
            return admin_mfa_redirect(request)
        return view(request, *args, **kwargs)

    return wrapped


def _page(request, template: str, context: dict, *, has_errors: bool = False):
    return render(request, template, context, status=400 if has_errors else 200)


def _submit(request, form, act, *, done, to: str, page):
    """One form action: validate, call one service, then redirect to `to` with the
    message `done` (a string, or a function giving it); or show `page(form)` again
    (400) with the errors beside the fields."""
    if form_apply(form, act) == 200:
        messages.success(request, done() if callable(done) else done)
        return redirect(to)
    return page(form)


def _press(request, act, *, done, to: str):
    """One button without fields: the service's refusal becomes a message on `to`.

    `done` is the success message, or a function of the service's result giving it.
    """
    try:
        result = act()
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done(result) if callable(done) else done)
    return redirect(to)


def _row_form_action(*, get, form_class, prefix: str, act, done, to: str, page):
    """The view of one form on a row of a list page (award a badge, hide a listing...),
    at its own POST URL: `get(pk)` is the row (404 if unknown), `act(request, row,
    data)` the one service call; `page(request, form)` shows the list with the form's
    errors when it fails."""

    @admin_page
    @require_POST
    def view(request, pk: int):
        row = get(pk)
        form = form_class(request.POST, prefix=f"{prefix}-{row.pk}")
        return _submit(
            request,
            form,
            lambda data: act(request, row, data),
            done=done,
            to=to,
            page=lambda form: page(request, form),
        )

    return view


@admin_page
def index(request):
    return render(request, "backoffice/index.html", {})


def _categories_page(request, form):
    return _page(
        request,
        "backoffice/categories.html",
        {"categories": category_list(include_inactive=True).select_related("parent"), "form": form},
        has_errors=bool(form.errors),
    )


@admin_page
def categories(request):
    """The category tree; a POST adds a category."""
    if request.method != "POST":
        return _categories_page(request, f.CategoryForm())
    form = f.CategoryForm(request.POST)
    created = []
    return _submit(
        request,
        form,
        lambda data: created.append(category_create(**form.values())),
        done=lambda: _("Category “%(slug)s” created.") % {"slug": created[0].slug},
        to="backoffice:categories",
        page=lambda form: _categories_page(request, form),
    )


@admin_page
def category_edit(request, pk: int):
    category = category_get(category_id=pk)

    def page(form):
        return _page(
            request,
            "backoffice/category_edit.html",
            {"category": category, "form": form},
            has_errors=bool(form.errors),
        )

    if request.method != "POST":
        return page(f.CategoryForm(category=category))
    form = f.CategoryForm(request.POST, category=category)
    return _submit(
        request,
        form,
        lambda data: category_update(category=category, **form.values()),
        done=_("Category saved."),
        to="backoffice:categories",
        page=page,
    )


def _vetting_page(request, form):
    status = request.GET.get("status", Application.Status.SUBMITTED)
    if status not in Application.Status.values:
        status = ""
    return _page(
        request,
        "backoffice/vetting.html",
        {
            "requirements": trust_selectors.requirements(include_inactive=True).annotate(
                question_count=Count("quiz__questions")
            ),
            "form": form,
            "applications": selectors.applications_by_status(status or None)[:200],
            "status": status,
            "statuses": Application.Status.choices,
        },
        has_errors=bool(form.errors),
    )


@admin_page
def vetting(request):
    """The vetting steps and the queue; a POST adds a step."""
    if request.method != "POST":
        return _vetting_page(request, f.RequirementForm())
    form = f.RequirementForm(request.POST)
    return _submit(
        request,
        form,
        lambda data: requirement_create(
            actor=request.user,
            kind=data["kind"],
            titles=form.cleaned_names(),
            validity_days=data["validity_days"],
            threshold=data["threshold"],
        ),
        done=_("Vetting step added."),
        to="backoffice:vetting",
        page=lambda form: _vetting_page(request, form),
    )


@admin_page
@require_POST
def requirement_toggle(request, pk: int):
    requirement = trust_selectors.requirement_get(requirement_id=pk)
    return _press(
        request,
        lambda: requirement_update(
            actor=request.user, requirement=requirement, is_active=not requirement.is_active
        ),
        done=lambda updated: (
            _("Vetting step turned on.") if updated.is_active else _("Vetting step turned off.")
        ),
        # back to the step's own page when the button was there
        to=reverse("backoffice:step", args=[pk])
        if request.POST.get("return_to") == "step"
        else "backoffice:vetting",
    )


def _application_page(request, application, *, decision_form=None, step_form=None):
    """The application with its steps; a submitted form is shown with its errors."""
    decision_form = decision_form or f.DecisionForm(prefix="decision")
    documents: dict[int, list] = {}
    for document in Document.objects.filter(step__application=application).order_by("pk"):
        documents.setdefault(document.step_id, []).append((document, document_link(document)))
    states = [
        (
            state,
            _submitted_or(step_form, f.DecisionForm, f"step-{state.requirement.pk}"),
            documents.get(state.step.pk, []) if state.step else [],
        )
        for state in application_states(application)
    ]
    return _page(
        request,
        "backoffice/application.html",
        {
            "application": application,
            "states": states,
            "decision_form": decision_form,
            "reviewed_kinds": sorted(Requirement.REVIEWED_KINDS),
            "status_labels": {
                "missing": _("Missing"),
                "pending": _("Waiting for review"),
                "approved": _("Approved"),
                "rejected": _("Rejected"),
                "expired": _("Expired"),
            },
        },
        has_errors=bool(decision_form.errors) or bool(step_form and step_form.errors),
    )


def _submitted_or(submitted, form_class, prefix: str, **kwargs):
    """The submitted form where it belongs on a page of many forms, else a fresh one."""
    if submitted is not None and submitted.prefix == prefix:
        return submitted
    return form_class(prefix=prefix, **kwargs)


@admin_page
def application_detail(request, pk: int):
    return _application_page(request, trust_selectors.application_get(application_id=pk))


@admin_page
@require_POST
def application_decide_view(request, pk: int):
    application = trust_selectors.application_get(application_id=pk)
    form = f.DecisionForm(request.POST, prefix="decision")
    return _submit(
        request,
        form,
        lambda data: application_decide(
            admin=request.user,
            application=application,
            approve=form.approve,
            reason=data["reason"],
        ),
        done=_("Decision saved."),
        to=reverse("backoffice:application", args=[application.pk]),
        page=lambda form: _application_page(request, application, decision_form=form),
    )


@admin_page
@require_POST
def step_review_view(request, pk: int, requirement_pk: int):
    application = trust_selectors.application_get(application_id=pk)
    requirement = trust_selectors.requirement_get(requirement_id=requirement_pk)
    form = f.DecisionForm(request.POST, prefix=f"step-{requirement.pk}")
    return _submit(
        request,
        form,
        lambda data: step_review(
            admin=request.user,
            application=application,
            requirement=requirement,
            approve=form.approve,
            reason=data["reason"],
        ),
        done=_("Step reviewed."),
        to=reverse("backoffice:application", args=[application.pk]),
        page=lambda form: _application_page(request, application, step_form=form),
    )


def _badges_page(request, *, submitted=None):
    """Badges with their awards; a submitted form is shown again with its errors."""
    rows = []
    choices = f.provider_choices()
    for badge in trust_selectors.badges(include_inactive=True).prefetch_related("awards__provider"):
        live = [award for award in badge.awards.all() if award.revoked_at is None]
        rows.append(
            {
                "badge": badge,
                "award_form": _submitted_or(
                    submitted, f.AwardForm, f"award-{badge.pk}", provider_choices=choices
                ),
                "awards": [
                    (award, _submitted_or(submitted, f.ReasonForm, f"revoke-{award.pk}"))
                    for award in live
                ],
            }
        )
    return _page(
        request,
        "backoffice/badges.html",
        {"rows": rows, "create_form": _submitted_or(submitted, f.BadgeForm, "badge")},
        has_errors=bool(submitted and submitted.errors),
    )


@admin_page
def badges(request):
    """The badges; a POST creates one."""
    if request.method != "POST":
        return _badges_page(request)
    form = f.BadgeForm(request.POST, prefix="badge")
    return _submit(
        request,
        form,
        lambda data: badge_create(
            slug=data["slug"],
            names=form.cleaned_names(),
            actor=request.user,
            icon=data["icon"],
            rule=data["rule"],
            threshold=data["threshold"],
            min_reviews=data["min_reviews"],
            validity_days=data["validity_days"],
        ),
        done=_("Badge created."),
        to="backoffice:badges",
        page=lambda form: _badges_page(request, submitted=form),
    )


def _moderation_page(request, *, submitted=None):
    """Listings and reviews to moderate; a submitted reason form keeps its errors."""
    return _page(
        request,
        "backoffice/moderation.html",
        {
            "listings": [
                (listing, _submitted_or(submitted, f.ReasonForm, f"listing-{listing.pk}"))
                for listing in selectors.listings_for_moderation()
            ],
            "reviews": [
                (review, _submitted_or(submitted, f.ReasonForm, f"review-{review.pk}"))
                for review in selectors.reviews_for_moderation()
            ],
        },
        has_errors=bool(submitted and submitted.errors),
    )


@admin_page
def moderation(request):
    return _moderation_page(request)


badge_award_view = _row_form_action(
    get=lambda pk: trust_selectors.badge_get(badge_id=pk),
    form_class=f.AwardForm,
    prefix="award",
    act=lambda request, badge, data: badge_award(
        badge=badge, provider=data["provider"], actor=request.user, reason=data["reason"]
    ),
    done=gettext_lazy("Badge awarded."),
    to="backoffice:badges",
    page=lambda request, form: _badges_page(request, submitted=form),
)
badge_revoke_view = _row_form_action(
    get=lambda pk: trust_selectors.award_get(award_id=pk),
    form_class=f.ReasonForm,
    prefix="revoke",
    act=lambda request, award, data: badge_revoke(
        award=award, actor=request.user, reason=data["reason"]
    ),
    done=gettext_lazy("Badge revoked."),
    to="backoffice:badges",
    page=lambda request, form: _badges_page(request, submitted=form),
)
listing_hide_view = _row_form_action(
    get=lambda pk: listing_get_for_moderation(listing_id=pk),
    form_class=f.ReasonForm,
    prefix="listing",
    act=lambda request, listing, data: listing_hide(listing=listing, reason=data["reason"]),
    done=gettext_lazy("Listing hidden."),
    to="backoffice:moderation",
    page=lambda request, form: _moderation_page(request, submitted=form),
)
review_hide_view = _row_form_action(
    get=lambda pk: review_get(review_id=pk),
    form_class=f.ReasonForm,
    prefix="review",
    act=lambda request, review, data: review_hide(
        review=review, admin=request.user, reason=data["reason"]
    ),
    done=gettext_lazy("Review hidden."),
    to="backoffice:moderation",
    page=lambda request, form: _moderation_page(request, submitted=form),
)


@admin_page
@require_POST
def listing_unhide_view(request, pk: int):
    listing = listing_get_for_moderation(listing_id=pk)
    return _press(
        request,
        lambda: listing_unhide(listing=listing),
        done=lambda shown: (
            _("Listing shown again, as it was before: %(status)s.")
            % {"status": shown.get_status_display()}
        ),
        to="backoffice:moderation",
    )


@admin_page
def payouts(request):
    current = payout_settings_get()

    def page(form):
        return _page(
            request,
            "backoffice/payouts.html",
            {"form": form, "current": current},
            has_errors=bool(form.errors),
        )

    if request.method != "POST":
        return page(f.PayoutSettingsForm(initial=f.PayoutSettingsForm.initial_from(current)))
    form = f.PayoutSettingsForm(request.POST)
    return _submit(
        request,
        form,
        lambda data: form.save_through(payout_settings_update, actor=request.user),
        done=_("Payout settings saved."),
        to="backoffice:payouts",
        page=page,
    )


def _users_page(request, *, has_errors: bool = False):
    return _page(
        request,
        "backoffice/users.html",
        {"users": selectors.users_for_back_office(), "roles": User.Role},
        has_errors=has_errors,
    )


@admin_page
def users(request):
    return _users_page(request)


def _user_set_active(request, pk: int, *, is_active: bool):
    user = selectors.user_get_for_back_office(user_id=pk)
    try:
        user_set_active(actor=request.user, user=user, is_active=is_active)
    except ApplicationError as error:
        # Shown on the page itself (400), not after a redirect: nothing changed.
        messages.error(request, error.message)
        return _users_page(request, has_errors=True)
    messages.success(
        request,
        _("%(email)s can sign in again.") % {"email": user.email}
        if is_active
        else _("%(email)s is deactivated.") % {"email": user.email},
    )
    return redirect("backoffice:users")


@admin_page
@require_POST
def user_activate(request, pk: int):
    return _user_set_active(request, pk, is_active=True)


@admin_page
@require_POST
def user_deactivate(request, pk: int):
    return _user_set_active(request, pk, is_active=False)


SIGNIN_FAILURES_PER_PAGE = 50


@admin_page
def security(request):
    """The tenant's two-step sign-in requirement for its administrators."""
    from quartier.accounts.mfa import admin_mfa_requirement_set
    from quartier.marketplace.selectors import marketplace_settings

    initial = {"admins_require_mfa": marketplace_settings().admins_require_mfa}
    # An unticked box sends nothing: a POST is still a bound form.
    form = f.AdminMfaForm(request.POST if request.method == "POST" else None, initial=initial)

    def page(form):
        return _page(request, "backoffice/security.html", {"form": form}, has_errors=True)

    if request.method == "POST":
        return _submit(
            request,
            form,
            lambda data: admin_mfa_requirement_set(request, required=data["admins_require_mfa"]),
            done=_("The two-step sign-in setting is saved."),
            to=reverse("backoffice:security"),
            page=page,
        )
    return render(request, "backoffice/security.html", {"form": form})


@admin_page
def signin_failures(request):
    # get_page() falls back to the first or last page for any malformed or out-of-range
    # ?page=, so no query string reaches a 500.
    page = Paginator(signin_failure_list(), SIGNIN_FAILURES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "backoffice/signin_failures.html", {"page": page})


def _week_label(week) -> str:
    from django.utils.formats import date_format

    return date_format(week, "j M")


def _duration_text(delay) -> str:
    if delay is None:
        return ""
    minutes = round(delay.total_seconds() / 60)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(hours)d h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60}


@admin_page
def analytics(request):
    numbers = selectors.analytics()
    language = translation.get_language() or "en"
    bookings = [
        Point(label=_week_label(row.week), value=row.value) for row in numbers.bookings_per_week
    ]
    revenue = [
        Point(
            label=_week_label(row.week),
            value=row.value,
            display=str(Money(row.value, numbers.currency)),
        )
        for row in numbers.revenue_per_week
    ]
    top = [
        Point(
            label=localized(row.names, language) or row.slug,
            value=row.bookings,
        )
        for row in numbers.top_categories
    ]
    share = numbers.share_answered_within_hour
    speed = dispatch_speed()
    speed_points = [
        Point(
            label=_week_label(week),
            value=percent or 0,
            display=_("no requests") if percent is None else f"{percent} %",
        )
        for week, percent in speed.weekly_share
    ]
    return render(
        request,
        "backoffice/analytics.html",
        {
            "numbers": numbers,
            "bookings": bookings,
            "revenue": revenue,
            "top": top,
            "bookings_chart": bar_chart(
                chart_id="chart-bookings", title=_("Bookings per week"), points=bookings
            ),
            "revenue_chart": line_chart(
                chart_id="chart-revenue",
                title=_("Revenue per week (%(currency)s)") % {"currency": numbers.currency},
                points=revenue,
            ),
            "top_chart": bar_chart(
                chart_id="chart-categories", title=_("Top categories by bookings"), points=top
            ),
            "median_response": _duration_text(numbers.median_response),
            "share_percent": None if share is None else round(share * 100),
            "speed": speed,
            "speed_points": speed_points,
            "speed_chart": bar_chart(
                chart_id="chart-accepted-within-hour",
                title=_("Share of requests accepted within 60 minutes per week"),
                points=speed_points,
            ),
        },
    )


# Payments


PAYMENTS_PER_PAGE = 25
ENTRY_LABELS = {
    "authorisation": gettext_lazy("Card authorised"),
    "release": gettext_lazy("Authorisation released"),
    "capture": gettext_lazy("Card charged"),
    "commission": gettext_lazy("Commission"),
    "refund": gettext_lazy("Refund"),
    "payout": gettext_lazy("Payout"),
    "offline_payment": gettext_lazy("Paid on site"),
}
DISPUTES_PER_PAGE = 25
REFUND_FORM_PREFIX = "refund"


def _other_params(request) -> str:
    """The list's query string without its page number (for the page links)."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@admin_page
def payments(request):
    """Every payment of the marketplace, filtered and paginated (a GET form)."""
    form = f.PaymentFilterForm(
        request.GET or None, status_choices=billing_views.STATUS_LABELS.items()
    )
    filters = {}
    if form.is_bound:
        form.is_valid()  # a bad field is shown with its error; the others still filter
        filters = form.filters()
    page = Paginator(
        billing_selectors.payments_for_back_office(**filters), PAYMENTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return _page(
        request,
        "backoffice/payments.html",
        {
            "form": form,
            "page": page,
            "rows": [_payment_row(payment) for payment in page.object_list],
            "other_params": _other_params(request),
        },
        has_errors=bool(form.is_bound and form.errors),
    )


def _payment_row(payment: Payment) -> dict:
    return {
        "payment": payment,
        "status": billing_views.STATUS_LABELS.get(payment.status, payment.status),
        "total": payment.total,
        "captured": payment.money(payment.captured_minor),
        "refunded": payment.money(payment.refunded_minor),
    }


def _refundable(payment: Payment) -> Money:
    if payment.mode != PaymentMode.ONLINE or payment.status not in (
        Payment.Status.CAPTURED,
        Payment.Status.REFUNDED,
    ):
        return payment.money(0)
    return payment.money(payment.captured_minor - payment.refunded_minor)


def _new_refund_form(payment: Payment):
    # A fresh token per form shown (nothing stored: a GET never writes); a second submit
    # of this same form carries it again and is recognised as the same refund.
    return f.RefundForm(
        payment=payment,
        refundable=_refundable(payment),
        prefix=REFUND_FORM_PREFIX,
        initial={"token": secrets.token_urlsafe(24)},
    )


def _payment_page(request, payment: Payment, *, refund_form=None, status: int = 200):
    refundable = _refundable(payment)
    if refund_form is None and refundable:
        refund_form = _new_refund_form(payment)
    return render(
        request,
        "backoffice/payment_detail.html",
        {
            **_payment_row(payment),
            "booking": payment.booking,
            "commission": payment.money(payment.commission_minor),
            "authorised": payment.money(payment.authorised_minor),
            "refundable": refundable,
            "refund_form": refund_form,
            "price": payment.money(payment.price_minor),
            "fee": payment.money(payment.customer_fee_minor),
            "entries": [
                (
                    entry,
                    ENTRY_LABELS.get(entry.kind, entry.kind),
                    [(line, Money(line.amount_minor, line.currency)) for line in entry.lines.all()],
                )
                for entry in billing_selectors.payment_entries(payment)
            ],
            "disputes": booking_selectors.disputes_for_admin().filter(booking=payment.booking),
        },
        status=status,
    )


@admin_page
def payment_detail(request, pk: int):
    return _payment_page(request, billing_selectors.payment_get_for_admin(payment_id=pk))


@admin_page
@require_POST
def payment_refund_view(request, pk: int):
    """Refund part or all of a card payment, once per form shown.

    The form's token is held as an idempotency key for the length of the request (no
    transaction open while Stripe is called) and stored once the refund is recorded:
    the same form submitted twice, one after the other or at once, refunds once.
    """
    payment = billing_selectors.payment_get_for_admin(payment_id=pk)
    form = f.RefundForm(
        request.POST, payment=payment, refundable=_refundable(payment), prefix=REFUND_FORM_PREFIX
    )
    token = request.POST.get(f"{REFUND_FORM_PREFIX}-token", "")
    if not f.REFUND_TOKEN.fullmatch(token):
        form.is_valid()
        return _payment_page(request, payment, refund_form=form, status=400)
    key = f"back-office:refund:{payment.pk}:{token}"
    fingerprint = idempotency.request_fingerprint(method="POST", path=request.path, body=b"")
    detail = reverse("backoffice:payment", args=[payment.pk])
    try:
        with idempotency.idempotency_key_held(
            user=request.user, key=key, fingerprint=fingerprint
        ) as stored:
            if stored is not None:
                messages.info(request, _("This refund was already made."))
                return redirect(detail)
            status = form_apply(
                form,
                lambda data: payment_refund(
                    payment=payment,
                    amount=data["amount"],
                    actor=request.user,
                    reason=data["reason"],
                    key=data["token"],
                ),
            )
            if status == 200:
                with transaction.atomic():
                    idempotency.idempotency_key_record(
                        user=request.user,
                        key=key,
                        fingerprint=fingerprint,
                        answer=idempotency.StoredAnswer(status=302, body=""),
                    )
    except ApplicationError as error:
        if error.code != marketplace_errors.IDEMPOTENCY_IN_PROGRESS:
            raise
        messages.info(request, _("This refund is being made; the page shows it in a moment."))
        return redirect(detail)
    if status != 200:
        payment.refresh_from_db()
        return _payment_page(request, payment, refund_form=form, status=status)
    messages.success(
        request,
        _("%(amount)s refunded.") % {"amount": money_format(form.cleaned_data["amount"])},
    )
    return redirect(detail)


# Disputes

# Stripe's codes for a card dispute, as the admins read them.
CARD_REASONS = {
    "fraudulent": gettext_lazy("The cardholder says they did not pay"),
    "product_not_received": gettext_lazy("Service not received"),
    "product_unacceptable": gettext_lazy("Service not as described"),
    "duplicate": gettext_lazy("Charged twice"),
    "credit_not_processed": gettext_lazy("Refund not received"),
    "unrecognized": gettext_lazy("Charge not recognised"),
    "general": gettext_lazy("Other reason"),
}
CARD_STATUSES = {
    "warning_needs_response": gettext_lazy("Early warning: answer needed"),
    "warning_under_review": gettext_lazy("Early warning: under review"),
    "warning_closed": gettext_lazy("Early warning: closed"),
    "needs_response": gettext_lazy("Answer needed at Stripe"),
    "under_review": gettext_lazy("Under review by the bank"),
    "won": gettext_lazy("Won"),
    "lost": gettext_lazy("Lost"),
}


def _card_reason(dispute) -> str:
    return str(CARD_REASONS.get(dispute.stripe_reason, CARD_REASONS["general"]))


@admin_page
def disputes(request):
    status = request.GET.get("status", "")
    if status not in Dispute.Status.values:
        status = ""
    page = Paginator(
        booking_selectors.disputes_for_admin(status=status), DISPUTES_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/disputes.html",
        {
            "page": page,
            "rows": [
                (dispute, dispute.get_category_display() or _card_reason(dispute))
                for dispute in page.object_list
            ],
            "status": status,
            "statuses": Dispute.Status.choices,
            "other_params": _other_params(request),
        },
    )


def _dispute_page(request, dispute, *, note_form=None, resolve_form=None, status: int = 200):
    booking = dispute.booking
    payment = Payment.objects.filter(booking=booking).first()
    return render(
        request,
        "backoffice/dispute_detail.html",
        {
            "dispute": dispute,
            "card_reason": _card_reason(dispute) if dispute.stripe_dispute_id else "",
            "card_status": CARD_STATUSES.get(dispute.stripe_status, dispute.stripe_status),
            "booking": booking,
            "payment": payment,
            "payment_status": billing_views.STATUS_LABELS.get(payment.status, "")
            if payment
            else "",
            "amount": Money(dispute.amount_minor, dispute.currency)
            if dispute.amount_minor is not None and dispute.currency
            else None,
            "notes": booking_selectors.dispute_notes(dispute),
            "thread": booking_selectors.messages_of(booking),
            "note_form": note_form or f.NoteForm(prefix="note"),
            "resolve_form": resolve_form
            or (f.ResolveForm(prefix="resolve") if dispute.status == Dispute.Status.OPEN else None),
        },
        status=status,
    )


@admin_page
def dispute_detail(request, pk: int):
    return _dispute_page(request, booking_selectors.dispute_get_for_admin(dispute_id=pk))


@admin_page
@require_POST
def dispute_note_view(request, pk: int):
    dispute = booking_selectors.dispute_get_for_admin(dispute_id=pk)
    form = f.NoteForm(request.POST, prefix="note")
    return _submit(
        request,
        form,
        lambda data: dispute_note_add(dispute=dispute, author=request.user, body=data["body"]),
        done=_("Note added."),
        to=reverse("backoffice:dispute", args=[dispute.pk]),
        page=lambda form: _dispute_page(request, dispute, note_form=form, status=400),
    )


@admin_page
@require_POST
def dispute_resolve_view(request, pk: int):
    dispute = booking_selectors.dispute_get_for_admin(dispute_id=pk)
    form = f.ResolveForm(request.POST, prefix="resolve")
    return _submit(
        request,
        form,
        lambda data: dispute_resolve(
            dispute=dispute, admin=request.user, resolution=data["resolution"]
        ),
        done=_("Dispute resolved."),
        to=reverse("backoffice:dispute", args=[dispute.pk]),
        page=lambda form: _dispute_page(request, dispute, resolve_form=form, status=400),
    )
