"""Access tokens at rest: Fernet ciphertext in the column, keys from settings or SECRET_KEY."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.db import connection

from django_instagram import crypto
from django_instagram.exceptions import InstagramConfigurationError
from django_instagram.models import InstagramAccount

TOKEN = "IGQVJYeUk4NWNnbXRsZAFZAMUdOS0FjeHhBeGxrTlJhZAXhq-at-rest-token"
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def raw_column(account_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token FROM django_instagram_instagramaccount WHERE id = %s", [account_id])
        return cursor.fetchone()[0]


@pytest.fixture
def account(db):
    user = get_user_model().objects.create_user("alice")
    account = InstagramAccount(user=user, api="graph", instagram_user_id="17841400000000001", username="alice")
    account.access_token = TOKEN
    account.save()
    return account


def test_column_holds_no_token(account):
    stored = raw_column(account.pk)

    assert TOKEN not in stored
    assert TOKEN[:12] not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token: version byte 0x80, base64-encoded
    assert InstagramAccount.objects.get(pk=account.pk).access_token == TOKEN


def test_column_not_searchable_by_token(account):
    assert not InstagramAccount.objects.filter(token_ciphertext=TOKEN).exists()
    assert not InstagramAccount.objects.filter(token_ciphertext__contains=TOKEN[:12]).exists()


def test_same_token_encrypts_differently():
    first = crypto.encrypt(TOKEN)
    second = crypto.encrypt(TOKEN)

    assert first != second
    assert crypto.decrypt(first) == crypto.decrypt(second) == TOKEN


def test_configured_keys_newest_first(instagram_override):
    instagram_override(TOKEN_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY])

    ciphertext = crypto.encrypt(TOKEN)

    assert Fernet(NEW_KEY).decrypt(ciphertext.encode()).decode() == TOKEN
    with pytest.raises(Exception):
        Fernet(OLD_KEY).decrypt(ciphertext.encode())


def test_older_key_still_decrypts(instagram_override):
    old_ciphertext = Fernet(OLD_KEY).encrypt(TOKEN.encode()).decode()
    instagram_override(TOKEN_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY])

    assert crypto.decrypt(old_ciphertext) == TOKEN
    assert not crypto.is_current(old_ciphertext)
    assert crypto.is_current(crypto.rotate(old_ciphertext))


def test_removed_key_fails_clearly(instagram_override):
    old_ciphertext = Fernet(OLD_KEY).encrypt(TOKEN.encode()).decode()
    instagram_override(TOKEN_ENCRYPTION_KEYS=[NEW_KEY])

    with pytest.raises(InstagramConfigurationError) as caught:
        crypto.decrypt(old_ciphertext)

    assert "instagram_rotate_keys" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert NEW_KEY not in str(caught.value)


def test_derived_key_without_setting(instagram_override, settings):
    instagram_override(TOKEN_ENCRYPTION_KEYS=None)

    ciphertext = crypto.encrypt(TOKEN)

    assert crypto.uses_derived_key()
    assert crypto.configured_keys() == [crypto.derive_key(settings.SECRET_KEY)]
    assert Fernet(crypto.derive_key(settings.SECRET_KEY)).decrypt(ciphertext.encode()).decode() == TOKEN


def test_derived_key_is_stable():
    key = crypto.derive_key("tests-secret-key-not-for-production")

    assert key == crypto.derive_key(b"tests-secret-key-not-for-production")
    assert key != crypto.derive_key("another-secret-key")
    Fernet(key)  # a valid Fernet key: 32 url-safe base64-encoded bytes


def test_secret_key_fallback_decrypts(instagram_override, settings):
    instagram_override(TOKEN_ENCRYPTION_KEYS=None)
    old_ciphertext = crypto.encrypt(TOKEN)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation"

    assert crypto.decrypt(old_ciphertext) == TOKEN
    assert not crypto.is_current(old_ciphertext)


def test_moving_off_derived_key(instagram_override):
    instagram_override(TOKEN_ENCRYPTION_KEYS=None)
    derived_ciphertext = crypto.encrypt(TOKEN)
    instagram_override(TOKEN_ENCRYPTION_KEYS=[NEW_KEY])

    rotated = crypto.rotate(derived_ciphertext)

    assert not crypto.uses_derived_key()
    assert Fernet(NEW_KEY).decrypt(rotated.encode()).decode() == TOKEN


def test_single_key_string_accepted(instagram_override):
    instagram_override(TOKEN_ENCRYPTION_KEYS=NEW_KEY)

    ciphertext = crypto.encrypt(TOKEN)

    assert Fernet(NEW_KEY).decrypt(ciphertext.encode()).decode() == TOKEN


@pytest.mark.parametrize("keys", [["not-a-key"], [NEW_KEY, "x" * 44]])
def test_bad_key_names_position(instagram_override, keys):
    instagram_override(TOKEN_ENCRYPTION_KEYS=keys)

    with pytest.raises(InstagramConfigurationError) as caught:
        crypto.encrypt(TOKEN)

    assert f"Key number {len(keys)} of" in str(caught.value)
    assert keys[-1] not in str(caught.value)


def test_masked_token_survives_lost_key(account, instagram_override, settings):
    settings.SECRET_KEY = "a-new-secret-key-without-fallbacks"
    instagram_override(TOKEN_ENCRYPTION_KEYS=[NEW_KEY])

    assert account.masked_token == "…"


def test_repr_and_str_hide_token(account):
    assert TOKEN not in repr(account)
    assert TOKEN not in str(account)
    assert account.masked_token == "…" + TOKEN[-4:]
