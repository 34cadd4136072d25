from django_tenants.utils import schema_exists

from quartier.tenants.models import Domain, Tenant


def test_suspended_tenant_shows_maintenance_and_api_answers_503(operator_client, tenant_a):
    # given a warm cache that says "active"
    assert tenant_a.client().get("/").status_code == 200

    # when
    response = operator_client.post(
        f"/api/operator/tenants/{tenant_a.slug}/suspend/",
        {"reason": "unpaid invoice"},
        format="json",
    )

    # then
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"
    page = tenant_a.client().get("/")
    assert page.status_code == 503
    assert "temporarily unavailable" in page.content.decode()
    api = tenant_a.client("admin").get("/api/me/")
    assert api.status_code == 503
    assert api.json() == {
        "code": "tenant_suspended",
        "message": "This marketplace is temporarily unavailable.",
        "fields": {},
    }
    assert api["Retry-After"] == "3600"


def test_resume_brings_the_tenant_back(operator_client, tenant_a):
    operator_client.post(f"/api/operator/tenants/{tenant_a.slug}/suspend/", format="json")

    response = operator_client.post(f"/api/operator/tenants/{tenant_a.slug}/resume/")

    assert response.json()["status"] == "active"
    assert tenant_a.client("admin").get("/api/me/").status_code == 200


def test_illegal_status_changes_answer_409_with_the_current_status(operator_client, tenant_a):
    response = operator_client.post(f"/api/operator/tenants/{tenant_a.slug}/resume/")

    assert response.status_code == 409
    assert response.json()["code"] == "illegal_status_change"
    assert response.json()["status"] == "active"
    purge = operator_client.post(
        f"/api/operator/tenants/{tenant_a.slug}/purge/", {"confirm": tenant_a.slug}, format="json"
    )
    assert purge.status_code == 409
    assert schema_exists(tenant_a.tenant.schema_name)


def test_soft_delete_hides_the_marketplace_but_keeps_the_schema(operator_client, tenant_a):
    response = operator_client.delete(
        f"/api/operator/tenants/{tenant_a.slug}/", {"reason": "contract ended"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "deleted"
    assert tenant_a.client().get("/").status_code == 404
    assert tenant_a.client("admin").get("/api/me/").json()["code"] == "tenant_not_found"
    assert schema_exists(tenant_a.tenant.schema_name)
    restored = operator_client.post(f"/api/operator/tenants/{tenant_a.slug}/restore/")
    assert restored.json()["status"] == "active"
    assert tenant_a.client("admin").get("/api/me/").status_code == 200


def test_purge_drops_the_schema_only_after_delete_and_confirmation(operator_client, tenant_a):
    slug, schema_name = tenant_a.slug, tenant_a.tenant.schema_name
    operator_client.delete(f"/api/operator/tenants/{slug}/")

    unconfirmed = operator_client.post(
        f"/api/operator/tenants/{slug}/purge/", {"confirm": "yes"}, format="json"
    )
    assert unconfirmed.status_code == 400
    assert list(unconfirmed.json()["fields"]) == ["confirm"]
    assert schema_exists(schema_name)

    purged = operator_client.post(
        f"/api/operator/tenants/{slug}/purge/", {"confirm": slug}, format="json"
    )

    assert purged.status_code == 204
    assert not schema_exists(schema_name)
    assert not Tenant.objects.filter(slug=slug).exists()
    assert not Domain.objects.filter(domain=tenant_a.host).exists()
    assert tenant_a.client().get("/").status_code == 404


def test_custom_domains_are_added_and_removed(operator_client, tenant_a):
    # given the host is unknown (and that answer is cached)
    assert tenant_a.client().get("/", HTTP_HOST="hilfe.telco.ch").status_code == 404

    added = operator_client.post(
        f"/api/operator/tenants/{tenant_a.slug}/domains/",
        {"domain": "Hilfe.Telco.ch"},
        format="json",
    )

    assert added.status_code == 201
    assert tenant_a.client().get("/", HTTP_HOST="hilfe.telco.ch").status_code == 200
    duplicate = operator_client.post(
        f"/api/operator/tenants/{tenant_a.slug}/domains/",
        {"domain": "hilfe.telco.ch"},
        format="json",
    )
    assert (duplicate.status_code, duplicate.json()["code"]) == (400, "domain_taken")
    primary = operator_client.delete(
        f"/api/operator/tenants/{tenant_a.slug}/domains/{tenant_a.host}/"
    )
    assert (primary.status_code, primary.json()["code"]) == (400, "primary_domain_removal")

    removed = operator_client.delete(
        f"/api/operator/tenants/{tenant_a.slug}/domains/hilfe.telco.ch/"
    )

    assert removed.status_code == 200
    assert tenant_a.client().get("/", HTTP_HOST="hilfe.telco.ch").status_code == 404


def test_unknown_tenant_slug_is_404(operator_client):
    response = operator_client.get("/api/operator/tenants/nobody/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
