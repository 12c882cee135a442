"""A ``requests`` transport adapter that hands Instagram requests to the sandbox in-process.

Mounted on a session for ``https://api.instagram.com/`` and ``https://graph.instagram.com/``,
it resolves the request path against the sandbox's URLconf and calls the view directly, so
no request leaves the process and no server has to run. Middleware is skipped on purpose:
Instagram's endpoints know nothing of the site's sessions, CSRF or allowed hosts.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote, urlsplit

import requests
from django.test.client import RequestFactory
from django.urls import Resolver404, resolve
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from .pictures import rewrite_media_urls

logger = logging.getLogger(__name__)

API_URLCONF = "django_instagram.sandbox.api_urls"
HOST_PREFIXES = {
    "api.instagram.com": "",
    "graph.instagram.com": "/graph",
}


class SandboxAdapter(BaseAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.factory = RequestFactory()

    def send(self, request: requests.PreparedRequest, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        path = HOST_PREFIXES.get(parts.hostname or "", "") + parts.path
        django_request = self._django_request(request, path, parts.query)
        try:
            match = resolve(path, urlconf=API_URLCONF)
        except Resolver404:
            return self._response(request, 404, {"Content-Type": "text/html"}, b"<html><body>Page not found</body></html>")
        # The path is matched while still percent-encoded, so an encoded "/" inside a tag name or
        # cursor stays in its segment. The view then gets the decoded value, as Django passes it.
        kwargs = {key: unquote(value) if isinstance(value, str) else value for key, value in match.kwargs.items()}
        django_response = match.func(django_request, *match.args, **kwargs)
        headers = {key: value for key, value in django_response.items()}
        content = rewrite_media_urls(django_response.content)
        return self._response(request, django_response.status_code, headers, content)

    def _django_request(self, request: requests.PreparedRequest, path: str, query: str):
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        content_type = request.headers.get("Content-Type", "application/octet-stream")
        extra = {f"HTTP_{key.upper().replace('-', '_')}": value for key, value in request.headers.items()
                 if key.lower() not in ("content-type", "content-length")}
        target = path + (f"?{query}" if query else "")
        return self.factory.generic(request.method, target, data=body, content_type=content_type, **extra)

    def _response(self, request, status: int, headers: dict, content: bytes) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict(headers)
        response._content = content
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        response.reason = "OK" if status < 400 else "Error"
        return response

    def close(self) -> None:
        pass


def mount_sandbox(session: requests.Session) -> None:
    adapter = SandboxAdapter()
    for host in HOST_PREFIXES:
        session.mount(f"https://{host}/", adapter)
