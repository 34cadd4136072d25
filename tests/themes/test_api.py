"""The theme API: tenant admins edit the draft, upload files and publish; nobody else."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from quartier.marketplace.models import AuditEntry
from quartier.themes.models import Theme
from tests.themes.factories import PHP, noise_png_bytes, php_as_png, png_upload


def _theme(handle) -> Theme:
    with handle.context():
        return Theme.objects.get()


def test_a_new_tenant_has_a_published_default_theme(tenant_a):
    response = tenant_a.client("admin").get("/api/theme/")

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert body["has_unpublished_changes"] is False
    assert body["draft"] == body["published"]
    assert body["draft"]["hero_title"]["en"] == "Welcome to Telco Friends"
    assert body["logo_url"] is None


def test_patch_changes_the_draft_only(tenant_a):
    client = tenant_a.client("admin")

    response = client.patch(
        "/api/theme/",
        {"primary": "#0B3D2E", "hero_title": {"en": "Hello", "de": "Hallo"}},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["draft"]["primary"] == "#0b3d2e"
    assert body["draft"]["hero_title"] == {"en": "Hello", "de": "Hallo"}
    assert body["published"]["primary"] == "#1f5f8b"
    assert body["has_unpublished_changes"] is True
    assert body["version"] == 1


def test_publish_makes_the_draft_visible_and_is_audited(tenant_a):
    client = tenant_a.client("admin")
    client.patch("/api/theme/", {"primary": "#0b3d2e"}, format="json")

    response = client.post("/api/theme/publish/")

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2
    assert body["published"]["primary"] == "#0b3d2e"
    assert body["has_unpublished_changes"] is False
    with tenant_a.context():
        entry = AuditEntry.objects.get(action="theme.publish")
        assert (entry.before, entry.after) == ({"version": 1}, {"version": 2})
        assert entry.actor == tenant_a.users["admin"]


def test_low_contrast_is_a_400_naming_the_pair_and_the_ratio(tenant_a):
    before = _theme(tenant_a).draft

    response = tenant_a.client("admin").patch(
        "/api/theme/", {"text": "#777777", "background": "#ffffff"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "contrast_too_low",
        "message": "text: contrast 4.47:1 between text and background is below 4.5:1",
        "fields": {"text": ["contrast 4.47:1 between text and background is below 4.5:1"]},
    }
    assert _theme(tenant_a).draft == before


@pytest.mark.parametrize(
    "value", ["red; } body{display:none", "url(javascript:alert(1))", "</style><script>"]
)
@pytest.mark.parametrize("field", ["primary", "secondary", "background", "text", "font"])
def test_injection_through_a_design_token_is_a_400(tenant_a, field, value):
    before = _theme(tenant_a).draft

    response = tenant_a.client("admin").patch("/api/theme/", {field: value}, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert _theme(tenant_a).draft == before


@pytest.mark.parametrize(
    "body",
    [
        ["not", "an", "object"],
        {"radius": "eight"},
        {"radius": None},
        {"hero_title": {"en": 5}},
        {"hero_text": {"en": "\x00"}},
        {"footer_links": "https://x.example"},
        {"footer_links": [{"url": "https://x.example", "labels": {"en": "X"}, "extra": 1}]},
        {"colour": "#000000"},
    ],
)
def test_bad_shapes_are_400_never_500(tenant_a, body):
    response = tenant_a.client("admin").patch("/api/theme/", body, format="json")

    assert response.status_code == 400
    assert response.json()["fields"]


def test_patch_refuses_form_encoded_bodies(tenant_a):
    response = tenant_a.client("admin").patch(
        "/api/theme/", "primary=%23000000", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415


@pytest.mark.parametrize("role", ["provider", "customer"])
def test_non_admins_get_403_and_change_nothing(tenant_a, role):
    client = tenant_a.client(role)
    before = _theme(tenant_a)

    responses = [
        client.get("/api/theme/"),
        client.patch("/api/theme/", {"primary": "#000000"}, format="json"),
        client.post("/api/theme/publish/"),
        client.post("/api/theme/logo/", {"file": png_upload()}, format="multipart"),
        client.delete("/api/theme/favicon/"),
    ]

    assert [response.status_code for response in responses] == [403] * 5
    after = _theme(tenant_a)
    assert (after.draft, after.version, after.draft_logo.name) == (
        before.draft,
        before.version,
        before.draft_logo.name,
    )


def test_anonymous_gets_401(tenant_a):
    assert tenant_a.client().get("/api/theme/").status_code == 401


def test_a_logo_is_re_encoded_and_published_with_the_theme(tenant_a):
    client = tenant_a.client("admin")

    uploaded = client.post("/api/theme/logo/", {"file": png_upload()}, format="multipart")

    assert uploaded.status_code == 200, uploaded.json()
    assert uploaded.json()["draft_logo_url"].startswith("/theme/logo/?preview=1")
    assert uploaded.json()["logo_url"] is None
    theme = _theme(tenant_a)
    assert theme.draft_logo.name.startswith("t_telco/themes/logo-")
    assert theme.draft_logo.name.endswith(".png")
    with tenant_a.context():
        assert default_storage.exists(theme.draft_logo.name)
    published = client.post("/api/theme/publish/").json()
    assert published["logo_url"] == "/theme/logo/?v=2"
    logo = tenant_a.client().get("/theme/logo/?v=2")
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert logo["X-Content-Type-Options"] == "nosniff"
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("asset", ["logo", "favicon"])
def test_a_php_file_named_png_is_rejected(tenant_a, asset):
    response = tenant_a.client("admin").post(
        f"/api/theme/{asset}/", {"file": php_as_png(f"{asset}.png")}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "image_invalid"
    assert list(response.json()["fields"]) == ["file"]
    theme = _theme(tenant_a)
    assert getattr(theme, f"draft_{asset}").name == ""
    assert PHP not in tenant_a.client().get("/theme/logo/").content


def test_an_oversized_favicon_is_rejected(tenant_a):
    big = SimpleUploadedFile("favicon.png", noise_png_bytes(450), content_type="image/png")
    assert big.size > 512 * 1024

    response = tenant_a.client("admin").post(
        "/api/theme/favicon/", {"file": big}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "file_too_large"


def test_an_upload_without_a_file_is_a_400(tenant_a):
    response = tenant_a.client("admin").post("/api/theme/logo/", {}, format="multipart")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["file"]


def test_removing_the_draft_favicon(tenant_a):
    client = tenant_a.client("admin")
    client.post("/api/theme/favicon/", {"file": png_upload("icon.png")}, format="multipart")

    response = client.delete("/api/theme/favicon/")

    assert response.status_code == 200
    assert response.json()["draft_favicon_url"] is None
    assert _theme(tenant_a).draft_favicon.name == ""
