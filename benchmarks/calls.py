"""Call overhead: a service call with typed results against a raw ``requests`` GET of the same page."""

from __future__ import annotations

import requests

from django_instagram import services
from django_instagram.client.session import InstagramSession

from .redirect import instagram_at
from .results import Check, Result, Timing
from .timing import compare

TOKEN = "benchmark-access-token"
TARGET_RATIO = 1.3
CALLS_ON_ONE_CONNECTION = 100


def run(server, *, rounds: int, repeat: int) -> Result:
    result = Result(
        key="call_overhead",
        title="Call overhead",
        subject="`services.user_recent_media` / `services.media_popular` (typed `Media` results)",
        baseline="`session.get(url).json()` on the same server, with one reused session or a new one per call",
    )
    cases = [
        ("user_recent_media, 33 media", "/v1/users/self/media/recent",
         lambda: services.user_recent_media("self", token=TOKEN)),
        ("media_popular, 50 media", "/v1/media/popular", lambda: services.media_popular(token=TOKEN)),
    ]
    with instagram_at(server.base_url):
        result.checks.append(_connections_for_calls(server, cases[0][2]))
        session = requests.Session()
        app_session = InstagramSession()
        for label, path, service_call in cases:
            url = f"{server.base_url}{path}?access_token={TOKEN}"
            comparison = compare(service_call, lambda: session.get(url).json(), rounds=rounds, repeat=repeat)
            result.timings.append(
                Timing(label, comparison.subject, comparison.baseline, comparison.ratio, target=TARGET_RATIO)
            )
            comparison = compare(
                service_call, lambda: requests.Session().get(url).json(), rounds=rounds, repeat=repeat,
            )
            result.timings.append(Timing(
                f"{label}, against a new `requests.Session()` per call", comparison.subject, comparison.baseline,
                comparison.ratio, target=TARGET_RATIO,
            ))
            comparison = compare(service_call, lambda: app_session.get(url).json(), rounds=rounds, repeat=repeat)
            result.timings.append(Timing(
                f"{label}, against the same GET through the app's `InstagramSession`, for reference",
                comparison.subject, comparison.baseline, comparison.ratio,
            ))
        session.close()
        app_session.close()
    result.notes.append(
        "Each call is measured against two baselines: one `requests.Session` reused for every call (the "
        "stricter one, with the same connection reuse as the app) and `requests.Session().get(url).json()` "
        "taken literally, which builds a session and opens a TCP connection per call."
    )
    result.notes.append(
        "The app sends through `InstagramSession`, which reads the proxy and CA bundle environment "
        "variables once per origin where `requests.Session` reads them on every request. The reference "
        "row sends the raw GET through an `InstagramSession` too, so its ratio is the cost of the app's own "
        "work alone (resolution, rate-limit budget, envelope checks and typed results), without that saving."
    )
    return result


def _connections_for_calls(server, service_call) -> Check:
    """Count the TCP connections the server accepts during 100 service calls from a fresh session."""
    connections_before, requests_before = server.snapshot()
    for _ in range(CALLS_ON_ONE_CONNECTION):
        service_call()
    connections_after, requests_after = server.snapshot()
    connections = connections_after - connections_before
    served = requests_after - requests_before
    return Check(
        f"TCP connections for {CALLS_ON_ONE_CONNECTION} calls ({served} requests served)",
        connections, "1", connections == 1 and served == CALLS_ON_ONE_CONNECTION,
    )
