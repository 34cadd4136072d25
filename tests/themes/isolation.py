"""Theme endpoints and pages in the isolation matrix (see tests/tenancy/matrix.py).

The theme is a singleton per tenant: on B's host every route answers with B's own theme
(200), never with A's marker, and A's theme is unchanged by anything B's user does.
"""

from quartier.themes.models import Theme
from quartier.themes.services import theme_asset_set, theme_draft_update, theme_publish
from tests.tenancy.matrix import Endpoint
from tests.themes.factories import png_upload

MARKER = "Marker-of-tenant-A-theme"
MARKER_COLOUR = "#0b3d2e"


def _draft(handle):
    theme_draft_update(
        actor=handle.users["admin"],
        changes={"primary": MARKER_COLOUR, "hero_title": {"en": MARKER}},
    )
    return {"marker": MARKER}


def _published(handle):
    theme_draft_update(
        actor=handle.users["admin"],
        changes={
            "primary": MARKER_COLOUR,
            "hero_title": {"en": MARKER},
            "imprint": {"en": MARKER},
            "privacy": {"en": MARKER},
        },
    )
    theme_publish(actor=handle.users["admin"])
    return {"marker": MARKER}


def _published_css(handle):
    _published(handle)
    return {"marker": MARKER_COLOUR}


def _with_files(handle):
    for asset in ("logo", "favicon"):
        theme_asset_set(actor=handle.users["admin"], asset=asset, upload=png_upload())
    theme_publish(actor=handle.users["admin"])
    return {}


def _theme_state(handle):
    with handle.context():
        return list(
            Theme.objects.values_list(
                "draft", "published", "version", "draft_revision", "draft_logo", "draft_favicon"
            )
        )


def _upload(params):
    return {"file": png_upload()}


ENDPOINTS = [
    Endpoint("theme.css", is_api=False, make=_published_css, cross=200),
    Endpoint(
        "theme.css",
        actor="admin",
        label="preview",
        path="/theme.css?preview=1",
        is_api=False,
        make=lambda handle: {**_draft(handle), "marker": MARKER_COLOUR},
        cross=200,
    ),
    Endpoint("theme/logo/", is_api=False, make=_with_files),
    Endpoint("theme/favicon/", is_api=False, make=_with_files),
    Endpoint("imprint/", is_api=False, make=_published, cross=200),
    Endpoint("privacy/", is_api=False, make=_published, cross=200),
    Endpoint("back-office/theme/", actor="admin", is_api=False, make=_draft, cross=200),
    Endpoint(
        "back-office/theme/",
        method="post",
        actor="admin",
        label="publish",
        is_api=False,
        make=_draft,
        body=lambda params: {
            "primary": "#000000",
            "secondary": "#2e7d5b",
            "background": "#ffffff",
            "text": "#111111",
            "font": "system-ui",
            "radius": "4",
            "action": "publish",
        },
        ok=302,
        cross=302,
        state=_theme_state,
    ),
    Endpoint("api/theme/", actor="admin", make=_draft, cross=200),
    Endpoint(
        "api/theme/",
        method="patch",
        actor="admin",
        label="draft",
        make=_draft,
        body=lambda params: {"primary": "#000000"},
        cross=200,
        state=_theme_state,
    ),
    Endpoint(
        "api/theme/publish/",
        method="post",
        actor="admin",
        make=_draft,
        cross=200,
        state=_theme_state,
    ),
    Endpoint(
        "api/theme/logo/",
        method="post",
        actor="admin",
        make=_draft,
        body=_upload,
        format="multipart",
        cross=200,
        state=_theme_state,
    ),
    Endpoint(
        "api/theme/favicon/",
        method="delete",
        actor="admin",
        make=_with_files,
        cross=200,
        state=_theme_state,
    ),
]
