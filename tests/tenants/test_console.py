"""The operator console: staff only, tenants with status and plan, provisioning, suspend and
resume with a reason, fleet health."""

import pytest
from django.test import Client

from quartier.accounts.models import User
from quartier.platform.models import DeadLetter
from quartier.tenants.models import Tenant
from quartier.tenants.pool import pool_size
from tests.conftest import PASSWORD, PLATFORM_HOST

CONSOLE = "/operator/"
FLEET = "/operator/fleet/"


@pytest.fixture
def operator(operator_token, db) -> Client:
    """A session of the operator's staff user, on the platform domain."""
    client = Client(HTTP_HOST=PLATFORM_HOST)
    client.force_login(User.objects.get(email="ops@platform.test"))
    return client


def _status_url(slug: str) -> str:
    return f"/operator/tenants/{slug}/status/"


def _provision_form(**changes) -> dict:
    data = {
        "name": "Velo Help",
        "slug": "velo",
        "admin_email": "boss@velo.test",
        "admin_password": PASSWORD,
        "plan": "starter",
        "custom_domains": "",
        "language": "fr",
        "currency": "CHF",
    }
    data.update(changes)
    return data


def test_the_console_lists_tenants_with_status_plan_and_fleet_health(tenant_a, operator):
    DeadLetter.objects.create(
        task_name="billing.payment_settle",
        schema_name=tenant_a.tenant.schema_name,
        exception_type="RuntimeError",
        attempts=5,
    )

    response = operator.get(CONSOLE)
    fleet = operator.get(FLEET)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Telco Friends" in html
    assert "Acme Outdoor" in html
    assert html.count(">Active<") >= 2
    assert tenant_a.tenant.plan.name in html
    html = fleet.content.decode()
    assert fleet.status_code == 200
    assert f'<dd id="health-pool">{pool_size()}</dd>' in html
    assert '<dd id="health-dead-letters">1</dd>' in html
    assert '<dd id="health-ready">yes</dd>' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_staff_are_sent_from_the_landing_page_to_the_console(operator):
    response = operator.get("/")

    assert response.status_code == 302
    assert response["Location"] == CONSOLE


def test_anonymous_visitors_are_sent_to_the_operator_sign_in(db):
    response = Client(HTTP_HOST=PLATFORM_HOST).get(CONSOLE)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_platform_users_without_staff_rights_are_refused(db):
    user = User.objects.create_user(email="someone@platform.test", password=PASSWORD)
    client = Client(HTTP_HOST=PLATFORM_HOST)
    client.force_login(user)

    assert client.get(CONSOLE).status_code == 403
    assert client.post(_status_url("telco"), {"telco-action": "resume"}).status_code == 403


def test_a_tenant_admins_session_is_anonymous_on_the_platform(tenant_a):
    # the tenant admin's session cookie, replayed on the platform domain
    client = tenant_a.session_client("admin")
    client.defaults["HTTP_HOST"] = PLATFORM_HOST

    page = client.get(CONSOLE)
    suspend = client.post(
        _status_url(tenant_a.slug), {"telco-action": "suspend", "telco-reason": "x"}
    )

    assert page.wsgi_request.user.is_anonymous
    assert (page.status_code, suspend.status_code) == (302, 302)
    assert Tenant.objects.get(pk=tenant_a.tenant.pk).status == Tenant.Status.ACTIVE


def test_the_console_is_not_served_on_tenant_hosts(tenant_a):
    assert tenant_a.session_client("admin").get(CONSOLE).status_code == 404


def test_an_operator_provisions_a_tenant_through_the_form(operator):
    response = operator.post(CONSOLE, _provision_form())

    assert response.status_code == 302
    tenant = Tenant.objects.get(slug="velo")
    assert (tenant.name, tenant.plan.code, tenant.status) == ("Velo Help", "starter", "active")
    assert "Provisioned Velo Help." in operator.get(CONSOLE).content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "Not a slug!"}, "slug"),
        ({"slug": "telco"}, "slug"),
        ({"admin_email": "nobody"}, "admin_email"),
        ({"plan": "platinum"}, "plan"),
        ({"custom_domains": "not a domain"}, "custom_domains"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_provisioning_input_is_a_form_error(tenant_a, operator, changes, field):
    before = Tenant.objects.count()

    response = operator.post(CONSOLE, _provision_form(**changes))

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert Tenant.objects.count() == before


def test_an_operator_suspends_with_a_reason_and_resumes(tenant_a, operator):
    url = _status_url(tenant_a.slug)

    suspended = operator.post(
        url, {"telco-action": "suspend", "telco-reason": "Unpaid invoice", "telco-confirm": "on"}
    )
    tenant = Tenant.objects.get(pk=tenant_a.tenant.pk)
    assert (tenant.status, tenant.status_reason) == ("suspended", "Unpaid invoice")
    storefront = tenant_a.client().get("/api/listings/")
    resumed = operator.post(url, {"telco-action": "resume", "telco-confirm": "on"})

    assert (suspended.status_code, resumed.status_code) == (302, 302)
    assert storefront.status_code == 503
    assert Tenant.objects.get(pk=tenant_a.tenant.pk).status == Tenant.Status.ACTIVE


def test_suspending_needs_a_reason_and_resuming_an_active_tenant_is_a_form_error(
    tenant_a, operator
):
    url = _status_url(tenant_a.slug)

    confirmed = {"telco-confirm": "on"}
    no_reason = operator.post(url, {"telco-action": "suspend", "telco-reason": "", **confirmed})
    not_suspended = operator.post(url, {"telco-action": "resume", **confirmed})
    bad_action = operator.post(url, {"telco-action": "explode", **confirmed})
    unconfirmed = operator.post(url, {"telco-action": "suspend", "telco-reason": "Unpaid"})

    statuses = [no_reason, not_suspended, bad_action, unconfirmed]
    assert [response.status_code for response in statuses] == [400, 400, 400, 400]
    assert "Tick the box to confirm." in unconfirmed.content.decode()
    assert "Say why the tenant is suspended." in no_reason.content.decode()
    assert "Cannot resume a tenant that is active." in not_suspended.content.decode()
    assert Tenant.objects.get(pk=tenant_a.tenant.pk).status == Tenant.Status.ACTIVE


def test_an_unknown_tenant_is_404(operator):
    response = operator.post(_status_url("nope"), {"nope-action": "resume"})

    assert response.status_code == 404


def test_forms_are_csrf_protected(tenant_a, operator_token):
    client = Client(HTTP_HOST=PLATFORM_HOST, enforce_csrf_checks=True)
    client.force_login(User.objects.get(email="ops@platform.test"))

    response = client.post(
        _status_url(tenant_a.slug), {"telco-action": "suspend", "telco-reason": "x"}
    )

    assert response.status_code == 403
    assert Tenant.objects.get(pk=tenant_a.tenant.pk).status == Tenant.Status.ACTIVE
