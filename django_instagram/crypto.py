"""Encryption of access tokens at rest with Fernet.

Keys come from ``INSTAGRAM["TOKEN_ENCRYPTION_KEYS"]``, newest first: ``MultiFernet`` encrypts
with the first key and decrypts with any. Without that setting one key is derived from
``SECRET_KEY`` with HKDF-SHA256, so a new site stores no plain token. A system check warns about
the derived key outside DEBUG, because changing ``SECRET_KEY`` would then make every token
unreadable.

Keys derived from ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS`` always come last as decryption-only
keys. A site can therefore move from the derived key to its own keys, or rotate ``SECRET_KEY``
with the old value in ``SECRET_KEY_FALLBACKS``, and then run ``manage.py instagram_rotate_keys``
to re-encrypt every token with the newest key.
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

_HKDF_SALT = b"django_instagram"
_HKDF_INFO = b"django_instagram access token encryption"

GENERATE_KEY_COMMAND = (
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


def derive_key(secret_key: str | bytes) -> bytes:
    """Derive a Fernet key from ``SECRET_KEY`` (HKDF-SHA256, fixed salt and info)."""
    if isinstance(secret_key, str):
        secret_key = secret_key.encode()
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key))


def uses_derived_key() -> bool:
    """Return True when new tokens are encrypted with the key derived from ``SECRET_KEY``."""
    return not instagram_settings.TOKEN_ENCRYPTION_KEYS


def configured_keys() -> list[bytes]:
    """Return the keys of ``TOKEN_ENCRYPTION_KEYS`` as bytes, newest first, or the derived key alone."""
    keys = instagram_settings.TOKEN_ENCRYPTION_KEYS
    if not keys:
        return [derive_key(settings.SECRET_KEY)]
    if isinstance(keys, (str, bytes)):
        keys = [keys]
    return [key.encode() if isinstance(key, str) else key for key in keys]


def derived_keys() -> list[bytes]:
    """Derive one key from ``SECRET_KEY`` and one from each of ``SECRET_KEY_FALLBACKS``."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [derive_key(secret) for secret in secrets if secret]


def all_keys() -> tuple[bytes, ...]:
    """Return every key that may decrypt a stored token, the encryption key first, without repeats."""
    keys: list[bytes] = []
    for key in [*configured_keys(), *derived_keys()]:
        if key not in keys:
            keys.append(key)
    return tuple(keys)


def validate_keys() -> None:
    """Raise ``InstagramConfigurationError`` naming the first configured key Fernet rejects.

    The message gives the key's position, never the key itself.
    """
    for position, key in enumerate(configured_keys(), start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise InstagramConfigurationError(
                f'Key number {position} of INSTAGRAM["TOKEN_ENCRYPTION_KEYS"] is not a Fernet key '
                f"(32 url-safe base64-encoded bytes). Generate one with `{GENERATE_KEY_COMMAND}`."
            ) from None


@lru_cache(maxsize=8)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    """Build the ``MultiFernet`` of the current settings, or raise ``InstagramConfigurationError`` for a bad key."""
    validate_keys()
    return _fernet(all_keys())


def encrypt(token: str) -> str:
    return fernet().encrypt(token.encode()).decode()


def decrypt(ciphertext: str) -> str:
    """Decrypt a stored token, or raise ``InstagramConfigurationError`` when no key fits."""
    try:
        return fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise InstagramConfigurationError(
            "A stored Instagram token cannot be decrypted with any key in "
            'INSTAGRAM["TOKEN_ENCRYPTION_KEYS"] or with a key derived from SECRET_KEY or '
            "SECRET_KEY_FALLBACKS. Put the old key back after the new one, run "
            "`manage.py instagram_rotate_keys`, then remove the old key."
        ) from None


def is_current(ciphertext: str) -> bool:
    """Return True when ``ciphertext`` is already encrypted with the newest key."""
    try:
        Fernet(all_keys()[0]).decrypt(ciphertext.encode())
    except InvalidToken:
        return False
    return True


def rotate(ciphertext: str) -> str:
    """Re-encrypt a stored token with the newest key, or raise ``InstagramConfigurationError`` when no key fits."""
    try:
        return fernet().rotate(ciphertext.encode()).decode()
    except InvalidToken:
        raise InstagramConfigurationError(
            "A stored Instagram token cannot be decrypted with any configured key, so it cannot be "
            "re-encrypted. Put the key it was encrypted with back into "
            'INSTAGRAM["TOKEN_ENCRYPTION_KEYS"] after the newest key.'
        ) from None
