"""An invitation code raced by many sign-ups at once: exactly its maximum get in.

A tenant of its own with committed data (threads have their own connections; see
tests/bookings/test_concurrency.py)."""

import threading

import pytest
from django.db import connection, connections

from quartier.accounts.models import User
from quartier.accounts.services import user_signup
from quartier.marketplace.eligibility import BOOK, invitation_create, rule_set
from quartier.marketplace.models import InvitationCode, InvitationUse
from quartier.platform.errors import ApplicationError
from quartier.platform.tenancy import public_context, tenant_context
from quartier.tenants.services import tenant_delete, tenant_provision, tenant_purge
from tests.conftest import PASSWORD


@pytest.fixture(scope="module")
def gate_tenant(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), public_context():
        tenant = tenant_provision(
            name="Gate", slug="gate", admin_email="a@gate.test", admin_password=PASSWORD
        ).tenant
    yield tenant
    with django_db_blocker.unblock(), public_context():
        tenant_purge(tenant=tenant_delete(tenant=tenant))


@pytest.fixture
def committed(django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def test_twelve_sign_ups_racing_for_three_uses_let_exactly_three_in(gate_tenant, committed):
    with tenant_context(gate_tenant):
        rule_set(role=BOOK, kind="codes")
        admin = User.objects.get(email="a@gate.test")
        code = invitation_create(role=BOOK, actor=admin, max_uses=3).code
    barrier = threading.Barrier(12)
    results: list = [None] * 12

    def sign_up(index):
        try:
            barrier.wait()
            with tenant_context(gate_tenant):
                results[index] = user_signup(
                    email=f"racer{index}@gate.test", password=PASSWORD, invitation_code=code
                )
        except Exception as error:  # collected and asserted below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    admitted = [r for r in results if isinstance(r, User)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(admitted) == 3
    assert len(refused) == 9
    assert {(e.status, e.extra["reason"]) for e in refused} == {(403, "code_used_up")}
    with tenant_context(gate_tenant):
        assert InvitationCode.objects.get(code=code).uses == 3
        assert InvitationUse.objects.count() == 3
        assert User.objects.filter(email__startswith="racer").count() == 3
