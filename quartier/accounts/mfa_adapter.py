"""allauth.mfa's adapter for Quartier: secrets encrypted at rest, the marketplace's name
as the authenticator app's issuer."""

import base64
import hashlib

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings

from quartier.platform.tenancy import current_tenant


def _fernet() -> Fernet:
    # A key of its own, derived from SECRET_KEY: a database dump alone reveals no
    # authenticator secret or recovery-code seed. Rotating SECRET_KEY means enrolling
    # again (SECRET_KEY_FALLBACKS are not tried).
    digest = hashlib.sha256(b"quartier.mfa:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class QuartierMFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()

    def get_totp_issuer(self) -> str:
        tenant = current_tenant()
        return tenant.name if tenant is not None else "Quartier"
