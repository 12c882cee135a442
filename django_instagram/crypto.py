"""Encryption of access tokens at rest with Fernet.

Keys come from ``INSTAGRAM["TOKEN_ENCRYPTION_KEYS"]`` (newest first, so ``MultiFernet`` encrypts
with the first and decrypts with any). Without that setting one key is derived from
``SECRET_KEY`` with HKDF-SHA256, so a new site stores no plain token; a system check warns about
the derived key outside DEBUG because rotating ``SECRET_KEY`` would then make every token unreadable.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from .conf import instagram_settings
from .exceptions import InstagramConfigurationError

_HKDF_INFO = b"django_instagram access token encryption"


def derive_key(secret_key: str) -> bytes:
    """Derive a Fernet key from ``SECRET_KEY`` (HKDF-SHA256, fixed salt and info)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"django_instagram", info=_HKDF_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


def configured_keys() -> list[bytes]:
    keys = instagram_settings.TOKEN_ENCRYPTION_KEYS
    if keys:
        if isinstance(keys, (str, bytes)):
            keys = [keys]
        return [key.encode() if isinstance(key, str) else key for key in keys]
    return [derive_key(settings.SECRET_KEY)]


def uses_derived_key() -> bool:
    return not instagram_settings.TOKEN_ENCRYPTION_KEYS


@lru_cache(maxsize=8)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as error:
        raise InstagramConfigurationError(
            'INSTAGRAM["TOKEN_ENCRYPTION_KEYS"] contains a value that is not a Fernet key '
            "(32 url-safe base64-encoded bytes). Generate one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
        ) from error


def fernet() -> MultiFernet:
    return _fernet(tuple(configured_keys()))


def encrypt(token: str) -> str:
    return fernet().encrypt(token.encode()).decode()


def decrypt(ciphertext: str) -> str:
    """Decrypt a stored token; raises ``InstagramConfigurationError`` when no key fits."""
    try:
        return fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise InstagramConfigurationError(
            "A stored Instagram token cannot be decrypted with any key in "
            'INSTAGRAM["TOKEN_ENCRYPTION_KEYS"] (or the key derived from SECRET_KEY). Add the old '
            "key back after the new one, run `manage.py instagram_rotate_keys`, then remove it."
        ) from None


def rotate(ciphertext: str) -> str:
    """Re-encrypt a stored token with the newest key."""
    return fernet().rotate(ciphertext.encode()).decode()
