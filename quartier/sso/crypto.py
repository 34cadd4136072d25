"""The client secret at rest: Fernet (AES-128-CBC + HMAC-SHA256) with a key from settings.

SSO_SECRET_KEY (a Fernet key, from the environment) wins; without it the key is derived
from SECRET_KEY, so rotating SECRET_KEY makes stored secrets unreadable (the back office
then asks for the secret again).
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = getattr(settings, "SSO_SECRET_KEY", "")
    if not key:
        digest = hashlib.sha256(b"quartier.sso.client-secret:" + settings.SECRET_KEY.encode())
        key = base64.urlsafe_b64encode(digest.digest()).decode()
    return Fernet(key)


def secret_encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def secret_decrypt(token: str) -> str | None:
    """The plain secret, or None when it was encrypted under another key."""
    if not token:
        return None
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None
