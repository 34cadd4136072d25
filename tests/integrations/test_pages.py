"""The integrations pages render for admins with a label on every input."""

import pytest

from tests.backoffice.test_pages import _unlabelled
from tests.integrations.isolation import _delivery


@pytest.mark.parametrize(
    "path",
    [
        "/back-office/api-keys/",
        "/back-office/webhooks/",
        "/back-office/webhooks/{endpoint}/",
        "/back-office/webhooks/deliveries/{pk}/",
    ],
)
def test_each_page_renders_with_labelled_inputs(tenant_a, path):
    with tenant_a.context():
        params = _delivery(tenant_a)

    response = tenant_a.session_client("admin").get(path.format(**params))

    assert response.status_code == 200
    assert _unlabelled(response.content.decode()) == []
