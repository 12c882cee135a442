"""Placeholder pictures for the recorded media, so an offline demo shows images.

The recorded responses keep the CDN URLs Instagram sent (scontent.cdninstagram.com and the
like), which load nothing without a network. With ``INSTAGRAM["SANDBOX_PLACEHOLDER_IMAGES"]``
on, the sandbox rewrites those URLs in its responses to its own ``cdn/<host>/<path>`` route,
which draws a gradient picked from the path, so each media keeps a distinct picture.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ..conf import instagram_settings

#: Hosts of Instagram's and Facebook's media CDNs as they appear in the recorded responses.
CDN_URL = re.compile(
    rb"https://(?P<host>(?:[\w-]+\.)*(?:cdninstagram\.com|fbcdn\.net|akamaihd\.net))/"
)

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="640" height="640" viewBox="0 0 640 640">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="hsl({first}, 75%, 62%)"/><stop offset="1" stop-color="hsl({second}, 70%, 45%)"/>
</linearGradient></defs>
<rect width="640" height="640" fill="url(#g)"/>
<circle cx="320" cy="320" r="92" fill="none" stroke="white" stroke-width="26" opacity=".85"/>
<rect x="170" y="170" width="300" height="300" rx="80" fill="none" stroke="white" stroke-width="26" opacity=".85"/>
<circle cx="410" cy="230" r="16" fill="white" opacity=".85"/>
</svg>"""


def rewrite_media_urls(content: bytes) -> bytes:
    """Point every CDN URL in a response body at the sandbox's placeholder route."""
    if not instagram_settings.SANDBOX_PLACEHOLDER_IMAGES:
        return content
    base = _placeholder_base().encode()
    return CDN_URL.sub(lambda match: base + match.group("host") + b"/", content)


def _placeholder_base() -> str:
    """Return the absolute URL of the ``cdn/`` route, on the site of the redirect URI."""
    parts = urlsplit(instagram_settings.REDIRECT_URI or "")
    prefix = reverse("django_instagram_sandbox:cdn", kwargs={"path": "x"})[:-1]
    return f"{parts.scheme}://{parts.netloc}{prefix}"


@require_GET
@cache_control(max_age=86400, public=True)
def placeholder(request: HttpRequest, path: str) -> HttpResponse:
    digest = hashlib.sha256(path.encode()).digest()
    svg = SVG.format(first=digest[0] * 360 // 256, second=digest[1] * 360 // 256)
    return HttpResponse(svg, content_type="image/svg+xml")
