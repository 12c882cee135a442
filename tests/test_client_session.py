"""``InstagramSession``: proxy and CA bundle settings read from the environment once per origin."""

from __future__ import annotations

import pickle

import pytest
import requests
import responses

from django_instagram.client.session import InstagramSession

GRAPH_URL = "https://graph.instagram.com/me?fields=id"


@pytest.fixture
def clean_environment(monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
                 "NO_PROXY", "no_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def merged(session: requests.Session, url: str = GRAPH_URL, **kwargs) -> dict:
    return session.merge_environment_settings(
        url, kwargs.get("proxies", {}), kwargs.get("stream"), kwargs.get("verify"), kwargs.get("cert")
    )


def test_same_settings_as_requests(clean_environment):
    clean_environment.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    clean_environment.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/bundle.pem")
    assert merged(InstagramSession()) == merged(requests.Session())
    assert merged(InstagramSession())["proxies"]["https"] == "http://proxy.example:3128"
    assert merged(InstagramSession())["verify"] == "/etc/ssl/bundle.pem"


def test_no_proxy_bypasses_host(clean_environment):
    clean_environment.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    clean_environment.setenv("NO_PROXY", "graph.instagram.com")
    assert "https" not in merged(InstagramSession())["proxies"]
    assert merged(InstagramSession(), "https://api.instagram.com/v1/users/self")["proxies"]["https"] == (
        "http://proxy.example:3128"
    )


def test_environment_read_once_per_origin(clean_environment):
    session = InstagramSession()
    assert merged(session)["proxies"] == {}
    clean_environment.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert merged(session)["proxies"] == {}
    assert merged(session, "https://api.instagram.com/v1/users/self")["proxies"]["https"] == "http://proxy.example:3128"
    assert merged(InstagramSession())["proxies"]["https"] == "http://proxy.example:3128"


def test_request_settings_win(clean_environment):
    clean_environment.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    session = InstagramSession()
    settings = merged(session, proxies={"https": "http://other.example:8080"}, verify=False)
    assert settings["proxies"]["https"] == "http://other.example:8080"
    assert settings["verify"] is False


def test_session_settings_merged(clean_environment):
    session = InstagramSession()
    session.proxies = {"https": "http://session.example:1"}
    session.verify = "/etc/ssl/session.pem"
    settings = merged(session)
    assert settings["proxies"]["https"] == "http://session.example:1"
    assert settings["verify"] == "/etc/ssl/session.pem"


def test_request_no_proxy_not_remembered(clean_environment):
    clean_environment.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    session = InstagramSession()
    assert "https" not in merged(session, proxies={"no_proxy": "graph.instagram.com"})["proxies"]
    assert merged(session)["proxies"]["https"] == "http://proxy.example:3128"


def test_trust_env_off_ignores_environment(clean_environment):
    clean_environment.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    session = InstagramSession()
    session.trust_env = False
    assert merged(session)["proxies"] == {}


def test_remembered_origins_bounded(clean_environment):
    session = InstagramSession()
    for number in range(40):
        merged(session, f"https://host{number}.example/")
    assert len(session._environments) <= 32


def test_works_after_pickle(clean_environment):
    clean_environment.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    session = pickle.loads(pickle.dumps(InstagramSession()))

    assert merged(session)["proxies"]["https"] == "http://proxy.example:3128"


def test_sends_request(clean_environment):
    with responses.RequestsMock() as mock:
        mock.get(GRAPH_URL, json={"id": "17841400000000001"})
        assert InstagramSession().get(GRAPH_URL).json() == {"id": "17841400000000001"}
