"""Back office pages for the tenant's admins: thin views over other apps' services.

Every page is for tenant admins only: anonymous visitors are sent to the login page,
signed-in customers and providers get 403. Forms show a service's refusal next to the
field it names (status 400), never a 500.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from quartier.accounts.models import User
from quartier.accounts.selectors import signin_failure_list
from quartier.accounts.services import user_set_active
from quartier.backoffice import forms as f
from quartier.backoffice import selectors
from quartier.backoffice.charts import Point, bar_chart, line_chart
from quartier.billing.services.settings import payout_settings_get, payout_settings_update
from quartier.bookings.selectors import review_get
from quartier.bookings.services.reviews import review_hide
from quartier.catalog.selectors.catalog import (
    category_get,
    category_list,
    listing_get_for_moderation,
)
from quartier.catalog.services.categories import category_create, category_update
from quartier.catalog.services.listings import listing_hide, listing_unhide
from quartier.marketplace.selectors import localized
from quartier.platform.errors import ApplicationError, PermissionDenied
from quartier.platform.forms import add_application_error, form_apply
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
        return view(request, *args, **kwargs)

    return wrapped


def _page(request, template: str, context: dict, *, has_errors: bool = False):
    return render(request, template, context, status=400 if has_errors else 200)


class _ObjectIdForm(forms.Form):
    """The object a row's button acts on (a hidden field)."""

    object_id = forms.IntegerField(min_value=1)


def _object_id(request) -> int | None:
    form = _ObjectIdForm(request.POST)
    return form.cleaned_data["object_id"] if form.is_valid() else None


@admin_page
def index(request):
    return render(request, "backoffice/index.html", {})


@admin_page
def categories(request):
    form = f.CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = category_create(**form.values())
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Category “%(slug)s” created.") % {"slug": category.slug})
            return redirect("backoffice:categories")
    return _page(
        request,
        "backoffice/categories.html",
        {"categories": category_list(include_inactive=True).select_related("parent"), "form": form},
        has_errors=bool(form.errors),
    )


@admin_page
def category_edit(request, pk: int):
    category = category_get(category_id=pk)
    form = f.CategoryForm(request.POST or None, category=category)
    if request.method == "POST" and form.is_valid():
        try:
            category_update(category=category, **form.values())
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Category saved."))
            return redirect("backoffice:categories")
    return _page(
        request,
        "backoffice/category_edit.html",
        {"category": category, "form": form},
        has_errors=bool(form.errors),
    )


@admin_page
def vetting(request):
    action = request.POST.get("action", "create")
    if request.method == "POST" and action == "toggle":
        requirement = trust_selectors.requirement_get(requirement_id=_object_id(request) or 0)
        try:
            requirement_update(
                actor=request.user, requirement=requirement, is_active=not requirement.is_active
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Vetting step turned on.")
                if requirement.is_active
                else _("Vetting step turned off."),
            )
        return redirect("backoffice:vetting")
    form = f.RequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            requirement_create(
                actor=request.user,
                kind=data["kind"],
                titles=form.cleaned_names(),
                validity_days=data["validity_days"],
                threshold=data["threshold"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Vetting step added."))
            return redirect("backoffice:vetting")
    status = request.GET.get("status", Application.Status.SUBMITTED)
    if status not in Application.Status.values:
        status = ""
    return _page(
        request,
        "backoffice/vetting.html",
        {
            "requirements": trust_selectors.requirements(include_inactive=True),
            "form": form,
            "applications": selectors.applications_by_status(status or None)[:200],
            "status": status,
            "statuses": Application.Status.choices,
        },
        has_errors=bool(form.errors),
    )


@admin_page
def application_detail(request, pk: int):
    application = trust_selectors.application_get(application_id=pk)
    decision_form = f.DecisionForm(prefix="decision")
    step_forms: dict[int, f.DecisionForm] = {}
    action = request.POST.get("action")
    if request.method == "POST" and action == "decide":
        decision_form = f.DecisionForm(request.POST, prefix="decision")
        if decision_form.is_valid():
            try:
                application_decide(
                    admin=request.user,
                    application=application,
                    approve=decision_form.approve,
                    reason=decision_form.cleaned_data["reason"],
                )
            except ApplicationError as error:
                add_application_error(decision_form, error)
            else:
                messages.success(request, _("Decision saved."))
                return redirect("backoffice:application", pk=application.pk)
    elif request.method == "POST" and action == "step":
        requirement_id = _object_id(request)
        requirement = (
            trust_selectors.requirement_get(requirement_id=requirement_id)
            if requirement_id
            else None
        )
        if requirement is None:
            decision_form.add_error(None, _("Choose a step to review."))
        else:
            form = f.DecisionForm(request.POST, prefix=f"step-{requirement.pk}")
            step_forms[requirement.pk] = form
            if form.is_valid():
                try:
                    step_review(
                        admin=request.user,
                        application=application,
                        requirement=requirement,
                        approve=form.approve,
                        reason=form.cleaned_data["reason"],
                    )
                except ApplicationError as error:
                    add_application_error(form, error)
                else:
                    messages.success(request, _("Step reviewed."))
                    return redirect("backoffice:application", pk=application.pk)
    elif request.method == "POST":
        decision_form.add_error(None, _("Unknown action."))
    documents: dict[int, list] = {}
    for document in Document.objects.filter(step__application=application).order_by("pk"):
        documents.setdefault(document.step_id, []).append((document, document_link(document)))
    states = [
        (
            state,
            step_forms.get(state.requirement.pk)
            or f.DecisionForm(prefix=f"step-{state.requirement.pk}"),
            documents.get(state.step.pk, []) if state.step else [],
        )
        for state in application_states(application)
    ]
    has_errors = bool(decision_form.errors) or any(form.errors for form in step_forms.values())
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
        has_errors=has_errors,
    )


@admin_page
def badges(request):
    create_form = f.BadgeForm(prefix="badge")
    award_forms: dict[int, f.AwardForm] = {}
    revoke_forms: dict[int, f.ReasonForm] = {}
    action = request.POST.get("action")
    error_seen = False
    if request.method == "POST" and action == "create":
        create_form = f.BadgeForm(request.POST, prefix="badge")
        created = form_apply(
            create_form,
            lambda data: badge_create(
                slug=data["slug"],
                names=create_form.cleaned_names(),
                actor=request.user,
                icon=data["icon"],
                rule=data["rule"],
                threshold=data["threshold"],
                min_reviews=data["min_reviews"],
                validity_days=data["validity_days"],
            ),
        )
        if created == 200:
            messages.success(request, _("Badge created."))
            return redirect("backoffice:badges")
        error_seen = True
    elif request.method == "POST" and action == "award":
        badge = trust_selectors.badge_get(badge_id=_object_id(request) or 0)
        form = f.AwardForm(request.POST, prefix=f"award-{badge.pk}")
        award_forms[badge.pk] = form
        awarded = form_apply(
            form,
            lambda data: badge_award(
                badge=badge, provider=data["provider"], actor=request.user, reason=data["reason"]
            ),
        )
        if awarded == 200:
            messages.success(request, _("Badge awarded."))
            return redirect("backoffice:badges")
        error_seen = True
    elif request.method == "POST" and action == "revoke":
        award = trust_selectors.award_get(award_id=_object_id(request) or 0)
        form = f.ReasonForm(request.POST, prefix=f"revoke-{award.pk}")
        revoke_forms[award.pk] = form
        revoked = form_apply(
            form, lambda data: badge_revoke(award=award, actor=request.user, reason=data["reason"])
        )
        if revoked == 200:
            messages.success(request, _("Badge revoked."))
            return redirect("backoffice:badges")
        error_seen = True
    elif request.method == "POST":
        create_form.add_error(None, _("Unknown action."))
        error_seen = True
    rows = []
    choices = f.provider_choices()
    for badge in trust_selectors.badges(include_inactive=True).prefetch_related("awards__provider"):
        live = [award for award in badge.awards.all() if award.revoked_at is None]
        rows.append(
            {
                "badge": badge,
                "award_form": award_forms.get(badge.pk)
                or f.AwardForm(prefix=f"award-{badge.pk}", provider_choices=choices),
                "awards": [
                    (award, revoke_forms.get(award.pk) or f.ReasonForm(prefix=f"revoke-{award.pk}"))
                    for award in live
                ],
            }
        )
    return _page(
        request,
        "backoffice/badges.html",
        {"rows": rows, "create_form": create_form},
        has_errors=error_seen,
    )


@admin_page
def moderation(request):
    listing_forms: dict[int, f.ReasonForm] = {}
    review_forms: dict[int, f.ReasonForm] = {}
    action = request.POST.get("action")
    error_seen = False
    if request.method == "POST":
        object_id = _object_id(request) or 0
        if action == "hide_listing":
            listing = listing_get_for_moderation(listing_id=object_id)
            form = f.ReasonForm(request.POST, prefix=f"listing-{listing.pk}")
            listing_forms[listing.pk] = form
            if form.is_valid():
                try:
                    listing_hide(listing=listing, reason=form.cleaned_data["reason"])
                except ApplicationError as error:
                    add_application_error(form, error)
                else:
                    messages.success(request, _("Listing hidden."))
                    return redirect("backoffice:moderation")
        elif action == "unhide_listing":
            listing = listing_get_for_moderation(listing_id=object_id)
            try:
                listing_unhide(listing=listing)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("Listing shown again (paused until its owner publishes it).")
                )
            return redirect("backoffice:moderation")
        elif action == "hide_review":
            review = review_get(review_id=object_id)
            form = f.ReasonForm(request.POST, prefix=f"review-{review.pk}")
            review_forms[review.pk] = form
            if form.is_valid():
                try:
                    review_hide(
                        review=review, admin=request.user, reason=form.cleaned_data["reason"]
                    )
                except ApplicationError as error:
                    add_application_error(form, error)
                else:
                    messages.success(request, _("Review hidden."))
                    return redirect("backoffice:moderation")
        else:
            messages.error(request, _("Unknown action."))
        error_seen = True
    listings = [
        (listing, listing_forms.get(listing.pk) or f.ReasonForm(prefix=f"listing-{listing.pk}"))
        for listing in selectors.listings_for_moderation()
    ]
    reviews = [
        (review, review_forms.get(review.pk) or f.ReasonForm(prefix=f"review-{review.pk}"))
        for review in selectors.reviews_for_moderation()
    ]
    return _page(
        request,
        "backoffice/moderation.html",
        {"listings": listings, "reviews": reviews},
        has_errors=error_seen,
    )


@admin_page
def payouts(request):
    current = payout_settings_get()
    if request.method == "POST":
        form = f.PayoutSettingsForm(request.POST)
        if form.is_valid():
            try:
                payout_settings_update(actor=request.user, **form.changes())
            except ApplicationError as error:
                for attribute, problems in error.fields.items():
                    for problem in problems:
                        field = form.field_for(attribute)
                        form.add_error(field if field in form.fields else None, problem)
                if not error.fields:
                    form.add_error(None, error.message)
            else:
                messages.success(request, _("Payout settings saved."))
                return redirect("backoffice:payouts")
    else:
        form = f.PayoutSettingsForm(initial=f.PayoutSettingsForm.initial_from(current))
    return _page(
        request,
        "backoffice/payouts.html",
        {"form": form, "current": current},
        has_errors=bool(form.errors),
    )


@admin_page
def users(request):
    if request.method == "POST":
        action = request.POST.get("action")
        user = selectors.user_get_for_back_office(user_id=_object_id(request) or 0)
        if action not in ("activate", "deactivate"):
            messages.error(request, _("Unknown action."))
        else:
            try:
                user_set_active(actor=request.user, user=user, is_active=action == "activate")
            except ApplicationError as error:
                messages.error(request, error.message)
                return _page(
                    request,
                    "backoffice/users.html",
                    {"users": selectors.users_for_back_office(), "roles": User.Role},
                    has_errors=True,
                )
            messages.success(
                request,
                _("%(email)s can sign in again.") % {"email": user.email}
                if action == "activate"
                else _("%(email)s is deactivated.") % {"email": user.email},
            )
        return redirect("backoffice:users")
    return render(
        request,
        "backoffice/users.html",
        {"users": selectors.users_for_back_office(), "roles": User.Role},
    )


SIGNIN_FAILURES_PER_PAGE = 50


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
        },
    )
