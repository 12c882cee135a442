"""A local keep-alive HTTP server that plays Instagram from the recorded responses.

It runs in its own process, so its work neither competes with the measured code for the GIL nor
shows up in the measured process's ``tracemalloc`` figures. It speaks HTTP/1.1 with keep-alive
and counts TCP connections and requests in shared memory, which is how the harness proves that
the app reuses one connection.

Routes (paths as on api.instagram.com and graph.instagram.com):

- ``GET /v1/users/self/media/recent``: the recorded 33-item page.
- ``GET /v1/media/popular``: the recorded 50-item page.
- ``GET /v1/users/stream-<total>/media/recent?count=N&max_id=<offset>``: a generated stream of
  ``total`` media in pages of ``count``, built by cycling the recorded media with new ids and a
  ``next_max_id`` cursor.
- ``GET /refresh_access_token``: the recorded long-lived token response with a new token.
"""

from __future__ import annotations

import copy
import json
import multiprocessing
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"

RECENT_MEDIA_FIXTURE = "user_recent_media_self_with_pagination"
POPULAR_FIXTURE = "media_popular"
STREAM_PREFIX = "stream-"


def recorded_response(name: str, index: int = 0) -> dict:
    """Return the recorded v1 response ``index`` of ``tests/fixtures/v1/<name>.json``."""
    with open(FIXTURES / "v1" / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)[index]["response"]


def recorded_media() -> list[dict]:
    """Return the media dicts of the recorded pages, used to build generated pages and inputs."""
    media = []
    for name in (RECENT_MEDIA_FIXTURE, POPULAR_FIXTURE):
        media.extend(json.loads(recorded_response(name)["body"])["data"])
    return media


def stream_page(total: int, offset: int, count: int, pool: list[dict]) -> dict:
    """Build the v1 page of a generated stream that starts at item ``offset``."""
    end = min(total, offset + count)
    data = []
    for position in range(offset, end):
        item = copy.copy(pool[position % len(pool)])
        item["id"] = f"{position}_{STREAM_PREFIX}{total}"
        data.append(item)
    pagination = {}
    if end < total:
        pagination = {"next_max_id": str(end)}
    return {"pagination": pagination, "meta": {"code": 200}, "data": data}


class Counters:
    """TCP connections and requests seen by the server, in memory shared with the parent process."""

    def __init__(self, context) -> None:
        self.connections = context.Value("q", 0)
        self.requests = context.Value("q", 0)

    def snapshot(self) -> tuple[int, int]:
        return self.connections.value, self.requests.value


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes; without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK would add about 40 ms to every response.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        with self.server.counters.connections.get_lock():
            self.server.counters.connections.value += 1

    def log_message(self, format, *args) -> None:
        pass

    def do_GET(self) -> None:
        with self.server.counters.requests.get_lock():
            self.server.counters.requests.value += 1
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        body = self.server.route(parts.path, query)
        if body is None:
            self._send(404, b'{"meta": {"code": 404, "error_type": "NotFound", "error_message": "no route"}}')
            return
        self._send(200, body)

    def _send(self, status: int, body: bytes) -> None:
        delay = self.server.latency
        if delay:
            time.sleep(delay)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-ratelimit-limit", "5000")
        self.send_header("x-ratelimit-remaining", "4999")
        self.end_headers()
        self.wfile.write(body)


class RecordedInstagramServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, counters: Counters, latency: float) -> None:
        super().__init__(address, _Handler)
        self.counters = counters
        self.latency = latency
        self.pool = recorded_media()
        self.static = {
            "/v1/users/self/media/recent": recorded_response(RECENT_MEDIA_FIXTURE)["body"].encode(),
            "/v1/media/popular": recorded_response(POPULAR_FIXTURE)["body"].encode(),
        }
        token = json.loads((FIXTURES / "graph" / "token_long_lived.json").read_text(encoding="utf-8"))
        self.refreshed_token = token

    def route(self, path: str, query: dict[str, str]) -> bytes | None:
        if path in self.static:
            return self.static[path]
        if path == "/refresh_access_token":
            answer = {**self.refreshed_token, "access_token": f"IGQrefreshed-{self.counters.requests.value}"}
            return json.dumps(answer).encode()
        segments = path.strip("/").split("/")
        if len(segments) == 5 and segments[:2] == ["v1", "users"] and segments[2].startswith(STREAM_PREFIX):
            total = int(segments[2][len(STREAM_PREFIX):])
            offset = int(query.get("max_id", "0"))
            count = int(query.get("count", "50"))
            return json.dumps(stream_page(total, offset, count, self.pool)).encode()
        return None


def _serve(port_value, ready, counters: Counters, latency: float) -> None:
    server = RecordedInstagramServer(("127.0.0.1", 0), counters, latency)
    port_value.value = server.server_address[1]
    ready.set()
    server.serve_forever(poll_interval=0.05)


class ServerProcess:
    """Start the server in a child process; use as a context manager.

    ``latency`` (seconds) delays every response, to model the network round trip to Instagram.
    """

    def __init__(self, latency: float = 0.0) -> None:
        # fork: the child only needs this module, and fork works from any main module.
        self.context = multiprocessing.get_context("fork")
        self.counters = Counters(self.context)
        self.latency = latency
        self.port = None
        self.process = None

    def __enter__(self) -> ServerProcess:
        port_value = self.context.Value("i", 0)
        ready = self.context.Event()
        self.process = self.context.Process(
            target=_serve, args=(port_value, ready, self.counters, self.latency), daemon=True
        )
        self.process.start()
        if not ready.wait(timeout=30):
            self.process.kill()
            raise RuntimeError("The local Instagram server did not start within 30 seconds.")
        self.port = port_value.value
        return self

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()
        self.process.join(timeout=10)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def snapshot(self) -> tuple[int, int]:
        """Return (TCP connections, requests) served so far."""
        return self.counters.snapshot()
