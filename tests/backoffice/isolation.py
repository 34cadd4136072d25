"""Back office pages in the isolation matrix (see tests/tenancy/matrix.py).

List pages answer 200 on B's host with B's own data (never A's marker); pages and
forms that take an id of A's answer 404 on B's host and leave A unchanged.
"""

from quartier.accounts.models import User
from quartier.accounts.services import signin_failure_record, user_create
from quartier.catalog.models import Category, Listing
from quartier.catalog.services.categories import category_create
from tests.catalog.factories import make_listing
from tests.catalog.isolation import MARKER, _own_profile
from tests.conftest import PASSWORD
from tests.tenancy.matrix import Endpoint
from tests.trust.isolation import _award, _badge, _rule, _submitted, _trust_state


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


def _signin_failure(handle):
    signin_failure_record(
        email=f"{MARKER}@telco.test", address="192.0.2.1", reason="wrong_password", channel="page"
    )
    return {"marker": MARKER}


def _page(route, make=None, **fields):
    return Endpoint(route, actor="admin", is_api=False, make=make, cross=200, **fields)


ENDPOINTS = [
    _page("back-office/"),
    _page("back-office/categories/", make=_category),
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
    _page("back-office/vetting/", make=_rule),
    Endpoint(
        "back-office/vetting/",
        method="post",
        actor="admin",
        label="turn-off-rule",
        is_api=False,
        make=_rule,
        body=lambda params: {"action": "toggle", "object_id": params["pk"]},
        ok=302,
        state=_trust_state,
    ),
    Endpoint(
        "back-office/vetting/applications/<int:pk>/",
        actor="admin",
        path="/back-office/vetting/applications/{application}/",
        is_api=False,
        make=_submitted,
    ),
    Endpoint(
        "back-office/vetting/applications/<int:pk>/",
        method="post",
        actor="admin",
        label="reject",
        path="/back-office/vetting/applications/{application}/",
        is_api=False,
        make=_submitted,
        body=lambda params: {
            "action": "decide",
            "decision-decision": "reject",
            "decision-reason": "Not this time",
        },
        ok=302,
        state=_trust_state,
    ),
    _page("back-office/badges/", make=_badge),
    Endpoint(
        "back-office/badges/",
        method="post",
        actor="admin",
        label="revoke",
        is_api=False,
        make=_award,
        body=lambda params: {
            "action": "revoke",
            "object_id": params["award"],
            f"revoke-{params['award']}-reason": "Left the programme",
        },
        ok=302,
        state=_trust_state,
    ),
    _page("back-office/moderation/", make=_listing),
    Endpoint(
        "back-office/moderation/",
        method="post",
        actor="admin",
        label="hide-listing",
        is_api=False,
        make=_listing,
        body=lambda params: {
            "action": "hide_listing",
            "object_id": params["pk"],
            f"listing-{params['pk']}-reason": "Misleading price",
        },
        ok=302,
        state=_listing_state,
    ),
    _page("back-office/payouts/"),
    _page("back-office/users/", make=_user),
    Endpoint(
        "back-office/users/",
        method="post",
        actor="admin",
        label="deactivate",
        is_api=False,
        make=_user,
        body=lambda params: {"action": "deactivate", "object_id": params["pk"]},
        ok=302,
        state=_user_state,
    ),
    _page("back-office/analytics/"),
    _page("back-office/sign-in-failures/", make=_signin_failure),
]
