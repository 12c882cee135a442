"""Shared fixtures: recorded responses, a strict ``responses`` mock, the in-process sandbox."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
import responses
from django.contrib.auth import get_user_model
from django.core.cache import caches

from django_instagram import resolution
from django_instagram.conf import instagram_settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def recorded(name: str, index: int = 0) -> dict:
    """The interaction ``index`` of a recorded v1 file: ``{"request": ..., "response": ...}``."""
    with open(FIXTURES / "v1" / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)[index]


def recorded_body(name: str, index: int = 0) -> dict:
    return json.loads(recorded(name, index)["response"]["body"])


def graph_fixture(name: str) -> dict:
    with open(FIXTURES / "graph" / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)


def add_recorded(mock: responses.RequestsMock, name: str, *, method: str | None = None, url: str | None = None,
                 index: int = 0, **kwargs) -> responses.BaseResponse:
    """Register a recorded interaction with ``mock``, body, status and headers as Instagram sent them."""
    interaction = recorded(name, index)
    response = interaction["response"]
    headers = {k: v for k, v in response["headers"].items() if k.lower() not in ("content-type", "content-length", "connection")}
    return mock.add(
        method or interaction["request"]["method"],
        url or interaction["request"]["url"].split("?")[0],
        body=response["body"].encode("utf-8"),
        status=response["status"],
        headers=headers,
        content_type=response["headers"].get("Content-Type", "application/json"),
        **kwargs,
    )


def pytest_collection_modifyitems(config, items):
    """Skip tests marked ``postgres`` unless the suite runs on PostgreSQL."""
    if os.environ.get("DJANGO_INSTAGRAM_TEST_DB") == "postgres":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DJANGO_INSTAGRAM_TEST_DB=postgres (see the README)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_runtime_configuration():
    """Forget configure() calls, cached settings, per-thread sessions and the cache between tests.

    Test databases roll back, so account ids repeat from test to test. A feed or rate-limit
    block cached by one test would otherwise show up in the next.
    """
    instagram_settings.runtime.clear()
    instagram_settings.reload()
    if hasattr(resolution._local, "sessions"):
        resolution._local.sessions = {}
    for cache in caches.all():
        cache.clear()
    yield
    instagram_settings.runtime.clear()
    instagram_settings.reload()


@pytest.fixture
def mock_instagram():
    """A strict ``responses`` mock: unmatched requests fail, unused registrations fail the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def instagram_override(settings):
    """Change keys of ``settings.INSTAGRAM`` for one test: ``instagram_override(SANDBOX=True)``."""

    def override(**values):
        settings.INSTAGRAM = {**copy.deepcopy(settings.INSTAGRAM), **values}
        instagram_settings.reload()

    return override


@pytest.fixture
def sandbox(instagram_override, db):
    """Turn the in-process sandbox on: django_instagram.sandbox serves Instagram's requests."""
    instagram_override(SANDBOX=True)
    return None


@pytest.fixture
def site_user(db):
    """A site user who links Instagram accounts in the flow tests."""
    return get_user_model().objects.create_user("alice", password="pw")


@pytest.fixture
def logged_in(client, site_user):
    """Django's test client, logged in as ``site_user``."""
    client.force_login(site_user)
    return client
