"""The living style guide: every component in the tenant's theme, development only."""

import pytest

from quartier.trust.models import Badge


def test_the_style_guide_is_a_404_unless_turned_on(tenant_a, settings):
    settings.DEBUG = False
    settings.STYLE_GUIDE = False

    assert tenant_a.client().get("/style-guide/").status_code == 404


@pytest.mark.parametrize("switch", ["DEBUG", "STYLE_GUIDE"])
def test_the_style_guide_lists_every_component(tenant_a, settings, switch):
    settings.DEBUG = False
    settings.STYLE_GUIDE = False
    setattr(settings, switch, True)

    page = tenant_a.session_client("customer").get("/style-guide/")

    html = page.content.decode()
    assert page.status_code == 200
    for component in (
        'class="q-header"',
        '<details class="q-account">',
        '<li class="result">',
        'class="rating"',
        'class="q-price',
        'class="bk-strip"',
        'class="bk-chip"',
        'class="bk-stepper"',
        'class="bk-status bk-status-requested"',
        'class="q-empty"',
        'class="q-toast q-toast-success"',
        'class="q-skeletons htmx-indicator"',
        '<p id="id_postal_code-error" class="error">',
    ):
        assert component in html, component


def test_badges_show_the_colour_and_icon_the_tenant_chose(tenant_a, tenant_b, settings):
    settings.STYLE_GUIDE = True
    with tenant_a.context():
        badge = Badge.objects.filter(is_active=True).first()
        Badge.objects.filter(pk=badge.pk).update(colour="#7a1f5c", icon="bolt")

    mine = tenant_a.client().get("/style-guide/").content.decode()
    theirs = tenant_b.client().get("/style-guide/").content.decode()

    assert 'fill="#7a1f5c"' in mine
    assert 'd="M13 2 3 14h7l-1 8 10-12h-7z"' in mine  # the bolt
    assert "#7a1f5c" not in theirs
