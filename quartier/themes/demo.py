"""The demo tenants' brands: different colours, fonts, corners and texts at a glance."""

from quartier.themes import tokens as t

DEMO_THEMES = {
    "telco": {
        "primary": "#c4005f",
        "secondary": "#6b2c91",
        "background": "#fff8fb",
        "text": "#2a0a1c",
        "font": "geometric",
        "radius": 18,
        "hero_title": {
            "de": "Hilfe aus der Nachbarschaft – für alle Telco-Kundinnen und -Kunden",
            "fr": "De l'aide dans votre quartier, pour tous les clients Telco",
            "it": "Aiuto dal vicinato per tutti i clienti Telco",
            "en": "Neighbourhood help for every Telco customer",
        },
        "hero_text": {
            "de": "Vom Router-Setup bis zum Einkauf: geprüfte Telco Friends helfen in Ihrer Nähe.",
            "fr": "De la box internet aux courses : des Telco Friends vérifiés près de chez vous.",
            "it": "Dal router alla spesa: Telco Friends verificati vicino a te.",
            "en": "From router set-up to groceries: vetted Telco Friends near you.",
        },
        "footer_links": [
            {
                "url": "https://www.telco.example/help",
                "labels": {"de": "Hilfe", "fr": "Aide", "it": "Aiuto", "en": "Help"},
            },
            {
                "url": "https://www.telco.example/contact",
                "labels": {"de": "Kontakt", "fr": "Contact", "it": "Contatto", "en": "Contact"},
            },
        ],
        "imprint": {
            "de": "Telco Friends AG\nBeispielstrasse 1\n8000 Zürich\n\nE-Mail: hallo@telco.example",
            "en": "Telco Friends Ltd\nBeispielstrasse 1\n8000 Zurich\n\nEmail: hello@telco.example",
        },
        "privacy": {
            "de": "Wir bearbeiten Ihre Daten nur, um Ihre Buchungen auszuführen.",
            "en": "We process your data only to carry out your bookings.",
        },
    },
    "acme": {
        "primary": "#1d4e2c",
        "secondary": "#a34700",
        "background": "#f7f3ea",
        "text": "#1f1a14",
        "font": "old-style",
        "radius": 2,
        "hero_title": {
            "de": "Draussen zu Hause – mit Hilfe aus dem Quartier",
            "fr": "Dehors comme chez soi, avec l'aide du quartier",
            "it": "Fuori come a casa, con l'aiuto del quartiere",
            "en": "At home outdoors, with help from the neighbourhood",
        },
        "hero_text": {
            "de": "Gartenarbeit, Velo-Service und Touren-Begleitung von geprüften Leuten.",
            "fr": "Jardinage, entretien de vélo et accompagnement en randonnée.",
            "it": "Giardinaggio, manutenzione bici e accompagnamento in escursione.",
            "en": "Gardening, bike service and hiking companions, all vetted.",
        },
        "footer_links": [
            {
                "url": "https://acme.example/stores",
                "labels": {"de": "Filialen", "fr": "Magasins", "it": "Negozi", "en": "Stores"},
            },
        ],
        "imprint": {
            "en": "Acme Outdoor Ltd\nBergweg 5\n3000 Bern\n\nEmail: hello@acme.example",
        },
        "privacy": {"en": "We use your data only for your bookings and never sell it."},
    },
}


def demo_theme_apply(*, tenant) -> None:
    """Publish the demo brand once; a theme someone already published is left alone."""
    from quartier.accounts.models import User
    from quartier.themes.selectors import theme_get
    from quartier.themes.services import theme_draft_update, theme_publish

    tokens = DEMO_THEMES.get(tenant.slug)
    theme = theme_get()
    if tokens is None or theme.published_at is not None:
        return
    admin = User.objects.filter(role=User.Role.ADMIN).order_by("id").first()
    theme_draft_update(actor=admin, changes=t.tokens_validate(tokens))
    theme_publish(actor=admin)
