"""Sample providers and listings for the demo marketplaces (`make demo`).

A few hand-written helpers, then ~60 generated ones per tenant across Swiss cities of the
German-, French- and Italian-speaking regions, with avatars and listing covers drawn by
Pillow (catalog.demo_images), customers, and open tasks with offers. Accounts are
bulk-inserted with one password hash (hashing 100 passwords would take a minute);
profiles, listings, photos, tasks and offers go through the services, so locations,
search vectors, uploads and the offer rules are what a real user would get.
"""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from quartier.accounts.models import User
from quartier.accounts.services import user_create
from quartier.catalog.demo_images import avatar_upload, cover_upload
from quartier.catalog.models import Category, Listing
from quartier.catalog.services.listings import (
    listing_create,
    listing_photo_add,
    listing_set_status,
)
from quartier.catalog.services.tasks import offer_create, task_request_create
from quartier.geo.projection import plane_distance_km
from quartier.platform.money import Money
from quartier.providers.models import ProviderProfile
from quartier.providers.services import (
    provider_photo_set,
    provider_profile_create,
    provider_vetting_set,
)

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
        provider_photo_set(profile=profile, upload=avatar_upload(name=display, number=len(name)))
        provider_vetting_set(provider=profile, vetted=True)
        for category_slug, title, francs, unit, description in offers:
            category = Category.objects.select_related("parent").get(slug=category_slug)
            listing = listing_create(
                provider=profile,
                category=category,
                title=title,
                price=Money(francs * 100, "CHF"),
                price_unit=unit,
                description=description,
                language=languages[0],
                radius_km=10,
            )
            root = category.parent or category
            label = category.name_in(languages[0])
            cover = cover_upload(category_root=root.slug, number=listing.pk, label=label)
            listing_photo_add(listing=listing, upload=cover)
            listing_set_status(listing=listing, status=Listing.Status.PUBLISHED)


# (city, language of the region, postal codes from quartier/geo/data)
CITIES = [
    ("Zürich", "de", ("8001", "8004", "8037", "8050")),
    ("Bern", "de", ("3011", "3012", "3007")),
    ("Basel", "de", ("4051", "4056", "4058")),
    ("Luzern", "de", ("6003", "6004")),
    ("St. Gallen", "de", ("9000", "9008")),
    ("Winterthur", "de", ("8400",)),
    ("Lausanne", "fr", ("1003", "1004", "1005")),
    ("Genève", "fr", ("1201", "1202", "1205")),
    ("Fribourg", "fr", ("1700",)),
    ("Neuchâtel", "fr", ("2000",)),
    ("Lugano", "it", ("6900",)),
    ("Bellinzona", "it", ("6500",)),
]
GENERATED_HELPERS = 60
GENERATED_CUSTOMERS = 40
OPEN_TASKS = 12

FIRST_NAMES = {
    "de": [
        "Anna",
        "Lukas",
        "Mia",
        "Noah",
        "Lea",
        "Jonas",
        "Laura",
        "Reto",
        "Sandra",
        "Urs",
        "Nadine",
        "Beat",
        "Céline",
        "Fabian",
        "Jana",
        "Simon",
        "Corinne",
        "Patrick",
    ],
    "fr": [
        "Camille",
        "Louis",
        "Chloé",
        "Hugo",
        "Léa",
        "Julien",
        "Manon",
        "Nicolas",
        "Sophie",
        "Mathieu",
        "Elodie",
        "Yann",
    ],
    "it": [
        "Giulia",
        "Marco",
        "Sara",
        "Luca",
        "Chiara",
        "Matteo",
        "Elena",
        "Davide",
        "Francesca",
        "Andrea",
    ],
}
LAST_NAMES = {
    "de": [
        "Müller",
        "Meier",
        "Schmid",
        "Keller",
        "Weber",
        "Huber",
        "Schneider",
        "Brunner",
        "Baumann",
        "Fischer",
        "Gerber",
        "Frei",
        "Moser",
        "Wyss",
        "Zürcher",
        "Graf",
    ],
    "fr": [
        "Favre",
        "Rochat",
        "Dubois",
        "Bonvin",
        "Perret",
        "Pittet",
        "Jaquet",
        "Girard",
        "Morel",
        "Chappuis",
    ],
    "it": [
        "Bernasconi",
        "Rossi",
        "Ferrari",
        "Fontana",
        "Galli",
        "Bianchi",
        "Pedrazzini",
        "Lombardi",
        "Colombo",
    ],
}
# category slug -> titles per language, francs, unit, minutes, skills
OFFERS = {
    "router-setup": (
        {
            "de": "Router & WLAN einrichten",
            "fr": "Installation du routeur et du WLAN",
            "it": "Installazione di router e WLAN",
        },
        60,
        "hour",
        60,
        ["Router", "WLAN"],
    ),
    "wlan-optimisation": (
        {
            "de": "WLAN-Empfang verbessern",
            "fr": "Améliorer la couverture WLAN",
            "it": "Migliorare la copertura WLAN",
        },
        55,
        "hour",
        90,
        ["WLAN", "Mesh"],
    ),
    "tv-box": (
        {
            "de": "TV-Box anschliessen und erklären",
            "fr": "Brancher et expliquer la box TV",
            "it": "Collegare e spiegare la TV-Box",
        },
        80,
        "visit",
        60,
        ["TV", "Box"],
    ),
    "streaming": (
        {
            "de": "Streaming auf dem Fernseher einrichten",
            "fr": "Configurer le streaming sur la TV",
            "it": "Configurare lo streaming sulla TV",
        },
        50,
        "visit",
        60,
        ["Streaming", "Apps"],
    ),
    "smartphone-setup": (
        {
            "de": "Neues Smartphone einrichten",
            "fr": "Configurer votre nouveau smartphone",
            "it": "Configurare il nuovo smartphone",
        },
        50,
        "hour",
        60,
        ["Smartphone", "Backup"],
    ),
    "computer-help": (
        {
            "de": "Computerhilfe zu Hause",
            "fr": "Aide informatique à domicile",
            "it": "Assistenza computer a domicilio",
        },
        45,
        "hour",
        60,
        ["Computer", "Drucker"],
    ),
    "furniture-assembly": (
        {"de": "Möbel aufbauen", "fr": "Montage de meubles", "it": "Montaggio di mobili"},
        40,
        "hour",
        120,
        ["Montage", "Werkzeug"],
    ),
    "moving-help": (
        {
            "de": "Umzugshilfe mit Lieferwagen",
            "fr": "Aide au déménagement avec camionnette",
            "it": "Aiuto trasloco con furgone",
        },
        90,
        "hour",
        180,
        ["Umzug", "Lieferwagen"],
    ),
}
DESCRIPTIONS = {
    "de": "Ich komme zu Ihnen, erkläre alles in Ruhe und gehe erst, wenn es läuft. "
    "Termine auch abends und am Samstag.",
    "fr": "Je viens chez vous, j’explique tout calmement et je ne pars que lorsque tout "
    "fonctionne. Rendez-vous aussi le soir et le samedi.",
    "it": "Vengo a casa sua, spiego tutto con calma e me ne vado solo quando tutto funziona. "
    "Appuntamenti anche la sera e il sabato.",
}
# A bio is one opening per language (with the city) and one of the closings.
BIOS = {
    "de": "Seit Jahren helfe ich Nachbarinnen und Nachbarn in {city} mit Technik im Alltag.",
    "fr": "Depuis des années, j’aide mes voisines et voisins à {city} avec la technique.",
    "it": "Da anni aiuto le vicine e i vicini di {city} con la tecnologia di tutti i giorni.",
}
BIO_ENDINGS = {
    "de": (
        "Geduldig, pünktlich und mit eigenem Werkzeug.",
        "Tagsüber Informatiker, abends und samstags für Sie da.",
        "Ich erkläre gerne so, dass Sie es danach selbst können.",
    ),
    "fr": (
        "Patient·e, ponctuel·le et avec mes propres outils.",
        "Informaticien·ne le jour, disponible le soir et le samedi.",
        "J’explique volontiers pour que vous puissiez le refaire seul·e.",
    ),
    "it": (
        "Paziente, puntuale e con i miei attrezzi.",
        "Informatico di giorno, disponibile la sera e il sabato.",
        "Spiego volentieri, così poi può farlo da solo.",
    ),
}
TASKS = [
    ("router-setup", "Internet fällt abends immer aus", "de"),
    ("wlan-optimisation", "Kein WLAN im Kinderzimmer", "de"),
    ("tv-box", "Neue TV-Box anschliessen", "de"),
    ("computer-help", "Drucker druckt nicht mehr", "de"),
    ("furniture-assembly", "Kleiderschrank aufbauen (2 m)", "de"),
    ("moving-help", "Umzug einer 2-Zimmer-Wohnung", "de"),
    ("smartphone-setup", "Fotos vom alten Handy übertragen", "de"),
    ("streaming", "Netflix auf dem Fernseher", "de"),
    ("router-setup", "Installer mon nouveau routeur", "fr"),
    ("computer-help", "Ordinateur très lent", "fr"),
    ("tv-box", "Collegare il decoder", "it"),
    ("moving-help", "Trasloco di un monolocale", "it"),
]


def _root_slugs() -> dict[str, str]:
    """Category slug -> slug of its top-level parent (which picks the cover motif)."""
    return {
        category.slug: category.parent.slug if category.parent else category.slug
        for category in Category.objects.select_related("parent")
    }


def _accounts(
    tenant, *, prefix: str, names: list[str], role: str, languages: list[str], password_hash: str
) -> list[User]:
    """Bulk-insert accounts sharing one hash of the demo password (see module doc)."""
    return User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{number:02d}@{tenant.slug}.example",
                full_name=name,
                role=role,
                preferred_language=language,
                password=password_hash,
            )
            for number, (name, language) in enumerate(zip(names, languages, strict=True), 1)
        ]
    )


def _name(rng: random.Random, language: str, taken: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST_NAMES[language])} {rng.choice(LAST_NAMES[language])}"
        if name not in taken:
            taken.add(name)
            return name


@transaction.atomic
def seed_demo_neighbourhood(*, tenant, password: str, scale: float = 1.0) -> None:
    """~60 helpers in twelve Swiss cities, customers and open tasks with offers; once."""
    if User.objects.filter(email=f"helper01@{tenant.slug}.example").exists():
        return
    # Seeded per tenant: the same demo every time (not a security use).
    rng = random.Random(f"quartier-demo-{tenant.slug}")  # noqa: S311
    password_hash = make_password(password)
    taken: set[str] = set(ProviderProfile.objects.values_list("display_name", flat=True))
    categories = {category.slug: category for category in Category.objects.all()}
    roots = _root_slugs()

    places = [
        (CITIES[index % len(CITIES)], rng.choice(CITIES[index % len(CITIES)][2]))
        for index in range(scaled(GENERATED_HELPERS, scale))
    ]
    helper_languages = [city[1] for city, _code in places]
    helper_names = [_name(rng, language, taken) for language in helper_languages]
    users = _accounts(
        tenant,
        prefix="helper",
        names=helper_names,
        role=User.Role.PROVIDER,
        languages=helper_languages,
        password_hash=password_hash,
    )
    profiles = []
    for number, (user, ((city, language, _codes), code)) in enumerate(
        zip(users, places, strict=True)
    ):
        offered = rng.sample(sorted(OFFERS), k=rng.choice((1, 1, 2, 2, 3)))
        spoken = [language] + [
            other for other in ("de", "fr", "it", "en") if other != language and rng.random() < 0.35
        ]
        profile = provider_profile_create(
            user=user,
            display_name=user.full_name,
            home_postal_code=code,
            languages=spoken,
            skills=sorted({skill for slug in offered for skill in OFFERS[slug][4]}),
            service_radius_km=rng.choice((10, 15, 20, 25)),
            bio=f"{BIOS[language].format(city=city)} {rng.choice(BIO_ENDINGS[language])}",
        )
        provider_photo_set(
            profile=profile, upload=avatar_upload(name=user.full_name, number=number)
        )
        profiles.append((profile, language, offered))
    for profile, language, offered in profiles:
        # The demo skips the vetting steps (documents, interviews) a real helper goes through.
        provider_vetting_set(provider=profile, vetted=True)
        for slug in offered:
            titles, francs, unit, minutes, _skills = OFFERS[slug]
            listing = listing_create(
                provider=profile,
                category=categories[slug],
                title=titles[language],
                price=Money((francs + rng.choice((-10, -5, 0, 5, 10, 15))) * 100, "CHF"),
                price_unit=unit,
                duration_minutes=minutes,
                description=DESCRIPTIONS[language],
                language=language,
            )
            listing_photo_add(
                listing=listing,
                upload=cover_upload(
                    category_root=roots[slug],
                    number=listing.pk,
                    label=categories[slug].name_in(language),
                ),
            )
            listing_set_status(listing=listing, status=Listing.Status.PUBLISHED)

    customer_languages = [
        rng.choice(("de", "de", "de", "fr", "fr", "it"))
        for _ in range(scaled(GENERATED_CUSTOMERS, scale))
    ]
    _accounts(
        tenant,
        prefix="customer",
        names=[_name(rng, language, taken) for language in customer_languages],
        role=User.Role.CUSTOMER,
        languages=customer_languages,
        password_hash=password_hash,
    )
    _open_tasks(rng, categories, TASKS[: scaled(OPEN_TASKS, scale)])


def scaled(number: int, scale: float) -> int:
    """The demo's sizes times `scale` (the tests seed a small neighbourhood)."""
    return max(1, round(number * scale))


def _open_tasks(rng: random.Random, categories: dict[str, Category], tasks: list) -> None:
    """Open tasks in the helpers' home towns of the task's language region, each with
    offers from helpers who serve the place."""
    customers = list(
        User.objects.filter(role=User.Role.CUSTOMER, email__startswith="customer").order_by("pk")
    )
    helpers = list(ProviderProfile.objects.filter(is_vetted=True).order_by("pk"))
    region = {code: spoken for _city, spoken, codes in CITIES for code in codes}
    codes = {
        language: sorted(
            {helper.home_postal_code for helper in helpers}
            & {code for code, spoken in region.items() if spoken == language}
        )
        or [code for code, spoken in region.items() if spoken == language]
        for language in ("de", "fr", "it")
    }
    for index, (slug, title, language) in enumerate(tasks):
        task = task_request_create(
            customer=customers[index % len(customers)],
            category=categories[slug],
            title=title,
            postal_code=rng.choice(codes[language]),
            description=DESCRIPTIONS[language],
            budget=Money(rng.choice((60, 80, 120, 150)) * 100, "CHF"),
        )
        nearby = [
            helper
            for helper in helpers
            if plane_distance_km(task.location, helper.location) <= helper.service_radius_km
        ]
        for helper in rng.sample(nearby, k=min(len(nearby), rng.choice((1, 2, 3)))):
            offer_create(
                task=task,
                provider=helper,
                price=Money(rng.choice((50, 70, 90, 110)) * 100, "CHF"),
                message=DESCRIPTIONS[language].split(".")[0] + ".",
                proposed_start=timezone.now() + timedelta(days=rng.randint(1, 6), hours=3),
                proposed_minutes=60,
            )
