"""The providers app owns the provider's facts: each changes through one service."""

import ast
from pathlib import Path

import pytest

import quartier
from quartier.platform import events
from quartier.providers.events import ProviderFactsChanged
from quartier.providers.models import ProviderProfile
from quartier.providers.services import (
    provider_badges_set,
    provider_completed_jobs_increment,
    provider_rating_set,
    provider_suspension_set,
    provider_vetting_set,
)
from tests.catalog.factories import make_provider


@pytest.fixture
def published():
    """The ProviderFactsChanged events published while the test runs."""
    seen: list[int] = []

    def record(event: ProviderFactsChanged) -> None:
        seen.append(event.provider_id)

    events.subscribe(ProviderFactsChanged, record)
    yield seen
    events.unsubscribe(ProviderFactsChanged, record)


def test_each_fact_changes_through_its_service_and_tells_the_subscribers(tenant_a, published):
    with tenant_a.context():
        provider = make_provider(vetted=False)

        # vetting: the vetted badge follows at once (trust subscribes)
        provider_vetting_set(provider=provider, vetted=True)
        provider.refresh_from_db()
        assert (provider.is_vetted, provider.vetted_at is not None) == (True, True)
        assert provider.badge_slugs == ["vetted"]

        provider_completed_jobs_increment(provider_id=provider.pk)
        provider_completed_jobs_increment(provider_id=provider.pk)
        provider_rating_set(provider_id=provider.pk, rating_count=1, rating_sum=5)
        provider.refresh_from_db()
        assert (provider.completed_jobs, provider.rating_count, provider.rating_sum) == (2, 1, 5)
        assert provider.rating_score == 417  # (5 x 4 + 5) / (5 + 1) stars, x 100

        # suspension: the vetted badge's rule no longer holds
        provider_suspension_set(provider=provider, suspended=True)
        provider.refresh_from_db()
        assert (provider.is_suspended, provider.badge_slugs) == (True, [])

        assert published == [provider.pk] * 5

        # the badges shown are not a fact rules read: nothing is published
        provider_badges_set(provider_id=provider.pk, badge_slugs=["top-rated", "first-aid"])
        assert ProviderProfile.objects.get(pk=provider.pk).badge_slugs == ["first-aid", "top-rated"]
        assert published == [provider.pk] * 5


def _writes_provider_rows(tree: ast.AST) -> list[int]:
    """Lines calling ProviderProfile.objects....update/create/bulk_update/..."""
    writes = {"update", "bulk_update", "create", "bulk_create", "get_or_create", "update_or_create"}
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in writes:
            continue
        inner = node.func.value
        while isinstance(inner, ast.Call | ast.Attribute):
            inner = inner.func if isinstance(inner, ast.Call) else inner.value
        if isinstance(inner, ast.Name) and inner.id == "ProviderProfile":
            lines.append(node.lineno)
    return lines


def test_no_other_app_writes_a_provider_row():
    root = Path(quartier.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] == "providers" or "migrations" in relative.parts:
            continue
        for line in _writes_provider_rows(ast.parse(path.read_text())):
            offenders.append(f"{relative}:{line}")
    assert offenders == []
