"""Hooks the platform calls for every tenant: on provisioning, and for `manage.py demo`."""


def tenant_initialise(*, tenant, seed) -> None:
    """A "vetted" badge every marketplace starts with, awarded by rule."""
    from quartier.trust.models import Badge

    Badge.objects.create(
        slug="vetted",
        rule=Badge.Rule.VETTED,
        icon=Badge.Icon.SHIELD,
        names={"de": "Geprüft", "fr": "Vérifié", "it": "Verificato", "en": "Vetted"},
        descriptions={
            "de": "Vom Marktplatz geprüft.",
            "fr": "Vérifié par la place de marché.",
            "it": "Verificato dal marketplace.",
            "en": "Vetted by the marketplace.",
        },
    )


def demo_seed(*, tenant, password: str, scale: float = 1.0) -> None:
    """A "Telco Friend" badge and basic vetting rules for the demo telco. Seeded before
    the helpers (order 15), so vetting them awards the rule badges as it would live."""
    from quartier.trust.models import Badge, Requirement

    if tenant.slug == "telco" and not Badge.objects.filter(slug="telco-friend").exists():
        Badge.objects.create(
            slug="telco-friend",
            rule=Badge.Rule.VETTED,
            icon=Badge.Icon.HEART,
            colour="#e20074",
            names={
                "de": "Telco Friend",
                "fr": "Telco Friend",
                "it": "Telco Friend",
                "en": "Telco Friend",
            },
            descriptions={
                "de": "Vom Support-Team von Telco geprüft.",
                "fr": "Vérifié par l’équipe support de Telco.",
                "it": "Verificato dal team di supporto di Telco.",
                "en": "Vetted by Telco's support team.",
            },
        )
    if not Requirement.objects.exists():
        Requirement.objects.bulk_create(
            [
                Requirement(
                    kind=Requirement.Kind.IDENTITY_DOCUMENT,
                    position=0,
                    titles={"de": "Ausweis", "en": "Identity document"},
                ),
                Requirement(
                    kind=Requirement.Kind.CRIMINAL_RECORD,
                    position=1,
                    validity_days=365,
                    titles={"de": "Strafregisterauszug", "en": "Criminal-record extract"},
                ),
                Requirement(
                    kind=Requirement.Kind.INTERVIEW,
                    position=2,
                    titles={"de": "Gespräch", "en": "Interview"},
                ),
            ]
        )
