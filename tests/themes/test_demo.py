"""The demo tenants get two clearly different, valid brands, once."""

from quartier.themes import tokens as t
from quartier.themes.demo import DEMO_THEMES, demo_theme_apply
from quartier.themes.models import Theme


def test_the_demo_themes_are_valid_and_clearly_different():
    telco, acme = (t.tokens_validate(DEMO_THEMES[slug]) for slug in ("telco", "acme"))

    for field in ("primary", "secondary", "background", "text", "font", "radius", "hero_title"):
        assert telco[field] != acme[field], field


def test_demo_seeding_publishes_each_brand_once(tenant_a, tenant_b):
    for handle in (tenant_a, tenant_b):
        with handle.context():
            demo_theme_apply(tenant=handle.tenant)
            demo_theme_apply(tenant=handle.tenant)

    telco_css = tenant_a.client().get("/theme.css").content.decode()
    acme_home = tenant_b.client().get("/").content.decode()
    assert telco_css.startswith(":root{--q-primary:#c4005f;")
    assert "At home outdoors, with help from the neighbourhood" in acme_home
    for handle in (tenant_a, tenant_b):
        with handle.context():
            assert Theme.objects.get().version == 2
