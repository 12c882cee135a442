"""Data from Instagram is inert wherever it is rendered.

Hostile captions, usernames and URLs come in through the wire (``responses`` answers as Instagram
would), pass the client and the service layer, and reach every template tag and filter, the
OAuth pages, the admin and the example site's home page. ``audit`` parses each page and finds no
script element, event-handler attribute or non-http(s) URL that the data could have put there,
while the hostile text still shows as text.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template

from django_instagram.cache import get_cache
from django_instagram.client.types import Media
from django_instagram.display import media_view
from django_instagram.models import InstagramAccount
from tests.conftest import graph_fixture, recorded_body

pytestmark = pytest.mark.django_db

V1_RECENT_URL = "https://api.instagram.com/v1/users/self/media/recent"
GRAPH_MEDIA_URL = re.compile(r"https://graph\.instagram\.com/(v[\d.]+/)?me/media")
TOKEN_URL = "https://api.instagram.com/oauth/access_token"

#: Each caption and URL carries "alert(", so ``audit`` can tell injected script from the page's own.
CAPTIONS = [
    '<script>alert("caption")</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea></title><script>alert(1)</script>",
    "#<script>alert(1)</script> @x\"onmouseover=alert(1)//",
    "{{ settings.SECRET_KEY }}{% debug %} alert(1)",
]
URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==#alert(1)",
    "vbscript:alert(1)",
    "//evil.example/alert(1).jpg",
    'https://cdn.example/a.jpg" onerror="alert(1)',
    "https://cdn.example/a.jpg' onerror='alert(1)",
]
USERNAMES = ['evil"user', "o'hara", "<b>bold</b>alert(1)", 'a" onmouseover="alert(1)', "a&amp;b"]

URL_ATTRIBUTES = frozenset({"href", "src", "poster", "action", "formaction", "srcset", "data", "xlink:href", "background"})
ACTIVE_ELEMENTS = frozenset({"script", "iframe", "object", "embed", "base"})


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self.values: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_ELEMENTS:
            self._inspect_active(tag, dict(attrs))
        for name, value in attrs:
            self.values.append(value or "")
            self._inspect_attribute(tag, name, value or "")

    handle_startendtag = handle_starttag

    def _inspect_active(self, tag, attrs):
        if tag == "script":
            self._script = attrs.get("src") or ""
            if "alert(" in self._script:
                self.problems.append(f"<script src={self._script!r}>")
        else:
            self.problems.append(f"<{tag}> element")

    def _inspect_attribute(self, tag, name, value):
        if name.startswith("on"):
            self.problems.append(f"<{tag} {name}={value!r}>")
        if name in URL_ATTRIBUTES:
            candidates = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
            for url in candidates:
                if not _is_safe_url(url):
                    self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None and "alert(" in data:
            self.problems.append(f"inline script {data.strip()[:60]!r}")
        self.text.append(data)


def _is_safe_url(url: str) -> bool:
    if not url:
        return True
    stripped = url.strip()
    scheme = urlsplit(stripped).scheme.lower()
    if scheme:
        return scheme in ("http", "https") and stripped == url
    return (stripped.startswith("/") and not stripped.startswith("//")) or stripped.startswith(("#", "?"))


def audit(html: str) -> _Audit:
    parser = _Audit()
    parser.feed(html)
    parser.close()
    return parser


def assert_inert(html: str) -> _Audit:
    result = audit(html)
    assert result.problems == [], html
    return result


def shown(result: _Audit, text: str) -> bool:
    """Return True when ``text`` appears whole as page text or as an attribute value."""
    return text in "".join(result.text) or any(text in value for value in result.values)


@pytest.fixture(autouse=True)
def _empty_cache():
    get_cache().clear()
    yield
    get_cache().clear()


@pytest.fixture
def owner():
    return get_user_model().objects.create_user("alice", password="pw")


def make_account(owner, *, api="legacy", username="user_cf840edd", full_name="Sju Utpilv",
                 picture="https://scontent.cdninstagram.com/p.jpg") -> InstagramAccount:
    account = InstagramAccount(user=owner, api=api, instagram_user_id="57451593", username=username,
                               full_name=full_name, profile_picture_url=picture)
    account.access_token = "IGQVJ-escaping-test-token-0001"
    account.save()
    return account


def render(source: str, **context) -> str:
    return Template("{% load instagram %}" + source).render(Context(context))


def v1_media(caption: str = "plain", url: str | None = None, username: str = "user_cf840edd") -> dict:
    """Copy a recorded v1 media with its caption, link, picture URLs and username replaced."""
    media = json.loads(json.dumps(recorded_body("user_recent_media")["data"][0]))
    media["caption"]["text"] = caption
    media["user"]["username"] = username
    if url is not None:
        media["link"] = url
        for rendition in media["images"].values():
            rendition["url"] = url
        media["user"]["profile_picture"] = url
    return media


def v1_body(*media: dict) -> dict:
    return {"meta": {"code": 200}, "data": list(media), "pagination": {}}


def graph_media(caption: str = "plain", url: str | None = None, username: str = "user_cf840edd") -> dict:
    media = {**graph_fixture("media_carousel"), "caption": caption, "username": username}
    children = json.loads(json.dumps(graph_fixture("media_children")))
    if url is not None:
        media.update(permalink=url, media_url=url, thumbnail_url=url)
        for child in children.get("data", []):
            child.update(permalink=url, media_url=url, thumbnail_url=url)
    return {**media, "children": children}


# Template tags with data from the wire ---------------------------------------------------------


@pytest.mark.parametrize("caption", CAPTIONS)
def test_feed_v1_caption(owner, mock_instagram, caption):
    mock_instagram.get(V1_RECENT_URL, json=v1_body(v1_media(caption=caption)))

    result = assert_inert(render("{% instagram_feed account %}", account=make_account(owner)))

    assert shown(result, " ".join(caption.split())[:100])


@pytest.mark.parametrize("url", URLS)
def test_feed_v1_url(owner, mock_instagram, url):
    mock_instagram.get(V1_RECENT_URL, json=v1_body(v1_media(url=url), v1_media()))

    html = render("{% instagram_feed account %}", account=make_account(owner))

    assert_inert(html)
    assert html.count('class="instagram-feed__item') == 2


@pytest.mark.parametrize("username", USERNAMES)
def test_feed_v1_username(owner, mock_instagram, username):
    mock_instagram.get(V1_RECENT_URL, json=v1_body(v1_media(caption="", username=username)))

    result = assert_inert(render("{% instagram_feed account %}", account=make_account(owner, username=username)))

    assert shown(result, f"@{username}")


@pytest.mark.parametrize(("caption", "url"), list(zip(CAPTIONS, URLS)))
def test_feed_graph_media(owner, mock_instagram, caption, url):
    mock_instagram.get(GRAPH_MEDIA_URL, json={"data": [graph_media(caption, url)], "paging": {}})

    result = assert_inert(render("{% instagram_feed account %}", account=make_account(owner, api="graph")))

    assert shown(result, " ".join(caption.split())[:100])


@pytest.mark.parametrize(("caption", "url"), list(zip(CAPTIONS, URLS)))
def test_media_tag_v1(caption, url):
    media = Media.from_v1(v1_media(caption, url, username=USERNAMES[0]))

    result = assert_inert(render("{% instagram_media media %}", media=media))

    assert shown(result, " ".join(caption.split())[:100])


@pytest.mark.parametrize(("caption", "url"), list(zip(CAPTIONS, URLS)))
def test_media_tag_graph_carousel(caption, url):
    media = Media.from_graph(graph_media(caption, url, username=USERNAMES[3]))

    html = render("{% instagram_media media %}", media=media)

    assert_inert(html)
    assert media.carousel_media


@pytest.mark.parametrize("url", URLS)
def test_media_tag_video(url):
    video = {**v1_media(url=url), "type": "video",
             "videos": {"standard_resolution": {"url": url, "width": 640, "height": 640}}}

    html = render("{% instagram_media media %}", media=Media.from_v1(video))

    assert_inert(html)


def test_media_view_accepted():
    media = Media.from_v1(v1_media(CAPTIONS[0], URLS[0]))

    assert_inert(render("{% instagram_media item %}", item=media_view(media)))


@pytest.mark.parametrize(("username", "url"), list(zip(USERNAMES, URLS)))
def test_profile_tag(owner, username, url):
    account = make_account(owner, username=username, full_name=CAPTIONS[0], picture=url)

    result = assert_inert(render("{% instagram_profile account %}", account=account))

    assert shown(result, f"@{username}")
    assert shown(result, CAPTIONS[0])


@pytest.mark.parametrize("caption", CAPTIONS)
def test_caption_filter(caption):
    media = Media.from_v1(v1_media(caption))

    result = assert_inert(render("<p>{{ media|instagram_caption }}</p><p>{{ text|instagram_caption:40 }}</p>",
                                 media=media, text=caption))

    assert shown(result, caption.split("#")[0].split("@")[0])


@pytest.mark.parametrize("url", URLS)
def test_image_url_filter(url):
    media = Media.from_v1(v1_media(url=url))

    html = render('<img src="{{ media|instagram_image_url }}"><img src="{{ media|instagram_image_url:"thumbnail" }}">',
                  media=media)

    assert_inert(html)


# Pages ------------------------------------------------------------------------------------------


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@pytest.mark.parametrize("description", CAPTIONS)
def test_oauth_error_page(client, owner, sandbox, description):
    client.force_login(owner)
    state = _query(client.get("/instagram/login/")["Location"])["state"]

    response = client.get("/instagram/callback/", {"state": state, "error": "server_error",
                                                    "error_reason": description, "error_description": description})

    result = assert_inert(response.content.decode())
    assert response.status_code == 400
    assert shown(result, description)


def test_sandbox_consent_page_state(client, owner, sandbox):
    client.force_login(owner)
    location = client.get("/instagram/login/")["Location"]
    query = {**_query(location), "state": CAPTIONS[1]}

    response = client.get(urlsplit(location).path, query)

    assert response.status_code == 200
    assert_inert(response.content.decode())


def test_connected_message_and_home(client, owner, mock_instagram):
    """Link an account whose profile is hostile, then render the example home page."""
    hostile_user = {"id": "57451593", "username": USERNAMES[3], "full_name": CAPTIONS[0],
                    "profile_picture": URLS[0], "bio": CAPTIONS[2], "website": URLS[1]}
    mock_instagram.post(TOKEN_URL, json={"access_token": "57451593.hostile-profile-token-abcdef", "user": hostile_user})
    mock_instagram.get(V1_RECENT_URL, json=v1_body(*(v1_media(caption, url) for caption, url in zip(CAPTIONS, URLS))))
    client.force_login(owner)
    state = _query(client.get("/instagram/login/")["Location"])["state"]

    response = client.get("/instagram/callback/", {"code": "hostile-code", "state": state}, follow=True)

    html = response.content.decode()
    result = assert_inert(html)
    assert response.status_code == 200
    assert shown(result, f"Your Instagram account @{USERNAMES[3]} is connected.")
    assert shown(result, CAPTIONS[0])
    assert html.count('class="instagram-feed__item') == len(CAPTIONS)


@pytest.mark.parametrize(("caption", "url"), list(zip(CAPTIONS, URLS)))
def test_example_media_page(client, owner, mock_instagram, caption, url):
    media = {**v1_media(caption, url, username=USERNAMES[3]), "id": "1_57451593"}
    mock_instagram.get("https://api.instagram.com/v1/media/1_57451593", json={"meta": {"code": 200}, "data": media})
    account = make_account(owner)
    client.force_login(owner)

    response = client.get(f"/media/{account.pk}/1_57451593/")

    result = assert_inert(response.content.decode())
    assert response.status_code == 200
    assert shown(result, " ".join(caption.split())[:40])


def test_admin_pages(client, owner):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    account = make_account(owner, username=USERNAMES[3], full_name=CAPTIONS[0], picture=URLS[0])
    InstagramAccount.objects.filter(pk=account.pk).update(last_error=CAPTIONS[1], scopes=[CAPTIONS[2]])
    client.force_login(admin)

    changelist = client.get("/admin/django_instagram/instagramaccount/")
    change = client.get(f"/admin/django_instagram/instagramaccount/{account.pk}/change/")

    assert changelist.status_code == 200
    assert change.status_code == 200
    assert shown(assert_inert(changelist.content.decode()), USERNAMES[3])
    result = assert_inert(change.content.decode())
    assert shown(result, CAPTIONS[1])


# The audit itself -------------------------------------------------------------------------------


@pytest.mark.parametrize("html", [
    "<p><script>alert(1)</script></p>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<img srcset="https://a.example/1.jpg 1x, javascript:alert(1) 2x">',
    "<svg onload=alert(1)>",
    "<iframe src=\"https://a.example/\"></iframe>",
    '<a href="//evil.example/">x</a>',
])
def test_audit_catches_injection(html):
    assert audit(html).problems
