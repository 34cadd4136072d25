"""Who may book and who may offer help on this marketplace (issue 18, part 2).

The tenant keeps one rule per role (`EligibilityRule`; no row means anyone):

- anyone;
- SSO users only: the user has a `SocialAccount` (allauth, the tenant's OpenID Connect
  provider), optionally with a claim of a given value in its `extra_data`;
- e-mail domains: the address's domain is one of the list; a subdomain counts only
  when the rule says `include_subdomains`;
- invitation codes: a valid code at sign-up (consumed atomically), after which the
  address stays eligible for that role (an `InvitationUse`);
- an allow-list of e-mails (uploaded as CSV).

`check()` is the one place that decides; every guard (sign-up, bookings, tasks,
broadcasts, the helper's onboarding, publishing and offers) calls it through `enforce()`
or `check()`, so a change of rule applies to existing users at their next attempt.
Tenant admins are always eligible (they run the marketplace).
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass
from http import HTTPStatus

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.marketplace.models import (
    ELIGIBILITY_KEY,
    AllowedEmail,
    EligibilityKind,
    EligibilityRole,
    EligibilityRule,
    InvitationCode,
    InvitationUse,
)
from quartier.marketplace.selectors import marketplace_settings
from quartier.platform.errors import ApplicationError
from quartier.platform.tenant_cache import cached, tenant_key

BOOK = EligibilityRole.BOOK
OFFER = EligibilityRole.OFFER
ROLES = (BOOK, OFFER)

NOT_ELIGIBLE = "not_eligible"  # the API's error code; the reason says why

# Reasons (stable, in the API's 403 answer as "reason").
SSO_REQUIRED = "sso_required"
CLAIM_MISMATCH = "claim_mismatch"
DOMAIN_NOT_ALLOWED = "domain_not_allowed"
CODE_REQUIRED = "code_required"
CODE_INVALID = "code_invalid"
CODE_EXPIRED = "code_expired"
CODE_USED_UP = "code_used_up"
NOT_ON_LIST = "not_on_list"

CSV_MAX_BYTES = 1024 * 1024
CSV_MAX_ROWS = 20_000
CSV_MAX_ERRORS = 20
CODE_MAX_LENGTH = 64
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
POLICY_CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Rule:
    kind: str = EligibilityKind.ANYONE
    claim_name: str = ""
    claim_value: str = ""
    domains: tuple[str, ...] = ()
    include_subdomains: bool = False


@dataclass(frozen=True)
class Refusal:
    """Why someone may not do this here, and what to do about it."""

    reason: str
    message: str
    role: str

    def error(self) -> ApplicationError:
        return ApplicationError(
            NOT_ELIGIBLE,
            self.message,
            status=HTTPStatus.FORBIDDEN,
            extra={"reason": self.reason, "role": str(self.role)},
        )


# Reads ---------------------------------------------------------------------------------


def _rules_from_db() -> dict[str, Rule]:
    rules = {}
    for row in EligibilityRule.objects.all():
        rules[row.role] = Rule(
            kind=row.kind,
            claim_name=row.claim_name,
            claim_value=row.claim_value,
            domains=tuple(row.domains),
            include_subdomains=row.include_subdomains,
        )
    return rules


def rules() -> dict[str, Rule]:
    """The tenant's rule per role (cached; every guarded write reads it)."""
    return cached(tenant_key(ELIGIBILITY_KEY), _rules_from_db, POLICY_CACHE_SECONDS)


def rule_for(role: str) -> Rule:
    return rules().get(role, Rule())


def asks_for_code(role: str | None = None) -> bool:
    """Does sign-up need an invitation code field (for this role, or for any)?"""
    roles = ROLES if role is None else (role,)
    return any(rule_for(each).kind == EligibilityKind.CODES for each in roles)


# Normalising ----------------------------------------------------------------------------


def normalise_email(value: object) -> str | None:
    """A valid e-mail address in lower case (its domain in IDNA), or None."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    if not value or len(value) > 254 or "@" not in value:
        return None
    local, _at, domain = value.rpartition("@")
    domain = normalise_domain(domain)
    if domain is None or not local:
        return None
    value = f"{local}@{domain}"
    try:
        validate_email(value)
    except ValidationError:
        return None
    return value


def normalise_domain(value: object) -> str | None:
    """A host name in lower case and IDNA (Zürich.ch -> xn--zrich-kva.ch), or None."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower().lstrip("@").rstrip(".")
    if not value or len(value) > 253:
        return None
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = value.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        return None
    return value


def _domain_matches(domain: str, rule: Rule) -> bool:
    for allowed in rule.domains:
        if domain == allowed:
            return True
        if rule.include_subdomains and domain.endswith("." + allowed):
            return True
    return False


def _claims(extra_data) -> list[dict]:
    """allauth keeps OpenID Connect claims at the top level of extra_data, or under
    "userinfo" / "id_token" depending on its version: look in all of them."""
    if not isinstance(extra_data, dict):
        return []
    found = [extra_data]
    for key in ("userinfo", "id_token"):
        if isinstance(extra_data.get(key), dict):
            found.append(extra_data[key])
    return found


def _claim_matches(extra_data, name: str, expected: str) -> bool:
    for claims in _claims(extra_data):
        if name not in claims:
            continue
        value = claims[name]
        values = value if isinstance(value, list) else [value]
        if any(str(item) == expected for item in values):
            return True
    return False


def _brand() -> str:
    return marketplace_settings().display_name


# The decision ---------------------------------------------------------------------------


def _refuse(reason: str, role: str, rule: Rule) -> Refusal:
    brand = _brand()
    if reason == SSO_REQUIRED:
        message = (
            _("Bookings here are for %(brand)s customers. Sign in with your %(brand)s account.")
            if role == BOOK
            else _("Helping here is for %(brand)s members. Sign in with your %(brand)s account.")
        ) % {"brand": brand}
    elif reason == CLAIM_MISMATCH:
        message = _(
            "Your %(brand)s account does not give access to this. Contact %(brand)s if you "
            "think it should."
        ) % {"brand": brand}
    elif reason == DOMAIN_NOT_ALLOWED:
        domains = ", ".join("@" + d for d in rule.domains)
        message = (
            _("Bookings here are for e-mail addresses ending in %(domains)s. Use such an address.")
            if role == BOOK
            else _(
                "Helping here is for e-mail addresses ending in %(domains)s. Use such an address."
            )
        ) % {"domains": domains}
    elif reason == CODE_REQUIRED:
        message = _(
            "%(brand)s is open by invitation. Enter the invitation code you were given, or "
            "ask %(brand)s for one."
        ) % {"brand": brand}
    elif reason == CODE_INVALID:
        message = _("This invitation code is not valid. Check it, or ask %(brand)s for one.") % {
            "brand": brand
        }
    elif reason == CODE_EXPIRED:
        message = _("This invitation code has expired. Ask %(brand)s for a new one.") % {
            "brand": brand
        }
    elif reason == CODE_USED_UP:
        message = _("This invitation code has been used up. Ask %(brand)s for a new one.") % {
            "brand": brand
        }
    else:
        message = _(
            "Your e-mail address is not on the list of %(brand)s. Use the address %(brand)s "
            "knows you by, or contact %(brand)s."
        ) % {"brand": brand}
    return Refusal(reason=reason, message=message, role=role)


def _code_refusal(invitation: InvitationCode | None, role: str, rule: Rule) -> Refusal | None:
    if invitation is None or invitation.role != role or invitation.revoked_at is not None:
        return _refuse(CODE_INVALID, role, rule)
    if invitation.expires_at is not None and invitation.expires_at <= timezone.now():
        return _refuse(CODE_EXPIRED, role, rule)
    if invitation.max_uses is not None and invitation.uses >= invitation.max_uses:
        return _refuse(CODE_USED_UP, role, rule)
    return None


def normalise_code(code: object) -> str:
    if not isinstance(code, str):
        return ""
    return "".join(code.split()).upper()[:CODE_MAX_LENGTH]


def check(user_or_email, role: str, *, code: str | None = None) -> Refusal | None:
    """None when this user (or this e-mail, before sign-up) may act in `role`, else why not.

    Reads only: a code is checked, not consumed (`invitation_consume` does that).
    """
    rule = rule_for(role)
    if rule.kind == EligibilityKind.ANYONE:
        return None
    user = None if isinstance(user_or_email, str) else user_or_email
    if user is not None and getattr(user, "role", None) == "admin":
        return None
    email = normalise_email(user.email if user is not None else user_or_email) or ""

    if rule.kind == EligibilityKind.SSO:
        if user is None or user.pk is None:
            return _refuse(SSO_REQUIRED, role, rule)
        from allauth.socialaccount.models import SocialAccount

        accounts = list(SocialAccount.objects.filter(user_id=user.pk).values_list("extra_data"))
        if not accounts:
            return _refuse(SSO_REQUIRED, role, rule)
        if rule.claim_name and not any(
            _claim_matches(extra, rule.claim_name, rule.claim_value) for (extra,) in accounts
        ):
            return _refuse(CLAIM_MISMATCH, role, rule)
        return None

    if rule.kind == EligibilityKind.DOMAINS:
        domain = email.rpartition("@")[2]
        return (
            None
            if domain and _domain_matches(domain, rule)
            else _refuse(DOMAIN_NOT_ALLOWED, role, rule)
        )

    if rule.kind == EligibilityKind.ALLOWLIST:
        if email and AllowedEmail.objects.filter(role=role, email=email).exists():
            return None
        return _refuse(NOT_ON_LIST, role, rule)

    # Invitation codes: admitted once (a use recorded for the address) or a valid code now.
    if email and InvitationUse.objects.filter(invitation__role=role, email=email).exists():
        return None
    code = normalise_code(code)
    if not code:
        return _refuse(CODE_REQUIRED, role, rule)
    return _code_refusal(InvitationCode.objects.filter(code=code).first(), role, rule)


def enforce(user, role: str) -> None:
    """Raise the refusal as an ApplicationError (403, code not_eligible, the reason).

    `user` may be a callable returning the user (e.g. `lambda: provider.user`), so that
    under the default rule (anyone) no query is sent to load it."""
    if rule_for(role).kind == EligibilityKind.ANYONE:
        return
    refusal = check(user() if callable(user) else user, role)
    if refusal is not None:
        raise refusal.error()


# Writes -----------------------------------------------------------------------------------


def invitation_consume(*, code: str, email: str, role: str) -> None:
    """Use one of the code's uses for this address, inside the caller's transaction.

    One conditional UPDATE: two sign-ups racing for the last use cannot both win, and a
    code replayed past its maximum, after its expiry or revocation is refused.
    """
    rule = rule_for(role)
    code = normalise_code(code)
    now = timezone.now()
    with transaction.atomic():
        updated = (
            InvitationCode.objects.filter(code=code, role=role, revoked_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
            .update(uses=F("uses") + 1)
        )
        if updated != 1:
            refusal = _code_refusal(InvitationCode.objects.filter(code=code).first(), role, rule)
            raise (refusal or _refuse(CODE_USED_UP, role, rule)).error()
        invitation = InvitationCode.objects.get(code=code)
        try:
            with transaction.atomic():
                InvitationUse.objects.create(invitation=invitation, email=email)
        except IntegrityError as error:
            raise _refuse(CODE_USED_UP, role, rule).error() from error


def admit_at_signup(*, email: str, role: str, code: str | None = None) -> None:
    """Sign-up's guard, inside its transaction: refuse, or consume the code."""
    refusal = check(email, role, code=code)
    if refusal is not None:
        raise refusal.error()
    if (
        rule_for(role).kind == EligibilityKind.CODES
        and not InvitationUse.objects.filter(invitation__role=role, email=email).exists()
    ):
        invitation_consume(code=code or "", email=email, role=role)


CODE_REASONS = (CODE_REQUIRED, CODE_INVALID, CODE_EXPIRED, CODE_USED_UP)


@transaction.atomic
def invitation_redeem(*, user, role: str, code: str) -> None:
    """A person who signed up already enters a code (e.g. a customer who now wants to
    offer help): it is consumed for their address like at sign-up."""
    if check(user, role) is None:
        return
    email = normalise_email(user.email) or ""
    refusal = check(email, role, code=code)
    if refusal is not None:
        raise refusal.error()
    invitation_consume(code=code, email=email, role=role)


def _field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError.invalid_field(field, message)


@transaction.atomic
def rule_set(
    *,
    role: str,
    kind: str,
    claim_name: str = "",
    claim_value: str = "",
    domains: str | list = "",
    include_subdomains: bool = False,
) -> EligibilityRule:
    """The tenant admin sets the rule for one role (validated whole, or nothing saved)."""
    if role not in EligibilityRole.values:
        raise _field_error("role", _("Unknown role."))
    if kind not in EligibilityKind.values:
        raise _field_error("kind", _("Choose one of the rules."))
    claim_name, claim_value = (claim_name or "").strip(), (claim_value or "").strip()
    if claim_value and not claim_name:
        raise _field_error("claim_name", _("Name the claim whose value you give."))
    if claim_name and not claim_value:
        raise _field_error("claim_value", _("Give the value the claim must have."))
    if isinstance(domains, str):
        domains = re.split(r"[\s,;]+", domains)
    cleaned = []
    for raw in domains:
        if not raw.strip():
            continue
        domain = normalise_domain(raw)
        if domain is None:
            raise _field_error(
                "domains", _("“%(domain)s” is not a domain name.") % {"domain": raw.strip()[:80]}
            )
        if domain not in cleaned:
            cleaned.append(domain)
    if kind == EligibilityKind.DOMAINS and not cleaned:
        raise _field_error("domains", _("Give at least one domain."))
    if len(cleaned) > 100:
        raise _field_error("domains", _("Give at most 100 domains."))
    rule, _created = EligibilityRule.objects.update_or_create(
        role=role,
        defaults={
            "kind": kind,
            "claim_name": claim_name[:100] if kind == EligibilityKind.SSO else "",
            "claim_value": claim_value[:200] if kind == EligibilityKind.SSO else "",
            "domains": cleaned,
            "include_subdomains": bool(include_subdomains),
        },
    )
    return rule


def invitation_create(
    *,
    role: str,
    actor,
    label: str = "",
    max_uses: int | None = None,
    expires_at=None,
    code: str = "",
) -> InvitationCode:
    if role not in EligibilityRole.values:
        raise _field_error("role", _("Unknown role."))
    if max_uses is not None and not (1 <= max_uses <= 1_000_000):
        raise _field_error("max_uses", _("Give a number from 1 to 1,000,000, or leave it empty."))
    if expires_at is not None and expires_at <= timezone.now():
        raise _field_error("expires_at", _("Choose a date in the future."))
    code = normalise_code(code)
    if code and not re.fullmatch(r"[A-Z0-9-]{4,64}", code):
        raise _field_error(
            "code", _("Use 4 to 64 letters, digits or dashes, or leave it empty for a random one.")
        )
    code = code or "-".join(
        "".join(secrets.choice(_CODE_ALPHABET) for _i in range(4)) for _j in range(3)
    )
    if InvitationCode.objects.filter(code=code).exists():
        raise _field_error("code", _("This code exists already."))
    return InvitationCode.objects.create(
        role=role,
        code=code,
        label=(label or "").strip()[:100],
        max_uses=max_uses,
        expires_at=expires_at,
        created_by=actor,
    )


def invitation_revoke(*, invitation: InvitationCode) -> InvitationCode:
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@dataclass(frozen=True)
class AllowListResult:
    count: int
    errors: list[str]


def allowlist_parse(data: bytes) -> tuple[list[str], list[str]]:
    """The addresses of a CSV (first column; a header row "email" is skipped), and the
    errors row by row (a row number and what is wrong)."""
    if len(data) > CSV_MAX_BYTES:
        return [], [_("The file is larger than 1 MB. Split it or remove other columns.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")]
    if "\x00" in text:
        return [], [_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")]
    emails, errors, seen = [], [], set()
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            if number > CSV_MAX_ROWS:
                return [], [_("The file has more than 20,000 rows.")]
            cell = row[0].strip() if row else ""
            if not cell or (number == 1 and cell.lower() in {"email", "e-mail", "mail"}):
                continue
            email = normalise_email(cell)
            if email is None:
                if len(errors) < CSV_MAX_ERRORS:
                    errors.append(
                        _("Row %(row)s: “%(value)s” is not an e-mail address.")
                        % {"row": number, "value": cell[:80]}
                    )
                continue
            if email not in seen:
                seen.add(email)
                emails.append(email)
    except csv.Error:
        return [], [_("The file is not a readable CSV file.")]
    if not emails and not errors:
        errors.append(_("The file holds no e-mail address."))
    return emails, errors


@transaction.atomic
def allowlist_replace(*, role: str, data: bytes) -> AllowListResult:
    """Replace the role's allow-list with the CSV's addresses; with any error, nothing."""
    if role not in EligibilityRole.values:
        raise _field_error("role", _("Unknown role."))
    emails, errors = allowlist_parse(data)
    if errors:
        return AllowListResult(count=0, errors=errors)
    AllowedEmail.objects.filter(role=role).delete()
    AllowedEmail.objects.bulk_create([AllowedEmail(role=role, email=e) for e in emails])
    return AllowListResult(count=len(emails), errors=[])
