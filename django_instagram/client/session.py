"""``InstagramSession``: the ``requests.Session`` the client sends requests with.

``requests`` reads the proxy and CA bundle environment variables on every request: about 90 µs
per request with 35 variables set (CPython 3.11, requests 2.34, ``benchmarks/calls.py``), nearly
a tenth of a 33-media call on a local server. This session reads them once per origin
(``https://graph.instagram.com``), as httpx reads them once per client. So a change to
``HTTPS_PROXY``, ``NO_PROXY``, ``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE`` made while a process
runs applies only to sessions built after it. The app builds one session per thread.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import requests
from requests.sessions import merge_setting
from requests.utils import get_environ_proxies

#: Origins remembered per session; the client talks to two or three, so this only bounds misuse.
MAX_REMEMBERED_ORIGINS = 32


class _Environment(NamedTuple):
    proxies: dict[str, str]
    ca_bundle: str | None


class InstagramSession(requests.Session):
    """A ``requests.Session`` that reads proxy settings from the environment once per origin."""

    def __init__(self) -> None:
        super().__init__()
        self._environments: dict[str, _Environment] = {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # requests restores only the attributes it names in __attrs__.
        super().__setstate__(state)
        self._environments = {}

    def merge_environment_settings(
        self, url: str, proxies: dict | None, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        proxies = {} if proxies is None else proxies
        if not self.trust_env or proxies.get("no_proxy") is not None:
            # Without the environment, or with a no_proxy for this request only, there is
            # nothing to remember: requests' own merge is exact.
            return super().merge_environment_settings(url, proxies, stream, verify, cert)

        environment = self._environment(url)
        for scheme, proxy in environment.proxies.items():
            proxies.setdefault(scheme, proxy)
        if verify is True or verify is None:
            verify = environment.ca_bundle or verify

        return {
            "proxies": merge_setting(proxies, self.proxies),
            "stream": merge_setting(stream, self.stream),
            "verify": merge_setting(verify, self.verify),
            "cert": merge_setting(cert, self.cert),
        }

    def _environment(self, url: str) -> _Environment:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        environment = self._environments.get(origin)
        if environment is None:
            if len(self._environments) >= MAX_REMEMBERED_ORIGINS:
                self._environments.clear()
            environment = _Environment(
                proxies=get_environ_proxies(url, no_proxy=None),
                ca_bundle=os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE"),
            )
            self._environments[origin] = environment
        return environment
