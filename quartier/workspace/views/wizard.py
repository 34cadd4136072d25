"""The onboarding wizard: profile -> vetting -> first service -> done.

Each step is saved on its own submit, in one transaction: a step that fails changes
nothing, and the steps before it stay as they were.
"""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from quartier.catalog.selectors.catalog import category_list, listings_of_user
from quartier.catalog.services import listings
from quartier.marketplace import eligibility
from quartier.marketplace.selectors import marketplace_settings
from quartier.marketplace.views import refusal_page
from quartier.platform.errors import ApplicationError
from quartier.platform.languages import Language
from quartier.platform.money import Money
from quartier.providers import services as providers
from quartier.providers.models import SocialLink
from quartier.providers.selectors import provider_profile_of
from quartier.providers.services import SOCIAL_HOSTS
from quartier.workspace.forms import SOCIAL_EXAMPLES, SOCIAL_LABELS, ListingForm, ProfileForm
from quartier.workspace.photos import square_photo
from quartier.workspace.selectors import STEP_NAMES, STEP_URLS, onboarding_progress, vetting_rows
from quartier.workspace.views.common import helper_page, submit


def wizard_context(request, key: str, **extra) -> dict:
    progress = onboarding_progress(request.user)
    steps = [
        (name, label, STEP_URLS[name], progress.done[name]) for name, label in STEP_NAMES.items()
    ]
    return {
        "progress": progress,
        "steps": steps,
        "step_key": key,
        "step_number": progress.number_of(key),
        "section": "profile" if key == "profile" else "start",
        **extra,
    }


@login_required
def start(request):
    """Resume the wizard at the first step not done yet (if the tenant lets this person
    offer help: else a page saying why, and what to do)."""
    refusal = eligibility.check(request.user, eligibility.OFFER)
    if refusal is not None:
        return refusal_page(request, refusal)
    return redirect(STEP_URLS[onboarding_progress(request.user).next_key])


def _categories():
    return category_list().select_related("parent")


def _profile_initial(profile, categories) -> dict:
    if profile is None:
        return {"service_radius_km": 10}
    chosen, other = [], []
    for skill in profile.skills:
        matches = [c for c in categories if skill in c.names.values()]
        if matches:
            chosen.extend(str(c.pk) for c in matches)
        else:
            other.append(skill)
    initial = {
        "display_name": profile.display_name,
        "bio": profile.bio,
        "languages": profile.languages,
        "categories": chosen,
        "skills": ", ".join(other),
        "home_postal_code": profile.home_postal_code,
        "service_radius_km": profile.service_radius_km,
    }
    for link in profile.social_links.all():
        initial[f"social_{link.network}"] = link.url
    return initial


def _social_error(error: ApplicationError, form: ProfileForm) -> ApplicationError:
    """The service names the network at fault first ("linkedin: ..."): say it on that
    field, in words that show what a good address looks like."""
    messages_found = error.fields.get("social_links") or []
    for network in SOCIAL_LABELS:
        if any(str(message).split(":")[0].strip() == network for message in messages_found):
            if network == SocialLink.Network.WEBSITE or not SOCIAL_HOSTS[network]:
                text = _("Enter a full web address starting with https://.")
            else:
                text = _(
                    "This is not a link to a profile on %(site)s. It looks like %(example)s"
                ) % {
                    "site": SOCIAL_HOSTS[network][0],
                    "example": SOCIAL_EXAMPLES[network],
                }
            return ApplicationError(error.code, text, fields={f"social_{network}": [text]})
    return error


def _save_profile(user, profile, form: ProfileForm) -> None:
    data = form.cleaned_data
    # The photo is checked before anything is written: a bad photo saves nothing.
    photo = square_photo(data["photo"]) if data.get("photo") else None
    fields = {
        "display_name": data["display_name"],
        "home_postal_code": data["home_postal_code"],
        "bio": data["bio"],
        "languages": list(data["languages"]),
        "skills": form.skill_list(),
        "service_radius_km": data["service_radius_km"],
        "social_links": form.social_links(),
    }
    try:
        with transaction.atomic():
            if profile is None:
                profile = providers.provider_profile_create(user=user, **fields)
            else:
                providers.provider_profile_update(profile=profile, **fields)
            if photo is not None:
                providers.provider_photo_set(profile=profile, upload=photo)
    except ApplicationError as error:
        if "social_links" in error.fields:
            raise _social_error(error, form) from error
        raise


@login_required
def profile_step(request):
    profile = provider_profile_of(request.user)
    categories = list(_categories())
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        categories=categories,
        initial=_profile_initial(profile, categories),
    )
    status = 200
    if request.method == "POST":
        status = submit(
            form,
            lambda data: _save_profile(request.user, profile, form),
            names={"image": "photo"},
        )
        if status == 200:
            messages.success(request, _("Your profile is saved."))
            return redirect("workspace:vetting")
    return render(
        request,
        "workspace/profile.html",
        wizard_context(request, "profile", form=form, profile=profile),
        status=status,
    )


def may_publish(profile) -> bool:
    """Whether a Publish button makes sense; the listing service still decides."""
    return profile.is_vetted or not marketplace_settings().vetting_required


def listing_language() -> str:
    language = (get_language() or "")[:2]
    return language if language in Language.values else Language.GERMAN


def listing_save(*, provider, form: ListingForm, listing=None):
    """Create a draft listing from the form, or change `listing`."""
    data = form.cleaned_data
    fields = {
        "category": data["category"],
        "title": data["title"],
        "description": data["description"],
        "price": Money(form.price_minor(), marketplace_settings().currency),
        "price_unit": data["price_unit"],
        "radius_km": data["radius_km"],
    }
    if listing is None:
        return listings.listing_create(provider=provider, language=listing_language(), **fields)
    return listings.listing_update(listing=listing, **fields)


def listing_initial(listing) -> dict:
    if listing is None:
        return {"price_unit": "hour"}
    return {
        "title": listing.title,
        "category": listing.category_id,
        "description": listing.description,
        "price": listing.price.as_decimal(),
        "price_unit": listing.price_unit,
        "radius_km": listing.radius_km,
    }


def _preview_price(form) -> Money | None:
    raw = form.data.get("price", "") if form.is_bound else form.initial.get("price", "")
    try:
        amount = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not amount.is_finite() or not 0 < amount < 10_000_000:
        return None
    return Money(int((amount * 100).to_integral_value()), marketplace_settings().currency)


def listing_preview(form, profile, photos=()) -> dict:
    """The card customers will see, from what the form holds now (as typed, when the
    form came back with errors); the page's script keeps it in step while typing."""
    source = form.data if form.is_bound else form.initial
    return {
        "title": str(source.get("title", "") or "").strip()[:120],
        "price": _preview_price(form),
        "unit": str(source.get("price_unit", "") or "hour"),
        "cover": photos[0].image.url if photos else "",
        "helper": profile.display_name,
    }


@helper_page
def first_listing_step(request, profile):
    """The first service; coming back to this step edits it instead of adding another."""
    listing = listings_of_user(request.user).order_by("id").first()
    initial = listing_initial(listing)
    initial.setdefault("radius_km", profile.service_radius_km)
    form = ListingForm(
        request.POST if request.method == "POST" else None,
        categories=category_list(),
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        status = submit(
            form,
            lambda data: listing_save(provider=profile, form=form, listing=listing),
        )
        if status == 200:
            messages.success(request, _("Your service is saved."))
            return redirect("workspace:done")
    return render(
        request,
        "workspace/first_listing.html",
        wizard_context(
            request,
            "listing",
            form=form,
            listing=listing,
            preview=listing_preview(form, profile, list(listing.photos.all()) if listing else []),
            currency=marketplace_settings().currency,
        ),
        status=status,
    )


@helper_page
def done_step(request, profile):
    application, rows = vetting_rows(profile)
    return render(
        request,
        "workspace/done.html",
        wizard_context(
            request,
            "done",
            profile=profile,
            application=application,
            rows=rows,
            listings=list(listings_of_user(request.user)),
            can_publish=may_publish(profile),
        ),
    )
