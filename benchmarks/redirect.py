"""Send the app's Instagram requests to the local server instead of Instagram.

A ``requests`` adapter mounted for ``https://api.instagram.com/`` and
``https://graph.instagram.com/`` rewrites each request's URL to the local server and sends it
with the ordinary ``HTTPAdapter``, so the app's own code path (settings, resolution, transport,
parsing) runs unchanged. The rewrite is a string operation of about a microsecond and is
charged to the app's side of every comparison.
"""

from __future__ import annotations

import contextlib
from typing import Iterator
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter

from django_instagram import resolution

INSTAGRAM_HOSTS = ("https://api.instagram.com/", "https://graph.instagram.com/")


class LocalInstagramAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` that sends Instagram requests to ``base_url`` (``http://127.0.0.1:port``)."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        request.url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, **kwargs)


@contextlib.contextmanager
def instagram_at(base_url: str) -> Iterator[None]:
    """Mount ``LocalInstagramAdapter`` on every session the app builds inside this block.

    The app keeps one session per thread (``resolution._session``), so the adapter is mounted
    on each thread's session when that thread first requests it.
    """
    original = resolution._session
    adapter_key = f"benchmarks:{base_url}"

    def session_to_local_server():
        session = original()
        if getattr(session, "benchmarks_adapter", None) != adapter_key:
            adapter = LocalInstagramAdapter(base_url)
            for host in INSTAGRAM_HOSTS:
                session.mount(host, adapter)
            session.benchmarks_adapter = adapter_key
        return session

    resolution._session = session_to_local_server
    try:
        yield
    finally:
        resolution._session = original
        if hasattr(resolution._local, "sessions"):
            for session in resolution._local.sessions.values():
                session.close()
            resolution._local.sessions = {}
