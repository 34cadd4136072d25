"""Catalog endpoints and pages in the isolation matrix (see tests/tenancy/matrix.py)."""

import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from quartier.catalog.models import Category, Listing, Offer, TaskRequest
from quartier.catalog.services.listings import listing_hide, listing_photo_add
from quartier.catalog.services.tasks import offer_create, task_request_create
from quartier.platform.money import Money
from quartier.providers.models import ProviderProfile
from tests.catalog.factories import (
    category,
    make_listing,
    make_provider,
    png_bytes,
    tenant_provider,
)
from tests.tenancy.matrix import AGAIN, MARKER, Endpoint


def _own_profile(handle) -> ProviderProfile:
    return tenant_provider(handle, display_name=MARKER)


def _profile(handle):
    return {"pk": _own_profile(handle).pk, "marker": MARKER}


def _profile_with_a_listing(handle):
    params = _profile(handle)
    _listing(handle)
    return params


def _listing(handle, *, publish=True):
    listing = make_listing(provider=_own_profile(handle), title=MARKER, publish=publish)
    return {"pk": listing.pk, "marker": MARKER}


def _draft(handle):
    return _listing(handle, publish=False)


def _hidden(handle):
    params = _listing(handle)
    listing_hide(listing=Listing.objects.get(pk=params["pk"]), reason="test")
    return params


def _photo(handle):
    params = _listing(handle)
    photo = listing_photo_add(
        listing=Listing.objects.get(pk=params["pk"]),
        upload=SimpleUploadedFile("p.png", png_bytes()),
    )
    return {**params, "photo_id": photo.pk}


def _category(handle):
    created = Category.objects.create(slug="only-in-a", names={"en": MARKER})
    return {"pk": created.pk, "marker": MARKER}


def _task(handle):
    _own_profile(handle)
    task = task_request_create(
        customer=handle.users["customer"], category=category(), title=MARKER, postal_code="8004"
    )
    return {"pk": task.pk, "marker": MARKER, "category": category().pk}


def _offer(handle):
    params = _task(handle)
    start = timezone.now() + timedelta(days=2)
    offer = offer_create(
        task=TaskRequest.objects.get(pk=params["pk"]),
        provider=_own_profile(handle),
        price=Money(9000, "CHF"),
        message=MARKER,
        proposed_start=start,
    )
    return {**params, "offer": offer.pk}


def _sitemap_entry(handle):
    listing = _listing(handle)
    return {"marker": f"{handle.host}/listings/{listing['pk']}/"}


_numbers = itertools.count(1)


def _another_category(handle, params):
    Category.objects.create(slug=f"only-in-a-{next(_numbers)}", names={"en": MARKER})


def _another_listing(handle, params):
    _listing(handle)


def _another_offer(handle, params):
    """Another helper's offer on the same task."""
    offer_create(
        task=TaskRequest.objects.get(pk=params["pk"]),
        provider=make_provider(),
        price=Money(8000, "CHF"),
        message=MARKER,
    )


def _listing_state(handle):
    with handle.context():
        return list(Listing.objects.values_list("pk", "title", "status", "hidden_reason"))


def _category_state(handle):
    with handle.context():
        return list(Category.objects.values_list("pk", "slug", "names", "is_active"))


def _profile_state(handle):
    with handle.context():
        return list(ProviderProfile.objects.values_list("pk", "display_name", "bio", "photo"))


def _task_state(handle):
    with handle.context():
        return list(TaskRequest.objects.values_list("pk", "title", "status"))


def _offer_state(handle):
    with handle.context():
        return list(Offer.objects.values_list("pk", "status"))


def _photo_body(params):
    return {"image": SimpleUploadedFile("p.png", png_bytes())}


LISTING_BODY = {
    "title": "Mine",
    "price": {"amount_minor": 5000, "currency": "CHF"},
    "postal_code": "8004",
}

ENDPOINTS = [
    Endpoint("api/categories/", make=_category, cross=200, grow=_another_category),
    Endpoint(
        "api/categories/",
        method="post",
        actor="admin",
        label="create",
        body=lambda p: {"slug": "fresh", "names": {"en": "Fresh"}},
        ok=201,
        cross=201,
        state=_category_state,
    ),
    Endpoint(
        "api/categories/<int:pk>/",
        method="patch",
        actor="admin",
        path="/api/categories/{pk}/",
        make=_category,
        body=lambda p: {"names": {"en": "Renamed"}},
        state=_category_state,
    ),
    Endpoint(
        "api/categories/<int:pk>/",
        method="delete",
        actor="admin",
        path="/api/categories/{pk}/",
        make=_category,
        ok=204,
        state=_category_state,
    ),
    Endpoint(
        "api/providers/me/", actor="provider", make=_profile, make_other=tenant_provider, cross=200
    ),
    Endpoint(
        "api/providers/me/",
        method="post",
        actor="customer",
        label="create",
        body=lambda p: {"display_name": "New", "home_postal_code": "8004"},
        ok=201,
        cross=201,
        state=_profile_state,
    ),
    Endpoint(
        "api/providers/me/",
        method="patch",
        actor="provider",
        label="update",
        make=_profile,
        make_other=tenant_provider,
        body=lambda p: {"bio": "changed"},
        cross=200,
        state=_profile_state,
    ),
    Endpoint(
        "api/providers/me/photo/",
        method="post",
        actor="provider",
        make=_profile,
        make_other=tenant_provider,
        body=_photo_body,
        format="multipart",
        cross=200,
        state=_profile_state,
    ),
    Endpoint("api/providers/<int:pk>/", path="/api/providers/{pk}/", make=_profile),
    Endpoint(
        "api/listings/",
        actor="provider",
        make=_listing,
        make_other=tenant_provider,
        cross=200,
        grow=AGAIN,
    ),
    Endpoint(
        "api/listings/",
        method="post",
        actor="provider",
        label="create",
        make=_task,
        make_other=tenant_provider,
        body=lambda p: {**LISTING_BODY, "category": p["category"]},
        ok=201,
        cross=201,
        state=_listing_state,
    ),
    Endpoint(
        "api/listings/search/",
        path="/api/listings/search/?postal_code=8004",
        make=_listing,
        cross=200,
        grow=AGAIN,
    ),
    Endpoint("api/listings/<int:pk>/", path="/api/listings/{pk}/", make=_listing),
    Endpoint(
        "api/listings/<int:pk>/",
        method="patch",
        actor="provider",
        label="update",
        path="/api/listings/{pk}/",
        make=_listing,
        make_other=tenant_provider,
        body=lambda p: {"title": "Taken over"},
        state=_listing_state,
    ),
    Endpoint(
        "api/listings/<int:pk>/",
        method="delete",
        actor="provider",
        label="delete",
        path="/api/listings/{pk}/",
        make=_listing,
        make_other=tenant_provider,
        ok=204,
        state=_listing_state,
    ),
    Endpoint(
        "api/listings/<int:pk>/publish/",
        method="post",
        actor="provider",
        path="/api/listings/{pk}/publish/",
        make=_draft,
        make_other=tenant_provider,
        state=_listing_state,
    ),
    Endpoint(
        "api/listings/<int:pk>/pause/",
        method="post",
        actor="provider",
        path="/api/listings/{pk}/pause/",
        make=_listing,
        make_other=tenant_provider,
        state=_listing_state,
    ),
    Endpoint(
        "api/listings/<int:pk>/unpublish/",
        method="post",
        actor="provider",
        path="/api/listings/{pk}/unpublish/",
        make=_listing,
        make_other=tenant_provider,
        state=_listing_state,
    ),
    Endpoint(
        "api/listings/<int:pk>/hide/",
        method="post",
        actor="admin",
        path="/api/listings/{pk}/hide/",
        make=_listing,
        body=lambda p: {"reason": "spam"},
        state=_listing_state,
    ),
    Endpoint(
        "api/listings/<int:pk>/unhide/",
        method="post",
        actor="admin",
        path="/api/listings/{pk}/unhide/",
        make=_hidden,
        state=_listing_state,
    ),
    Endpoint(
        "api/listings/<int:pk>/photos/",
        method="post",
        actor="provider",
        path="/api/listings/{pk}/photos/",
        make=_listing,
        make_other=tenant_provider,
        body=_photo_body,
        format="multipart",
        ok=201,
        state=_listing_state,
    ),
    Endpoint(
        "api/listings/<int:pk>/photos/<int:photo_id>/",
        method="delete",
        actor="provider",
        path="/api/listings/{pk}/photos/{photo_id}/",
        make=_photo,
        make_other=tenant_provider,
        ok=204,
        state=_listing_state,
    ),
    Endpoint("api/tasks/", actor="customer", make=_task, cross=200, grow=AGAIN),
    Endpoint(
        "api/tasks/",
        method="post",
        actor="customer",
        label="create",
        make=_task,
        body=lambda p: {"category": p["category"], "title": "Fresh", "postal_code": "8004"},
        ok=201,
        cross=201,
        state=_task_state,
    ),
    Endpoint(
        "api/tasks/search/",
        actor="provider",
        make=_task,
        make_other=tenant_provider,
        cross=200,
        grow=AGAIN,
    ),
    Endpoint("api/tasks/<int:pk>/", actor="customer", path="/api/tasks/{pk}/", make=_task),
    Endpoint(
        "api/tasks/<int:pk>/cancel/",
        method="post",
        actor="customer",
        path="/api/tasks/{pk}/cancel/",
        make=_task,
        state=_task_state,
    ),
    Endpoint(
        "api/tasks/<int:pk>/offers/",
        actor="customer",
        path="/api/tasks/{pk}/offers/",
        make=_offer,
        grow=_another_offer,
    ),
    Endpoint(
        "api/tasks/<int:pk>/offers/",
        method="post",
        actor="provider",
        label="offer",
        path="/api/tasks/{pk}/offers/",
        make=_task,
        make_other=tenant_provider,
        body=lambda p: {"price": {"amount_minor": 7000, "currency": "CHF"}},
        ok=201,
        state=_offer_state,
    ),
    Endpoint(
        "api/offers/mine/",
        actor="provider",
        make=_offer,
        make_other=tenant_provider,
        cross=200,
        grow=AGAIN,
    ),
    Endpoint(
        "api/offers/<int:pk>/accept/",
        method="post",
        actor="customer",
        path="/api/offers/{offer}/accept/",
        make=_offer,
        state=_offer_state,
    ),
    Endpoint(
        "api/offers/<int:pk>/decline/",
        method="post",
        actor="customer",
        path="/api/offers/{offer}/decline/",
        make=_offer,
        state=_offer_state,
    ),
    Endpoint(
        "api/offers/<int:pk>/withdraw/",
        method="post",
        actor="provider",
        path="/api/offers/{offer}/withdraw/",
        make=_offer,
        make_other=tenant_provider,
        state=_offer_state,
    ),
    Endpoint(
        "search/",
        path="/search/?postal_code=8004&radius_km=20",
        make=_listing,
        is_api=False,
        cross=200,
        grow=AGAIN,
    ),
    Endpoint("listings/<int:pk>/", path="/listings/{pk}/", make=_listing, is_api=False),
    Endpoint("sitemap.xml", make=_sitemap_entry, is_api=False, cross=200, grow=AGAIN),
    Endpoint("robots.txt", is_api=False, cross=200),
    Endpoint(
        "providers/<int:pk>/",
        path="/providers/{pk}/",
        make=_profile_with_a_listing,
        is_api=False,
        grow=_another_listing,  # the listings on the profile
    ),
    # The style guide is for development (DEBUG or STYLE_GUIDE): off in tests, a 404 on
    # every host; with it on it reads the tenant's own badges only
    # (tests/storefront/test_style_guide.py).
    Endpoint("style-guide/", is_api=False, ok=404, cross=404),
    Endpoint("tasks/new/", actor="customer", is_api=False, cross=200),
    # B's customer sending A's category id: the default tree gives B the same ids, so
    # B gets its own task; A's tasks stay as they were.
    Endpoint(
        "tasks/new/",
        method="post",
        actor="customer",
        label="create",
        make=_task,
        body=lambda p: {"category": p["category"], "title": "Fresh", "postal_code": "8004"},
        ok=302,
        cross=302,
        state=_task_state,
        is_api=False,
    ),
    Endpoint(
        "tasks/<int:pk>/",
        actor="customer",
        path="/tasks/{pk}/",
        make=_offer,
        is_api=False,
        grow=_another_offer,
    ),
    Endpoint(
        "offers/<int:pk>/respond/",
        method="post",
        actor="customer",
        path="/offers/{offer}/respond/",
        make=_offer,
        body=lambda p: {"decision": "decline"},
        ok=302,
        state=_offer_state,
        is_api=False,
    ),
]
