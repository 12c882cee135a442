"""``manage.py instagram_rotate_keys``: re-encryption with the newest key, in batches."""

from __future__ import annotations

import logging
from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from django_instagram import crypto
from django_instagram.models import InstagramAccount

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
LOST_KEY = Fernet.generate_key().decode()
TOKENS = [f"IGQVJ-rotation-token-number-{number}-abcdefghijklmnop" for number in range(3)]


def raw_column(account_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token FROM django_instagram_instagramaccount WHERE id = %s", [account_id])
        return cursor.fetchone()[0]


def create_accounts(tokens=TOKENS, prefix="user") -> list[InstagramAccount]:
    accounts = []
    for number, token in enumerate(tokens):
        user = get_user_model().objects.create_user(f"{prefix}{number}")
        account = InstagramAccount(user=user, api="graph", instagram_user_id=f"{prefix}-{number}")
        account.access_token = token
        account.save()
        accounts.append(account)
    return accounts


def rotate_keys(*args) -> str:
    output = StringIO()
    call_command("instagram_rotate_keys", *args, stdout=output)
    return output.getvalue()


def test_rotation_then_old_key_removed(instagram_override):
    instagram_override(TOKEN_ENCRYPTION_KEYS=[OLD_KEY])
    accounts = create_accounts()
    instagram_override(TOKEN_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY])

    output = rotate_keys("--batch-size", "2")
    instagram_override(TOKEN_ENCRYPTION_KEYS=[NEW_KEY])

    assert "Checked 2 of 3 tokens." in output
    assert "Checked 3 of 3 tokens." in output
    assert "Re-encrypted 3 of 3 tokens. 0 already used the newest key" in output
    for account, token in zip(accounts, TOKENS):
        stored = raw_column(account.pk)
        assert Fernet(NEW_KEY).decrypt(stored.encode()).decode() == token
        with pytest.raises(InvalidToken):
            Fernet(OLD_KEY).decrypt(stored.encode())
        assert InstagramAccount.objects.get(pk=account.pk).access_token == token


def test_second_run_changes_nothing(instagram_override):
    instagram_override(TOKEN_ENCRYPTION_KEYS=[OLD_KEY])
    accounts = create_accounts()
    instagram_override(TOKEN_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY])
    rotate_keys()
    before = [raw_column(account.pk) for account in accounts]

    output = rotate_keys()

    assert "Re-encrypted 0 of 3 tokens. 3 already used the newest key" in output
    assert [raw_column(account.pk) for account in accounts] == before


def test_dry_run_writes_nothing(instagram_override):
    instagram_override(TOKEN_ENCRYPTION_KEYS=[OLD_KEY])
    accounts = create_accounts()
    before = [raw_column(account.pk) for account in accounts]
    instagram_override(TOKEN_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY])

    output = rotate_keys("--dry-run")

    assert "Would re-encrypt 3 of 3 tokens" in output
    assert [raw_column(account.pk) for account in accounts] == before


def test_moving_off_derived_key(instagram_override, settings):
    instagram_override(TOKEN_ENCRYPTION_KEYS=None)
    accounts = create_accounts()
    instagram_override(TOKEN_ENCRYPTION_KEYS=[NEW_KEY])

    rotate_keys()
    settings.SECRET_KEY = "a-new-secret-key-without-fallbacks"

    for account, token in zip(accounts, TOKENS):
        assert InstagramAccount.objects.get(pk=account.pk).access_token == token


def test_undecryptable_token_fails_run(instagram_override, caplog):
    instagram_override(TOKEN_ENCRYPTION_KEYS=[LOST_KEY])
    lost = create_accounts(TOKENS[:1])[0]
    instagram_override(TOKEN_ENCRYPTION_KEYS=[OLD_KEY])
    readable = create_accounts(["IGQVJ-a-token-whose-key-is-still-configured"], prefix="readable")[0]
    instagram_override(TOKEN_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY])

    with caplog.at_level(logging.INFO), pytest.raises(CommandError) as caught:
        rotate_keys()

    message = str(caught.value)
    assert "Re-encrypted 1 of 2 tokens" in message
    assert "1 could not be decrypted" in message
    assert f"Accounts whose token no key decrypts: {lost.pk}." in message
    assert crypto.is_current(raw_column(readable.pk))
    assert f"Could not re-encrypt the token of Instagram account {lost.pk}" in caplog.text
    assert TOKENS[0] not in caplog.text
    assert TOKENS[0] not in message


def test_token_changed_during_run(instagram_override, monkeypatch):
    instagram_override(TOKEN_ENCRYPTION_KEYS=[OLD_KEY])
    account = create_accounts(TOKENS[:1])[0]
    instagram_override(TOKEN_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY])
    real_rotate = crypto.rotate

    def rotate_after_refresh(ciphertext):
        refreshed = InstagramAccount.objects.get(pk=account.pk)
        refreshed.access_token = "IGQVJ-refreshed-while-rotating-abcdefgh"
        refreshed.save()
        return real_rotate(ciphertext)

    monkeypatch.setattr(crypto, "rotate", rotate_after_refresh)

    output = rotate_keys()

    assert "Re-encrypted 0 of 1 tokens. 0 already used the newest key, 1 changed during the run" in output
    assert InstagramAccount.objects.get(pk=account.pk).access_token == "IGQVJ-refreshed-while-rotating-abcdefgh"


def test_accounts_without_token_skipped():
    accounts = create_accounts()
    InstagramAccount.objects.filter(pk=accounts[0].pk).update(token_ciphertext="")

    output = rotate_keys()

    assert "Checked 2 of 2 tokens." in output


def test_bad_batch_size():
    with pytest.raises(CommandError) as caught:
        rotate_keys("--batch-size", "0")

    assert "--batch-size is 0" in str(caught.value)


def test_bad_key_stops_before_writing(instagram_override):
    instagram_override(TOKEN_ENCRYPTION_KEYS=["not-a-fernet-key"])

    with pytest.raises(CommandError) as caught:
        rotate_keys()

    assert "Key number 1 of" in str(caught.value)
    assert "not-a-fernet-key" not in str(caught.value)
