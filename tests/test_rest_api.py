"""The REST API in django_instagram.contrib.rest_framework: permissions, data, errors, schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from responses import matchers

from django_instagram.cache import get_cache
from django_instagram.client.pagination import Page, Pagination
from django_instagram.client.types import Media
from django_instagram.models import InstagramAccount
from tests.conftest import add_recorded, graph_fixture, recorded_body

rest_framework = pytest.importorskip("rest_framework")
from rest_framework.test import APIClient  # noqa: E402

pytestmark = pytest.mark.django_db

API = "/api/instagram/"
TOKEN = "IGQVJ-rest-api-token-value-c3d4"
RECENT_URL = "https://api.instagram.com/v1/users/self/media/recent"


@pytest.fixture(autouse=True)
def _empty_cache():
    get_cache().clear()
    yield
    get_cache().clear()


def make_user(name: str, **fields):
    return get_user_model().objects.create_user(name, password="pw", **fields)


def make_account(owner, username="user_cf840edd", *, api="legacy", instagram_user_id=None, **fields):
    account = InstagramAccount(user=owner, api=api, instagram_user_id=instagram_user_id or username,
                               username=username, scopes=["basic"], **fields)
    account.access_token = TOKEN
    account.save()
    return account


@pytest.fixture
def alice():
    return make_user("alice")


@pytest.fixture
def api(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def account(alice):
    return make_account(alice, instagram_user_id="57451593")


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


# Accounts -----------------------------------------------------------------------------------------------


def test_accounts_owner_sees_own(api, account):
    make_account(make_user("bob"), "bobs_account")

    response = api.get(f"{API}accounts/")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [row["username"] for row in response.json()["results"]] == ["user_cf840edd"]
    assert response.json()["results"][0]["token_state"] == "active"
    assert response.json()["results"][0]["site_user"] == account.user_id


def test_accounts_staff_sees_all(account):
    make_account(make_user("bob"), "bobs_account")
    client = APIClient()
    client.force_authenticate(make_user("staff", is_staff=True))

    response = client.get(f"{API}accounts/")

    assert sorted(row["username"] for row in response.json()["results"]) == ["bobs_account", "user_cf840edd"]


def test_accounts_list_is_paginated(account):
    for number in range(3):
        make_account(make_user(f"user{number}"), f"account_{number}")
    client = APIClient()
    client.force_authenticate(make_user("staff", is_staff=True))

    first = client.get(f"{API}accounts/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert first["count"] == 4
    assert len(first["results"]) == 2
    assert len(second["results"]) == 2
    assert second["next"] is None
    assert not {row["id"] for row in first["results"]} & {row["id"] for row in second["results"]}


def test_accounts_anonymous_rejected(account):
    response = APIClient().get(f"{API}accounts/")

    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_account_of_other_user_hidden(api):
    other = make_account(make_user("bob"), "bobs_account")

    assert api.get(f"{API}accounts/{other.pk}/").status_code == 404
    assert api.delete(f"{API}accounts/{other.pk}/").status_code == 404
    assert api.get(f"{API}accounts/{other.pk}/media/").status_code == 404
    assert InstagramAccount.objects.filter(pk=other.pk).exists()


def test_account_never_shows_token(api, account):
    body = api.get(f"{API}accounts/{account.pk}/").content.decode()

    assert TOKEN not in body
    assert TOKEN[-4:] not in body
    assert account.token_ciphertext not in body
    assert "access_token" not in body


def test_delete_unlinks_account(api, account):
    from django_instagram import signals

    unlinked = []
    handler = lambda sender, account, **kwargs: unlinked.append(account.pk)  # noqa: E731
    signals.account_unlinked.connect(handler)
    try:
        response = api.delete(f"{API}accounts/{account.pk}/")
    finally:
        signals.account_unlinked.disconnect(handler)

    assert response.status_code == 204
    assert unlinked == [account.pk]
    assert not InstagramAccount.objects.exists()


def test_refresh_legacy_conflict(api, account):
    response = api.post(f"{API}accounts/{account.pk}/refresh/")

    assert response.status_code == 409
    assert response.json()["code"] == "refresh_not_possible"
    assert "Legacy v1 tokens cannot be refreshed" in response.json()["detail"]


def test_refresh_graph_account(api, alice, monkeypatch):
    tokens = pytest.importorskip("django_instagram.tokens")
    account = make_account(alice, "graph_user", api="graph")
    calls = []

    def refresh(target):
        calls.append(target.pk)
        InstagramAccount.objects.filter(pk=target.pk).update(username="graph_user_refreshed")
        return target

    monkeypatch.setattr(tokens, "refresh_token", refresh)

    response = api.post(f"{API}accounts/{account.pk}/refresh/")

    assert response.status_code == 200
    assert calls == [account.pk]
    assert response.json()["username"] == "graph_user_refreshed"


# Media pages -----------------------------------------------------------------------------------------------


def test_media_page_recorded(api, account, mock_instagram):
    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL)
    recorded = recorded_body("user_recent_media")

    response = api.get(f"{API}accounts/{account.pk}/media/", {"page_size": 3})

    body = response.json()
    assert response.status_code == 200
    assert [item["id"] for item in body["results"]] == [item["id"] for item in recorded["data"]]
    assert body["results"][0]["caption"] == recorded["data"][0]["caption"]["text"]
    assert body["results"][0]["images"]["thumbnail"] == recorded["data"][0]["images"]["thumbnail"]
    assert body["next"].startswith(f"http://testserver{API}accounts/{account.pk}/media/?")
    assert query_of(body["next"]) == {"page_size": "3", "cursor": "5383966576704955909_57451593"}
    assert body["previous"] is None
    assert mock_instagram.calls[0].request.params["count"] == "3"


def test_media_page_cursor_passed(api, account, mock_instagram):
    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL,
                 match=[matchers.query_param_matcher({"max_id": "5383966576704955909_57451593"}, strict_match=False)])

    response = api.get(f"{API}accounts/{account.pk}/media/", {"cursor": "5383966576704955909_57451593"})

    assert response.status_code == 200
    assert mock_instagram.calls[0].request.params["count"] == "12"


def test_media_page_no_token_or_next_url(api, account, mock_instagram):
    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL)

    body = api.get(f"{API}accounts/{account.pk}/media/").content.decode()

    assert TOKEN not in body
    assert "access_token" not in body
    assert "next_url" not in body
    assert "api.instagram.com" not in body


def test_media_page_warm_cache(api, account, mock_instagram):
    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL)

    first = api.get(f"{API}accounts/{account.pk}/media/").json()
    second = api.get(f"{API}accounts/{account.pk}/media/").json()

    assert first == second
    assert len(mock_instagram.calls) == 1


def test_media_page_graph_cursor(api, alice, monkeypatch):
    from django_instagram import feeds

    account = make_account(alice, "graph_user", api="graph")
    fixture = graph_fixture("me_media_page1")
    page = Page([Media.from_graph(item) for item in fixture["data"]], Pagination.from_graph(fixture["paging"]))
    requested = []
    monkeypatch.setattr(feeds, "media_page", lambda acc, limit, cursor: requested.append((limit, cursor)) or page)

    body = api.get(f"{API}accounts/{account.pk}/media/", {"cursor": "abc", "page_size": 2}).json()

    assert requested == [(2, "abc")]
    assert [item["id"] for item in body["results"]] == [item["id"] for item in fixture["data"]]
    assert query_of(body["next"]) == {"page_size": "2", "cursor": fixture["paging"]["cursors"]["after"]}


@pytest.mark.parametrize("size", ["0", "51", "x"])
def test_media_page_invalid_size(api, account, size):
    response = api.get(f"{API}accounts/{account.pk}/media/", {"page_size": size})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_page_size"


def test_profile_recorded(api, account, mock_instagram):
    add_recorded(mock_instagram, "user_self_auth_explicit")
    recorded = recorded_body("user_self_auth_explicit")["data"]

    body = api.get(f"{API}accounts/{account.pk}/profile/").json()

    assert body["username"] == recorded["username"]
    assert body["counts"]["followed_by"] == recorded["counts"]["followed_by"]
    assert body["bio"] == recorded["bio"]


# One media ------------------------------------------------------------------------------------------------------


def test_media_detail_by_owner_suffix(api, alice, mock_instagram):
    make_account(alice, "first", instagram_user_id="1")
    make_account(alice, "second", instagram_user_id="951819347")
    add_recorded(mock_instagram, "media")
    recorded = recorded_body("media")["data"]

    response = api.get(f"{API}media/{recorded['id']}/")

    assert response.status_code == 200
    assert response.json()["link"] == recorded["link"]
    assert response.json()["tags"] == recorded["tags"]


def test_media_detail_account_param(api, account, alice, mock_instagram):
    make_account(alice, "second", instagram_user_id="2")
    add_recorded(mock_instagram, "media")

    response = api.get(f"{API}media/2393433640717702082_951819347/", {"account": account.pk})

    assert response.status_code == 200


def test_media_detail_account_required(api, alice):
    make_account(alice, "first", instagram_user_id="1")
    make_account(alice, "second", instagram_user_id="2")

    response = api.get(f"{API}media/17895695668004550/")

    assert response.status_code == 400
    assert response.json()["code"] == "account_required"


def test_media_detail_other_users_account(api, account):
    other = make_account(make_user("bob"), "bobs_account")

    response = api.get(f"{API}media/1_2/", {"account": other.pk})

    assert response.status_code == 404


def test_media_comments_recorded(api, account, mock_instagram):
    add_recorded(mock_instagram, "comments")
    recorded = recorded_body("comments")["data"]

    body = api.get(f"{API}media/5383966576704955909_57451593/comments/").json()

    assert [comment["text"] for comment in body] == [comment["text"] for comment in recorded]
    assert body[0]["from_user"]["username"] == recorded[0]["from"]["username"]


def test_media_serializer_carousel():
    from django_instagram.contrib.rest_framework.serializers import MediaSerializer

    media = Media.from_graph({**graph_fixture("media_carousel"), "children": graph_fixture("media_children")})

    data = MediaSerializer(media).data

    assert data["type"] == "carousel"
    assert [child["image_url"] for child in data["carousel_media"]] == [
        child["media_url"] for child in graph_fixture("media_children")["data"]
    ]


# Errors ---------------------------------------------------------------------------------------------------------


def test_rejected_token_conflict(api, account, mock_instagram):
    add_recorded(mock_instagram, "oauth_exception", url=RECENT_URL)

    response = api.get(f"{API}accounts/{account.pk}/media/")

    account.refresh_from_db()
    assert response.status_code == 409
    assert response.json()["code"] == "needs_reauthorization"
    assert account.status == InstagramAccount.Status.NEEDS_REAUTH


def test_needs_reauth_account_no_call(api, account, mock_instagram):
    InstagramAccount.objects.filter(pk=account.pk).update(status=InstagramAccount.Status.NEEDS_REAUTH)

    response = api.get(f"{API}accounts/{account.pk}/profile/")

    assert response.status_code == 409
    assert response.json()["code"] == "needs_reauthorization"
    assert len(mock_instagram.calls) == 0


def test_rate_limit_retry_after(api, account, mock_instagram):
    body = {"meta": {"error_type": "OAuthRateLimitException", "code": 429,
                     "error_message": "The maximum number of requests per hour has been exceeded."}}
    mock_instagram.add("GET", RECENT_URL, json=body, status=429, headers={"Retry-After": "120"})

    response = api.get(f"{API}accounts/{account.pk}/media/")

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert response["Retry-After"] == "120"


@pytest.mark.parametrize("failure", [
    {"body": requests.ConnectionError("connection refused")},
    {"body": "<html>Service Unavailable</html>", "status": 503, "content_type": "text/html"},
])
def test_instagram_down_unavailable(api, account, mock_instagram, failure):
    mock_instagram.add("GET", RECENT_URL, **failure)

    response = api.get(f"{API}accounts/{account.pk}/media/")

    assert response.status_code == 503
    assert response.json()["code"] == "instagram_unavailable"


def test_media_not_found(api, account, mock_instagram):
    body = {"meta": {"error_type": "APINotFoundError", "code": 400, "error_message": "invalid media id"}}
    mock_instagram.add("GET", "https://api.instagram.com/v1/media/1_57451593", json=body, status=400)

    response = api.get(f"{API}media/1_57451593/")

    assert response.status_code == 404
    assert response.json()["code"] == "instagram_not_found"


# Schema and optional install -----------------------------------------------------------------------------------


def test_openapi_schema_every_endpoint():
    import yaml
    from rest_framework.renderers import OpenAPIRenderer
    from rest_framework.schemas.openapi import SchemaGenerator

    schema = SchemaGenerator(title="django_instagram", urlconf="example_project.urls").get_schema(public=True)
    document = yaml.safe_load(OpenAPIRenderer().render(schema))

    paths = document["paths"]
    assert set(paths) == {
        f"{API}accounts/", f"{API}accounts/{{id}}/", f"{API}accounts/{{id}}/refresh/",
        f"{API}accounts/{{id}}/media/", f"{API}accounts/{{id}}/profile/", f"{API}media/{{id}}/",
        f"{API}media/{{id}}/comments/",
    }
    media_page = paths[f"{API}accounts/{{id}}/media/"]["get"]
    assert {parameter["name"] for parameter in media_page["parameters"]} == {"id", "cursor", "page_size"}
    page_schema = media_page["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(page_schema["properties"]) == {"next", "previous", "results"}
    assert "access_token" not in json.dumps(document)


BLOCKER = """
import sys
class BlockDRF:
    def find_spec(self, name, path=None, target=None):
        if name == "rest_framework" or name.startswith("rest_framework."):
            raise ModuleNotFoundError(f"No module named {name!r} (blocked)")
        return None
sys.meta_path.insert(0, BlockDRF())

import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.test.utils import setup_test_environment
from django.urls import resolve

call_command("migrate", verbosity=0)
call_command("check")
import django_instagram.admin, django_instagram.services, django_instagram.views, django_instagram.feeds
html = Template("{% load instagram %}{% instagram_feed 'nobody' %}").render(Context())
assert "No Instagram posts to show right now." in html, html
resolve("/instagram/login/")
try:
    import django_instagram.contrib.rest_framework.views
except ImportError:
    pass
else:
    raise AssertionError("the REST views imported without DRF")
assert "rest_framework" not in settings.INSTALLED_APPS
assert not any(name.startswith("rest_framework") for name in sys.modules), sorted(sys.modules)
print("ok without DRF")
"""


def test_app_works_without_drf():
    root = Path(__file__).resolve().parent.parent
    # SQLite in memory and the local-memory cache: the subprocess migrates its own database.
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(root),
                   "DJANGO_INSTAGRAM_TEST_DB": "", "DJANGO_INSTAGRAM_TEST_CACHE": ""}

    result = subprocess.run([sys.executable, "-c", BLOCKER], cwd=root, env=environment,
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok without DRF"


def test_refresh_too_young_conflict(api, alice, mock_instagram):
    from django.utils import timezone

    account = make_account(alice, "fresh_graph", api="graph", token_refreshed_at=timezone.now())

    response = api.post(f"{API}accounts/{account.pk}/refresh/")

    assert response.status_code == 409
    assert response.json()["code"] == "refresh_not_possible"
    assert "24 hours old" in response.json()["detail"]
    assert len(mock_instagram.calls) == 0
