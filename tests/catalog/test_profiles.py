import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quartier.providers.models import ProviderProfile
from tests.catalog.factories import png_bytes

PROFILE = {
    "display_name": "Lea Meier",
    "home_postal_code": "8004",
    "languages": ["de", "en"],
    "skills": ["WLAN", "Router"],
    "bio": "Ich helfe gern.",
    "social_links": [{"network": "linkedin", "url": "https://www.linkedin.com/in/lea"}],
}


def test_a_customer_becomes_a_provider_with_a_located_profile(tenant_a):
    client = tenant_a.client("customer")

    response = client.post("/api/providers/me/", PROFILE, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["display_name"] == "Lea Meier"
    assert body["languages"] == ["de", "en"]
    assert body["social_links"] == [
        {"network": "linkedin", "url": "https://www.linkedin.com/in/lea"}
    ]
    assert body["is_vetted"] is False
    with tenant_a.context():
        profile = ProviderProfile.objects.get(pk=body["id"])
        assert profile.user.role == "provider"
        assert profile.latitude == pytest.approx(47.376, abs=0.01)
        assert profile.location[0] > 0
    assert client.post("/api/providers/me/", PROFILE, format="json").status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"home_postal_code": "0000"}, "home_postal_code"),
        ({"home_postal_code": "80a4"}, "home_postal_code"),
        ({"languages": ["xx"]}, "languages"),
        ({"service_radius_km": 0}, "service_radius_km"),
        ({"service_radius_km": 500}, "service_radius_km"),
        (
            {"social_links": [{"network": "linkedin", "url": "http://linkedin.com/in/x"}]},
            "social_links",
        ),
        (
            {"social_links": [{"network": "linkedin", "url": "https://evil.example/in/x"}]},
            "social_links",
        ),
        (
            {"social_links": [{"network": "myspace", "url": "https://myspace.com/x"}]},
            "social_links",
        ),
        ({"social_links": [{"network": "website", "url": "javascript:alert(1)"}]}, "social_links"),
        ({"kind": "company", "company_name": ""}, "company_name"),
        ({"display_name": "x" * 81}, "display_name"),
        ({"skills": ["a"] * 21}, "skills"),
    ],
)
def test_bad_profile_input_is_a_400_naming_the_field(tenant_a, change, field):
    response = tenant_a.client("customer").post(
        "/api/providers/me/", {**PROFILE, **change}, format="json"
    )

    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    with tenant_a.context():
        assert not ProviderProfile.objects.exists()


def test_profile_update_and_public_view(tenant_a):
    client = tenant_a.client("provider")
    created = client.post("/api/providers/me/", PROFILE, format="json").json()

    updated = client.patch(
        "/api/providers/me/", {"bio": "Neu", "home_postal_code": "3011"}, format="json"
    )

    assert updated.status_code == 200
    assert updated.json()["home_postal_code"] == "3011"
    public = tenant_a.client().get(f"/api/providers/{created['id']}/")
    assert public.status_code == 200
    assert public.json()["bio"] == "Neu"
    page = tenant_a.client().get(f"/providers/{created['id']}/")
    assert page.status_code == 200
    assert "https://www.linkedin.com/in/lea" in page.content.decode()


def test_profile_photo_is_sniffed_and_re_encoded(tenant_a, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "quartier.platform.storage.TenantFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": "/media/"},
        },
    }
    from django.core.files.storage import storages

    storages._storages.pop("default", None)
    client = tenant_a.client("provider")
    client.post("/api/providers/me/", PROFILE, format="json")

    fake = client.post(
        "/api/providers/me/photo/",
        {"image": SimpleUploadedFile("me.png", b"%PDF-1.4 not an image")},
        format="multipart",
    )
    real = client.post(
        "/api/providers/me/photo/",
        {"image": SimpleUploadedFile("me.gif", png_bytes())},
        format="multipart",
    )

    assert fake.status_code == 400
    assert list(fake.json()["fields"]) == ["photo"]
    assert real.status_code == 200
    assert real.json()["photo_url"].startswith("/media/t_telco/providers/")
    assert real.json()["photo_url"].endswith(".jpg")
    storages._storages.pop("default", None)


def test_suspended_profiles_are_hidden_from_others(tenant_a):
    created = tenant_a.client("provider").post("/api/providers/me/", PROFILE, format="json").json()
    with tenant_a.context():
        ProviderProfile.objects.filter(pk=created["id"]).update(is_suspended=True)

    assert tenant_a.client("customer").get(f"/api/providers/{created['id']}/").status_code == 404
    assert tenant_a.client("provider").get(f"/api/providers/{created['id']}/").status_code == 200
    assert tenant_a.client("admin").get(f"/api/providers/{created['id']}/").status_code == 200
