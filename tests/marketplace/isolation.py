"""Marketplace language endpoints in the isolation matrix (see tests/tenancy/matrix.py).

The languages are a singleton per tenant: on B's host each route answers with B's own
languages, and nothing B's users do changes A's.
"""

from quartier.marketplace.models import MarketplaceSettings
from quartier.marketplace.services import marketplace_languages_set
from tests.tenancy.matrix import Endpoint


def _only_italian_and_french(handle):
    marketplace_languages_set(
        actor=handle.users["admin"], default_language="it", enabled_languages=["it", "fr"]
    )
    # B's tenant keeps its four languages, so "enabled_languages":["fr","it"] is A's mark.
    return {"marker": '"enabled_languages":["fr","it"]'}


def _languages_state(handle):
    with handle.context():
        return list(
            MarketplaceSettings.objects.values_list("default_language", "enabled_languages")
        )


def _invitation_for_helpers(handle):
    from quartier.marketplace.eligibility import invitation_create, rule_set

    rule_set(role="offer", kind="codes")
    invitation = invitation_create(role="offer", actor=handle.users["admin"], max_uses=5)
    return {"code": invitation.code}


def _codes_on_b_too(handle):
    from quartier.marketplace.eligibility import rule_set

    rule_set(role="offer", kind="codes")


def _invitation_state(handle):
    from quartier.marketplace.models import InvitationCode, InvitationUse

    with handle.context():
        return (
            list(InvitationCode.objects.values_list("code", "uses")),
            list(InvitationUse.objects.values_list("email", flat=True)),
        )


ENDPOINTS = [
    Endpoint("api/marketplace/languages/", make=_only_italian_and_french, cross=200),
    Endpoint(
        "api/marketplace/languages/",
        method="put",
        actor="admin",
        make=_only_italian_and_french,
        body=lambda params: {"default_language": "de", "enabled_languages": ["de", "en"]},
        cross=200,
        state=_languages_state,
    ),
    Endpoint(
        "language/",
        method="post",
        is_api=False,
        body=lambda params: {"language": "fr", "next": "/"},
        ok=302,
        cross=302,
        state=_languages_state,
    ),
    # A's invitation code typed on B's host (where helpers need a code too): unknown there.
    Endpoint(
        "invitation/",
        method="post",
        actor="provider",
        is_api=False,
        make=_invitation_for_helpers,
        make_other=_codes_on_b_too,
        body=lambda params: {"role": "offer", "code": params["code"], "next": "/workspace/start/"},
        ok=302,
        cross=403,
        state=_invitation_state,
    ),
]
