"""Sample providers and listings for the demo marketplaces (`make demo`)."""

from quartier.accounts.models import User
from quartier.accounts.services import user_create
from quartier.catalog.models import Category, Listing
from quartier.catalog.services.listings import listing_create, listing_set_status
from quartier.platform.money import Money
from quartier.providers.services import provider_profile_create, provider_vetting_set

# slug -> [(email name, display name, postal code, languages, skills,
#           [(category slug, title, price in francs, unit, description)])]
DEMO_PROVIDERS = {
    "telco": [
        (
            "lea",
            "Lea Meier",
            "8004",
            ["de", "en"],
            ["WLAN", "Router", "Mesh"],
            [
                (
                    "router-setup",
                    "WLAN setup",
                    60,
                    "hour",
                    "I set up your router and WLAN so that every room has a strong signal.",
                ),
                (
                    "tv-box",
                    "TV-Box installieren",
                    80,
                    "visit",
                    "Installation der TV-Box, Sender sortieren, Aufnahme einrichten.",
                ),
            ],
        ),
        (
            "marco",
            "Marco Rossi",
            "8003",
            ["de", "it"],
            ["Smartphone", "Backup"],
            [
                (
                    "smartphone-setup",
                    "Smartphone einrichten",
                    50,
                    "hour",
                    "Neues Handy? Ich übertrage Kontakte, Fotos und Apps vom alten Gerät.",
                ),
                (
                    "wlan-optimisation",
                    "WLAN optimieren",
                    55,
                    "hour",
                    "Funklöcher finden und beheben, Mesh-Systeme einrichten.",
                ),
            ],
        ),
        (
            "sophie",
            "Sophie Dubois",
            "8050",
            ["fr", "de"],
            ["Ordinateur", "Imprimante"],
            [
                (
                    "computer-help",
                    "Aide informatique à domicile",
                    45,
                    "hour",
                    "Ordinateur lent, imprimante en panne, sauvegardes: je vous aide.",
                ),
            ],
        ),
    ],
    "acme": [
        (
            "nina",
            "Nina Keller",
            "3011",
            ["de", "en"],
            ["Tents", "Bikes"],
            [
                (
                    "furniture-assembly",
                    "Tent and gear check",
                    40,
                    "visit",
                    "I check and repair your tent, poles and sleeping mats before the season.",
                ),
            ],
        ),
        (
            "tom",
            "Tom Baker",
            "3007",
            ["en", "de"],
            ["Moving", "Van"],
            [
                (
                    "moving-help",
                    "Moving help with van",
                    90,
                    "hour",
                    "Two hands and a van for your move within Bern.",
                ),
            ],
        ),
    ],
}


def seed_demo_catalog(*, tenant, password: str) -> None:
    for name, display, postal, languages, skills, offers in DEMO_PROVIDERS.get(tenant.slug, []):
        email = f"{name}@{tenant.slug}.example"
        if User.objects.filter(email=email).exists():
            continue
        user = user_create(
            email=email, password=password, full_name=display, role=User.Role.PROVIDER
        )
        profile = provider_profile_create(
            user=user,
            display_name=display,
            home_postal_code=postal,
            languages=languages,
            skills=skills,
            service_radius_km=10,
        )
        provider_vetting_set(provider=profile, vetted=True)
        for category_slug, title, francs, unit, description in offers:
            listing = listing_create(
                provider=profile,
                category=Category.objects.get(slug=category_slug),
                title=title,
                price=Money(francs * 100, "CHF"),
                price_unit=unit,
                description=description,
                language=languages[0],
                radius_km=10,
            )
            listing_set_status(listing=listing, status=Listing.Status.PUBLISHED)
