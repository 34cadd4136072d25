"""Categories: the tenant's small tree, names in its languages."""

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext

from quartier.catalog import errors
from quartier.catalog.models import Category
from quartier.platform.errors import ApplicationError, Conflict

LANGUAGES = ("de", "fr", "it", "en")

# The default tree every new tenant starts from; the tenant admin edits it.
DEFAULT_TREE = [
    (
        "internet-wlan",
        ("Internet & WLAN", "Internet & WLAN", "Internet e WLAN", "Internet & Wi-Fi"),
        [
            (
                "router-setup",
                (
                    "Router einrichten",
                    "Installation du routeur",
                    "Configurazione del router",
                    "Router setup",
                ),
            ),
            (
                "wlan-optimisation",
                (
                    "WLAN optimieren",
                    "Optimisation du WLAN",
                    "Ottimizzazione WLAN",
                    "Wi-Fi optimisation",
                ),
            ),
        ],
    ),
    (
        "tv-entertainment",
        ("TV & Unterhaltung", "TV & divertissement", "TV e intrattenimento", "TV & entertainment"),
        [
            (
                "tv-box",
                (
                    "TV-Box installieren",
                    "Installation de la box TV",
                    "Installazione TV-Box",
                    "TV box installation",
                ),
            ),
            (
                "streaming",
                (
                    "Streaming einrichten",
                    "Configuration du streaming",
                    "Configurazione streaming",
                    "Streaming setup",
                ),
            ),
        ],
    ),
    (
        "smartphone-computer",
        (
            "Smartphone & Computer",
            "Smartphone & ordinateur",
            "Smartphone e computer",
            "Smartphone & computer",
        ),
        [
            (
                "smartphone-setup",
                (
                    "Smartphone einrichten",
                    "Configuration du smartphone",
                    "Configurazione smartphone",
                    "Smartphone setup",
                ),
            ),
            (
                "computer-help",
                ("Computerhilfe", "Aide informatique", "Assistenza computer", "Computer help"),
            ),
        ],
    ),
    (
        "home-assembly",
        ("Haus & Montage", "Maison & montage", "Casa e montaggio", "Home & assembly"),
        [
            (
                "furniture-assembly",
                ("Möbelmontage", "Montage de meubles", "Montaggio mobili", "Furniture assembly"),
            ),
            (
                "moving-help",
                ("Umzugshilfe", "Aide au déménagement", "Aiuto trasloco", "Moving help"),
            ),
        ],
    ),
]


def _names(values: tuple[str, str, str, str]) -> dict[str, str]:
    return dict(zip(LANGUAGES, values, strict=True))


def categories_create_defaults() -> None:
    """Two bulk inserts: the roots, then their children (keeps provisioning fast)."""
    roots = Category.objects.bulk_create(
        [
            Category(slug=slug, names=_names(names), position=index)
            for index, (slug, names, _) in enumerate(DEFAULT_TREE)
        ]
    )
    Category.objects.bulk_create(
        [
            Category(slug=child_slug, names=_names(child_names), position=position, parent=root)
            for root, (_, _, children) in zip(roots, DEFAULT_TREE, strict=True)
            for position, (child_slug, child_names) in enumerate(children)
        ]
    )


def _clean_names(names: object) -> dict[str, str]:
    if not isinstance(names, dict) or not names:
        raise ApplicationError.invalid_field(
            "names", gettext("Give at least one name, by language.")
        )
    cleaned = {}
    for language, name in names.items():
        if language not in LANGUAGES:
            raise ApplicationError.invalid_field(
                "names", gettext("Unknown language %(language)s.") % {"language": repr(language)}
            )
        if not isinstance(name, str) or not name.strip() or len(name) > 80:
            raise ApplicationError.invalid_field(
                "names", gettext("Each name needs 1-80 characters.")
            )
        cleaned[language] = name.strip()
    return cleaned


def _check_parent(category: Category | None, parent: Category | None) -> None:
    if parent is None:
        return
    if parent.parent_id is not None:
        raise ApplicationError.invalid_field(
            "parent",
            gettext("Categories have two levels: choose a top-level parent."),
            code=errors.INVALID_CATEGORY,
        )
    if category is not None and (parent.pk == category.pk or category.children.exists()):
        raise ApplicationError.invalid_field(
            "parent",
            gettext("A category cannot move under itself or take its children below another."),
            code=errors.INVALID_CATEGORY,
        )


@transaction.atomic
def category_create(
    *,
    slug: str,
    names: dict,
    parent: Category | None = None,
    position: int = 0,
    is_active: bool = True,
) -> Category:
    _check_parent(None, parent)
    if Category.objects.filter(slug=slug).exists():
        raise ApplicationError.invalid_field("slug", gettext("This slug is taken."))
    return Category.objects.create(
        slug=slug, names=_clean_names(names), parent=parent, position=position, is_active=is_active
    )


@transaction.atomic
def category_update(*, category: Category, **changes) -> Category:
    if "names" in changes:
        changes["names"] = _clean_names(changes["names"])
    if "parent" in changes:
        _check_parent(category, changes["parent"])
    if (
        "slug" in changes
        and Category.objects.filter(slug=changes["slug"]).exclude(pk=category.pk).exists()
    ):
        raise ApplicationError.invalid_field("slug", gettext("This slug is taken."))
    for field, value in changes.items():
        setattr(category, field, value)
    category.save()
    return category


@transaction.atomic
def category_delete(*, category: Category) -> None:
    try:
        category.delete()
    except ProtectedError as error:
        raise Conflict(
            errors.CATEGORY_IN_USE,
            gettext("Listings, tasks or sub-categories use this category; deactivate it instead."),
        ) from error
