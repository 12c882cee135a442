"""Meta's deauthorize and data-deletion callbacks and the deletion status page."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from django_instagram import signals, signed_request
from django_instagram.cache import account_key
from django_instagram.models import DataDeletionRequest, InstagramAccount

pytestmark = pytest.mark.django_db

SECRET = "test-client-secret"
INSTAGRAM_USER_ID = "17841405822304914"
APP_SCOPED_ID = "58585462482478702"
DEAUTHORIZE_URL = "/instagram/deauthorize/"
DELETION_URL = "/instagram/data-deletion/"


def make_account(instagram_user_id=INSTAGRAM_USER_ID, *, app_scoped_id="", api="graph", username="user_3f88f862"):
    owner = get_user_model().objects.create_user(f"site_{instagram_user_id}_{api}", password="pw")
    account = InstagramAccount(user=owner, api=api, instagram_user_id=instagram_user_id,
                               app_scoped_id=app_scoped_id, username=username)
    account.access_token = "IGAA-token-of-" + instagram_user_id
    account.save()
    return account


def deauthorize_payload(user_id=INSTAGRAM_USER_ID) -> dict:
    return {"user_id": user_id, "algorithm": "HMAC-SHA256", "issued_at": 1764842400}


def deletion_payload(user_id=INSTAGRAM_USER_ID) -> dict:
    return {"user_id": user_id, "algorithm": "HMAC-SHA256", "issued_at": 1764842400, "expires": 1764846000}


def call(client, url, payload, secret=SECRET):
    return client.post(url, {"signed_request": signed_request.sign(payload, secret)})


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unlinked():
    """The accounts ``account_unlinked`` was sent for, as ``(pk, instagram_user_id)``."""
    calls = []

    def receiver(sender, account, **kwargs):
        calls.append((account.pk, account.instagram_user_id))

    signals.account_unlinked.connect(receiver, weak=False)
    yield calls
    signals.account_unlinked.disconnect(receiver)


# Deauthorize

def test_deauthorize_unlinks_account(client, unlinked):
    account = make_account()
    other = make_account("17841400000000002")

    response = call(client, DEAUTHORIZE_URL, deauthorize_payload())

    assert response.status_code == 200
    assert not InstagramAccount.objects.filter(pk=account.pk).exists()
    assert InstagramAccount.objects.filter(pk=other.pk).exists()
    assert unlinked == [(account.pk, INSTAGRAM_USER_ID)]


def test_deauthorize_matches_app_scoped_id(client, unlinked):
    account = make_account(app_scoped_id=APP_SCOPED_ID)

    response = call(client, DEAUTHORIZE_URL, deauthorize_payload(APP_SCOPED_ID))

    assert response.status_code == 200
    assert unlinked == [(account.pk, INSTAGRAM_USER_ID)]


def test_deauthorize_numeric_user_id(client, unlinked):
    account = make_account()

    call(client, DEAUTHORIZE_URL, deauthorize_payload(int(INSTAGRAM_USER_ID)))

    assert unlinked == [(account.pk, INSTAGRAM_USER_ID)]


def test_deauthorize_keeps_legacy_account(client, unlinked):
    legacy = make_account(api="legacy")

    response = call(client, DEAUTHORIZE_URL, deauthorize_payload())

    assert response.status_code == 200
    assert InstagramAccount.objects.filter(pk=legacy.pk).exists()
    assert unlinked == []


def test_deauthorize_invalidates_cache(client):
    account = make_account()
    key = account_key(account.pk, "recent_media", {"count": 12})
    cache.set(key, ["cached media"])

    call(client, DEAUTHORIZE_URL, deauthorize_payload())

    assert account_key(account.pk, "recent_media", {"count": 12}) != key


def test_deauthorize_unknown_user(client, unlinked):
    make_account()

    response = call(client, DEAUTHORIZE_URL, deauthorize_payload("17841400000000099"))

    assert response.status_code == 200
    assert InstagramAccount.objects.count() == 1
    assert unlinked == []


def test_deauthorize_forged(client, unlinked):
    make_account()

    response = call(client, DEAUTHORIZE_URL, deauthorize_payload(), secret="forger-secret")

    assert response.status_code == 403
    assert InstagramAccount.objects.count() == 1
    assert unlinked == []


def test_deauthorize_other_algorithm(client, unlinked):
    make_account()

    response = call(client, DEAUTHORIZE_URL, {**deauthorize_payload(), "algorithm": "HMAC-SHA1"})

    assert response.status_code == 400
    assert InstagramAccount.objects.count() == 1


@pytest.mark.parametrize("data", [{}, {"signed_request": ""}, {"signed_request": "abc"},
                                  {"signed_request": "a$b.c"}])
def test_deauthorize_malformed(client, unlinked, data):
    make_account()

    response = client.post(DEAUTHORIZE_URL, data)

    assert response.status_code == 400
    assert InstagramAccount.objects.count() == 1


@pytest.mark.parametrize("user_id", [None, "", True, ["1"], {"id": "1"}])
def test_deauthorize_bad_user_id(client, unlinked, user_id):
    make_account()

    response = call(client, DEAUTHORIZE_URL, {**deauthorize_payload(), "user_id": user_id})

    assert response.status_code == 400
    assert InstagramAccount.objects.count() == 1


def test_deauthorize_unset_secret(client, unlinked, instagram_override, monkeypatch):
    monkeypatch.delenv("INSTAGRAM_CLIENT_SECRET", raising=False)
    instagram_override(CLIENT_SECRET=None, APP_SECRET=None)
    make_account()

    response = call(client, DEAUTHORIZE_URL, deauthorize_payload(), secret="")

    assert response.status_code == 403
    assert InstagramAccount.objects.count() == 1


def test_deauthorize_app_secret(client, unlinked, instagram_override):
    instagram_override(APP_SECRET="meta-app-secret")
    make_account()

    response = call(client, DEAUTHORIZE_URL, deauthorize_payload(), secret="meta-app-secret")

    assert response.status_code == 200
    assert len(unlinked) == 1


def test_deauthorize_without_csrf_token(unlinked):
    make_account()

    response = call(Client(enforce_csrf_checks=True), DEAUTHORIZE_URL, deauthorize_payload())

    assert response.status_code == 200
    assert len(unlinked) == 1


def test_callbacks_reject_get(client):
    assert client.get(DEAUTHORIZE_URL).status_code == 405
    assert client.get(DELETION_URL).status_code == 405


# Data deletion

def test_deletion_deletes_accounts(client, unlinked):
    by_user_id = make_account()
    by_app_scoped_id = make_account("17841400000000003", app_scoped_id=INSTAGRAM_USER_ID)
    other = make_account("17841400000000002")

    response = call(client, DELETION_URL, deletion_payload())

    assert response.status_code == 200
    assert sorted(InstagramAccount.objects.values_list("pk", flat=True)) == [other.pk]
    assert sorted(pk for pk, _ in unlinked) == sorted([by_user_id.pk, by_app_scoped_id.pk])


def test_deletion_response_shape(client):
    make_account()

    body = call(client, DELETION_URL, deletion_payload()).json()

    assert set(body) == {"url", "confirmation_code"}
    assert len(body["confirmation_code"]) == 32
    assert body["url"] == f"http://testserver/instagram/data-deletion/{body['confirmation_code']}/"


def test_deletion_codes_differ(client):
    first = call(client, DELETION_URL, deletion_payload()).json()
    second = call(client, DELETION_URL, deletion_payload()).json()

    assert first["confirmation_code"] != second["confirmation_code"]


def test_deletion_records_request(client):
    make_account()
    make_account("17841400000000003", app_scoped_id=INSTAGRAM_USER_ID)

    code = call(client, DELETION_URL, deletion_payload()).json()["confirmation_code"]

    deletion = DataDeletionRequest.objects.get(confirmation_code=code)
    assert deletion.status == DataDeletionRequest.Status.COMPLETED
    assert deletion.accounts_deleted == 2
    assert deletion.completed_at is not None


def test_deletion_invalidates_cache(client):
    account = make_account()
    key = account_key(account.pk, "recent_media", {"count": 12})
    cache.set(key, ["cached media"])

    call(client, DELETION_URL, deletion_payload())

    new_key = account_key(account.pk, "recent_media", {"count": 12})
    assert new_key != key
    assert cache.get(new_key) is None


def test_deletion_sends_signal(client):
    calls = []

    def receiver(sender, deletion_request, instagram_user_id, **kwargs):
        calls.append((sender, deletion_request.confirmation_code, instagram_user_id))

    signals.data_deletion_requested.connect(receiver, weak=False)
    try:
        code = call(client, DELETION_URL, deletion_payload()).json()["confirmation_code"]
    finally:
        signals.data_deletion_requested.disconnect(receiver)

    assert calls == [(DataDeletionRequest, code, INSTAGRAM_USER_ID)]


def test_deletion_unknown_user(client):
    make_account()

    body = call(client, DELETION_URL, deletion_payload("17841400000000099")).json()

    deletion = DataDeletionRequest.objects.get(confirmation_code=body["confirmation_code"])
    assert deletion.status == DataDeletionRequest.Status.COMPLETED
    assert deletion.accounts_deleted == 0
    assert InstagramAccount.objects.count() == 1


def test_deletion_receiver_failure(client, caplog):
    account = make_account()

    def failing(sender, **kwargs):
        raise RuntimeError("storage offline")

    signals.data_deletion_requested.connect(failing, weak=False)
    try:
        with caplog.at_level(logging.ERROR, logger="django_instagram.compliance"):
            response = call(client, DELETION_URL, deletion_payload())
    finally:
        signals.data_deletion_requested.disconnect(failing)

    deletion = DataDeletionRequest.objects.get(confirmation_code=response.json()["confirmation_code"])
    assert response.status_code == 200
    assert deletion.status == DataDeletionRequest.Status.FAILED
    assert deletion.completed_at is None
    assert InstagramAccount.objects.filter(pk=account.pk).exists()
    assert "storage offline" in caplog.text
    assert "Status: failed" in client.get(response.json()["url"]).content.decode()


def test_deletion_forged(client):
    make_account()

    response = call(client, DELETION_URL, deletion_payload(), secret="forger-secret")

    assert response.status_code == 403
    assert InstagramAccount.objects.count() == 1
    assert DataDeletionRequest.objects.count() == 0


def test_deletion_other_algorithm(client):
    make_account()

    response = call(client, DELETION_URL, {**deletion_payload(), "algorithm": "HMAC-SHA1"})

    assert response.status_code == 400
    assert InstagramAccount.objects.count() == 1
    assert DataDeletionRequest.objects.count() == 0


def test_deletion_unset_secret(client, instagram_override, monkeypatch):
    monkeypatch.delenv("INSTAGRAM_CLIENT_SECRET", raising=False)
    instagram_override(CLIENT_SECRET=None, APP_SECRET=None)
    make_account()

    response = call(client, DELETION_URL, deletion_payload(), secret="")

    assert response.status_code == 403
    assert DataDeletionRequest.objects.count() == 0


def test_logs_omit_signed_request_and_secret(client, caplog):
    make_account()
    forged = signed_request.sign(deletion_payload(), "forger-secret")
    genuine = signed_request.sign(deletion_payload(), SECRET)

    with caplog.at_level(logging.DEBUG, logger="django_instagram"):
        client.post(DELETION_URL, {"signed_request": forged})
        client.post(DELETION_URL, {"signed_request": genuine})

    for secret_text in (SECRET, "forger-secret", *forged.split("."), *genuine.split(".")):
        assert secret_text not in caplog.text


# Status page

def test_status_page_completed(client):
    make_account()
    body = call(client, DELETION_URL, deletion_payload()).json()

    response = client.get(body["url"])

    page = response.content.decode()
    assert response.status_code == 200
    assert body["confirmation_code"] in page
    assert "Status: completed" in page
    assert INSTAGRAM_USER_ID not in page


def test_status_page_pending(client):
    DataDeletionRequest.objects.create(confirmation_code="a" * 32)

    response = client.get(f"{DELETION_URL}{'a' * 32}/")

    assert response.status_code == 200
    assert "Status: in progress" in response.content.decode()


def test_status_page_unknown_code(client):
    assert client.get(f"{DELETION_URL}{'b' * 32}/").status_code == 404


def test_status_page_not_cached(client):
    DataDeletionRequest.objects.create(confirmation_code="c" * 32)

    response = client.get(f"{DELETION_URL}{'c' * 32}/")

    assert "no-cache" in response["Cache-Control"]


# Admin

def test_admin_lists_requests(admin_client):
    DataDeletionRequest.objects.create(confirmation_code="d" * 32, status=DataDeletionRequest.Status.COMPLETED)

    response = admin_client.get("/admin/django_instagram/datadeletionrequest/")

    assert response.status_code == 200
    assert "d" * 32 in response.content.decode()


def test_admin_read_only(admin_client):
    deletion = DataDeletionRequest.objects.create(confirmation_code="e" * 32)

    assert admin_client.get("/admin/django_instagram/datadeletionrequest/add/").status_code == 403
    response = admin_client.post(f"/admin/django_instagram/datadeletionrequest/{deletion.pk}/change/",
                                 {"status": "completed"})
    deletion.refresh_from_db()
    assert response.status_code == 403
    assert deletion.status == DataDeletionRequest.Status.PENDING
