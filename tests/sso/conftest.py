import pytest

from tests.oidc.fixtures import oidc_provider_fixture  # noqa: F401


@pytest.fixture
def sso_settings(settings):
    # The test provider listens on http://127.0.0.1: the test-only exception.
    settings.SSO_ALLOW_PRIVATE = True
    return settings
