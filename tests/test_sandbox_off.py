"""The sandbox's URLs return 404 while ``INSTAGRAM["SANDBOX"]`` is off.

A site that keeps ``django_instagram.sandbox`` installed and routed after switching to the real
Instagram would otherwise serve a consent page, a token endpoint and fake API data to anyone.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

AUTHORIZE = (
    "/instagram-sandbox/oauth/authorize/?client_id=test-client-id"
    "&redirect_uri=https%3A%2F%2Ftestserver%2Finstagram%2Fcallback%2F&response_type=code&scope=basic"
)

PATHS = [
    AUTHORIZE,
    "/instagram-sandbox/v1/tags/ts?client_id=test-client-id",
    "/instagram-sandbox/graph/me",
]


@pytest.mark.parametrize("path", PATHS)
def test_sandbox_off_not_found(client, path):
    response = client.get(path)

    assert response.status_code == 404


def test_sandbox_off_token_endpoint(client):
    form = {"client_id": "test-client-id", "client_secret": "test-client-secret", "grant_type": "authorization_code"}

    response = client.post("/instagram-sandbox/oauth/access_token", form)

    assert response.status_code == 404


def test_sandbox_on_consent_page(client, sandbox):
    response = client.get(AUTHORIZE)

    assert response.status_code == 200
    assert b"Test site" in response.content


def test_sandbox_on_v1_endpoint(client, sandbox):
    response = client.get("/instagram-sandbox/v1/tags/ts?client_id=test-client-id")

    assert response.status_code == 200
    assert response.json()["data"] == {"media_count": 10, "name": "ts"}
