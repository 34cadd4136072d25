import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_exists

from quartier.accounts.models import User
from quartier.marketplace.models import MarketplaceSettings
from quartier.platform.errors import ApplicationError
from quartier.platform.initialisers import (
    tenant_initialiser_register,
    tenant_initialiser_unregister,
)
from quartier.platform.tenancy import tenant_context
from quartier.tenants.models import Domain, PoolSchema, Tenant
from quartier.tenants.pool import pool_fill, pool_size
from quartier.tenants.services import tenant_provision
from tests.conftest import PASSWORD


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def _provision(**overrides):
    arguments = {
        "name": "Velo Help",
        "slug": "velo",
        "admin_email": "Boss@Velo.test",
        "admin_password": PASSWORD,
    }
    arguments.update(overrides)
    return tenant_provision(**arguments)


def test_provisioning_creates_a_complete_tenant(db, client):
    # given a ready pool (committed tests elsewhere may have claimed every schema)
    pool_fill(target=1)
    pool_before = pool_size()

    # when
    provisioned = _provision(custom_domains=["help.velo.ch"], language="fr", currency="EUR")

    # then
    tenant = provisioned.tenant
    assert tenant.schema_name == "t_velo"
    assert tenant.status == Tenant.Status.ACTIVE
    assert tenant.plan.code == "starter"
    assert schema_exists("t_velo")
    assert pool_size() == pool_before - 1
    domains = {(d.domain, d.is_primary, d.is_custom) for d in tenant.domains.all()}
    assert domains == {("velo.localhost", True, False), ("help.velo.ch", False, True)}
    with tenant_context(tenant):
        admin = User.objects.get()
        assert (admin.email, admin.role) == ("boss@velo.test", User.Role.ADMIN)
        settings_row = MarketplaceSettings.objects.get()
        assert (
            settings_row.display_name,
            settings_row.default_language,
            settings_row.currency,
        ) == ("Velo Help", "fr", "EUR")
    response = client.post(
        "/api/auth/token/",
        {"email": "boss@velo.test", "password": PASSWORD},
        HTTP_HOST="help.velo.ch",
        content_type="application/json",
    )
    assert response.status_code == 200
    assert provisioned.activation_url is None


def test_without_a_password_the_admin_gets_a_one_time_activation_link(db, client):
    provisioned = _provision(admin_password=None)

    url = provisioned.activation_url
    assert url.startswith("http://velo.localhost/accounts/password/set/")
    path = url.removeprefix("http://velo.localhost")
    form = client.get(path, HTTP_HOST="velo.localhost", follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
        HTTP_HOST="velo.localhost",
    )
    assert done.status_code == 302
    response = client.post(
        "/api/auth/token/",
        {"email": "boss@velo.test", "password": PASSWORD},
        HTTP_HOST="velo.localhost",
        content_type="application/json",
    )
    assert response.status_code == 200
    # The link is single-use: the password it set invalidates it.
    assert (
        "invalid"
        in client.get(path, HTTP_HOST="velo.localhost", HTTP_ACCEPT_LANGUAGE="en", follow=True)
        .content.decode()
        .lower()
    )


@pytest.mark.parametrize(
    ("slug", "code"),
    [
        ("www", "reserved_slug"),
        ("admin", "reserved_slug"),
        ("public", "reserved_slug"),
        ("Telco", "invalid_slug"),
        ("UPPER", "invalid_slug"),
        ("x'; DROP SCHEMA public CASCADE; --", "invalid_slug"),
        ('a"b', "invalid_slug"),
        ("a" * 64, "invalid_slug"),
        ("a" * 41, "invalid_slug"),
        ("", "invalid_slug"),
        ("-abc", "invalid_slug"),
        ("abc-", "invalid_slug"),
        ("a--b", "invalid_slug"),
        ("1abc", "invalid_slug"),
        ("a", "invalid_slug"),
        ("pg-catalog", "reserved_slug"),
    ],
)
def test_bad_slugs_are_refused_before_anything_is_written(db, slug, code):
    schemas_before, tenants_before = _schemas(), Tenant.objects.count()

    with pytest.raises(ApplicationError) as raised:
        _provision(slug=slug)

    assert raised.value.code == code
    assert list(raised.value.fields) == ["slug"]
    assert raised.value.status == 400
    assert Tenant.objects.count() == tenants_before
    assert _schemas() == schemas_before


def test_taken_slug_and_domains_are_refused(tenant_a):
    with pytest.raises(ApplicationError) as raised:
        _provision(slug="telco")
    assert (raised.value.code, list(raised.value.fields)) == ("slug_taken", ["slug"])

    _provision(slug="velo", custom_domains=["help.velo.ch"])
    with pytest.raises(ApplicationError) as raised:
        _provision(slug="velo2", admin_email="x@velo2.test", custom_domains=["HELP.velo.ch"])
    assert (raised.value.code, list(raised.value.fields)) == ("domain_taken", ["domains"])


@pytest.mark.parametrize(
    "domains",
    [
        ["not a domain"],
        ["shop.localhost"],
        ["a" * 64 + ".ch"],
        ["x.ch", "x.ch"],
        "x.ch",
        ["<script>.ch"],
    ],
)
def test_bad_custom_domains_are_refused(db, domains):
    with pytest.raises(ApplicationError) as raised:
        _provision(custom_domains=domains)
    assert list(raised.value.fields) == ["domains"]
    assert not Tenant.objects.filter(slug="velo").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"admin_email": "not-an-email"}, "admin_email"),
        ({"admin_password": "short"}, "admin_password"),
        ({"plan_code": "platinum"}, "plan"),
        ({"language": "xx"}, "language"),
        ({"currency": "USD"}, "currency"),
    ],
)
def test_other_bad_input_names_the_field(db, overrides, field):
    with pytest.raises(ApplicationError) as raised:
        _provision(**overrides)
    assert list(raised.value.fields) == [field]
    assert not Tenant.objects.filter(slug="velo").exists()


def _explode(*, tenant, seed):
    raise RuntimeError("the disk is full")


@pytest.fixture
def exploding_initialiser():
    tenant_initialiser_register(_explode, order=1000)  # after every app's own
    yield
    tenant_initialiser_unregister(_explode)


def test_provisioning_failing_midway_leaves_nothing_behind(db, exploding_initialiser):
    # given an initialiser that fails after the schema was claimed and rows written
    pool_before = set(PoolSchema.objects.values_list("schema_name", flat=True))
    schemas_before = _schemas()

    # when
    with pytest.raises(RuntimeError, match="the disk is full"):
        _provision()

    # then the pool schema is back, and no tenant, domain or schema was left
    assert set(PoolSchema.objects.values_list("schema_name", flat=True)) == pool_before
    assert _schemas() == schemas_before
    assert not schema_exists("t_velo")
    assert not Tenant.objects.filter(slug="velo").exists()
    assert not Domain.objects.filter(domain="velo.localhost").exists()


def test_an_empty_pool_builds_the_schema_from_the_script(db):
    PoolSchema.objects.all().delete()  # rows only: the transaction is rolled back later

    provisioned = _provision()

    assert schema_exists("t_velo")
    with tenant_context(provisioned.tenant):
        assert User.objects.get().email == "boss@velo.test"


def test_the_command_provisions_and_reports_errors(db, capsys):
    call_command(
        "tenant",
        "create",
        "velo",
        "--name",
        "Velo Help",
        "--admin-email",
        "boss@velo.test",
        "--plan",
        "growth",
    )

    output = capsys.readouterr().out
    assert "Provisioned Velo Help at http://velo.localhost/" in output
    assert "activation link (set a password): http://velo.localhost/accounts/" in output
    assert Tenant.objects.get(slug="velo").plan.code == "growth"
    with pytest.raises(CommandError, match="reserved"):
        call_command("tenant", "create", "www", "--name", "W", "--admin-email", "a@b.ch")


def test_the_operator_api_provisions(operator_client):
    response = operator_client.post(
        "/api/operator/tenants/",
        {
            "name": "Velo Help",
            "slug": "velo",
            "admin_email": "boss@velo.test",
            "plan": "enterprise",
            "domains": ["help.velo.ch"],
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "velo"
    assert body["plan"] == "enterprise"
    assert body["url"] == "http://velo.localhost/"
    assert body["admin"]["email"] == "boss@velo.test"
    assert body["admin"]["activation_url"].startswith(
        "http://velo.localhost/accounts/password/set/"
    )
    assert [d["domain"] for d in body["domains"]] == ["velo.localhost", "help.velo.ch"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"slug": "www"}, "slug"),
        ({"slug": "a" * 64}, "slug"),
        ({"slug": "Robert'); DROP TABLE tenants_tenant;--"}, "slug"),
        ({"slug": "telco"}, "slug"),
        ({"domains": ["telco.localhost"]}, "domains"),
        ({"domains": "x.ch"}, "domains"),
        ({"admin_email": "nope"}, "admin_email"),
        ({"name": ""}, "name"),
        ({"plan": "gold"}, "plan"),
    ],
)
def test_the_operator_api_answers_bad_input_with_400_naming_the_field(
    operator_client, tenant_a, payload, field
):
    tenants_before = Tenant.objects.count()
    body = {"name": "Velo", "slug": "velo", "admin_email": "boss@velo.test", **payload}

    response = operator_client.post("/api/operator/tenants/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert response.json()["message"]
    assert Tenant.objects.count() == tenants_before


def test_the_operator_api_requires_operator_staff(tenant_a, client):
    anonymous = client.post(
        "/api/operator/tenants/", {}, HTTP_HOST="localhost", content_type="application/json"
    )
    tenant_admin_on_platform = tenant_a.client("admin")
    tenant_admin_on_platform.defaults["HTTP_HOST"] = "localhost"

    assert anonymous.status_code == 401
    assert tenant_admin_on_platform.get("/api/operator/tenants/").status_code == 401
    # A tenant's own host does not even route the operator API.
    assert tenant_a.client("admin").get("/api/operator/tenants/").status_code == 404


def test_the_operator_admin_provisions_through_the_service(db, client):
    staff = User.objects.create_superuser(email="staff@platform.test", password=PASSWORD)
    client.force_login(staff)

    response = client.post(
        "/admin/tenants/tenant/add/",
        {
            "name": "Velo Help",
            "slug": "velo",
            "admin_email": "boss@velo.test",
            "admin_password": "",
            "plan": "starter",
            "custom_domains": "help.velo.ch",
            "language": "de",
            "currency": "CHF",
        },
        HTTP_HOST="localhost",
    )

    assert response.status_code == 302
    tenant = Tenant.objects.get(slug="velo")
    assert set(tenant.domains.values_list("domain", flat=True)) == {
        "velo.localhost",
        "help.velo.ch",
    }
    refused = client.post(
        "/admin/tenants/tenant/add/",
        {
            "name": "W",
            "slug": "www",
            "admin_email": "a@b.ch",
            "plan": "starter",
            "language": "de",
            "currency": "CHF",
        },
        HTTP_HOST="localhost",
    )
    assert refused.status_code == 200
    assert "is reserved" in refused.content.decode()
