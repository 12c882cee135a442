"""Template tags and filters: rendering, accessibility, escaping, caching and fail-soft behaviour."""

from __future__ import annotations

import logging

import pytest
import requests
from django.contrib.auth import get_user_model
from django.template import Context, Template, TemplateSyntaxError

from django_instagram.cache import account_key, get_cache
from django_instagram.client.types import Comment, Media, UserSearchResult
from django_instagram.models import InstagramAccount
from tests.conftest import add_recorded, graph_fixture, recorded_body

pytestmark = pytest.mark.django_db

RECENT_URL = "https://api.instagram.com/v1/users/self/media/recent"


@pytest.fixture(autouse=True)
def _empty_cache():
    get_cache().clear()
    yield
    get_cache().clear()


@pytest.fixture
def account():
    owner = get_user_model().objects.create_user("alice", password="pw")
    account = InstagramAccount(user=owner, api="legacy", instagram_user_id="57451593", username="user_cf840edd",
                               full_name="Sju Utpilv",
                               profile_picture_url=recorded_body("user_recent_media")["data"][0]["user"]["profile_picture"])
    account.access_token = "IGQVJ-template-tag-token-0001"
    account.save()
    return account


def render(source: str, **context) -> str:
    return Template("{% load instagram %}" + source).render(Context(context))


def recorded_media(name: str = "user_recent_media", index: int = 0) -> Media:
    return Media.from_v1(recorded_body(name)["data"][index])


def carousel_media() -> Media:
    return Media.from_graph({**graph_fixture("media_carousel"), "children": graph_fixture("media_children")})


# instagram_feed -----------------------------------------------------------------------------------------


def test_feed_renders_recorded_media(account, mock_instagram):
    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL)
    first = recorded_body("user_recent_media")["data"][0]

    html = render("{% instagram_feed account count=3 %}", account=account)

    assert html.count('class="instagram-feed__item') == 3
    assert f'src="{first["images"]["standard_resolution"]["url"]}"' in html
    assert f'href="{first["link"]}"' in html
    assert 'alt="👌🏻👌🏻👌🏻 LVAE HK SOAWG KL RBQJ RYTU SMSN"' in html
    assert 'width="640" height="640"' in html
    assert 'loading="lazy"' in html
    assert f'{first["images"]["thumbnail"]["url"]} 150w' in html
    assert 'aria-label="Instagram posts of @user_cf840edd"' in html
    assert mock_instagram.calls[0].request.params["count"] == "3"


def test_feed_warm_cache_no_request(account, mock_instagram):
    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL)

    cold = render("{% instagram_feed account count=3 %}", account=account)
    warm = render("{% instagram_feed account count=3 %}", account=account)

    assert len(mock_instagram.calls) == 1
    assert warm == cold


def test_feed_cache_keyed_by_count(account, mock_instagram):
    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL)
    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL)

    render("{% instagram_feed account count=3 %}", account=account)
    render("{% instagram_feed account count=2 %}", account=account)

    assert len(mock_instagram.calls) == 2


def test_feed_cache_timeout_setting(account, mock_instagram, instagram_override, monkeypatch):
    instagram_override(CACHE_TIMEOUT=42)
    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL)
    timeouts = []
    cache = get_cache()
    original_set = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, value, timeout=None: timeouts.append((key, timeout)) or original_set(key, value, timeout)
    )

    render("{% instagram_feed account count=3 %}", account=account)

    assert (account_key(account.pk, "media_page", {"count": 3}), 42) in timeouts


def test_feed_falls_back_to_last_good(account, mock_instagram, caplog):
    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL)
    good = render("{% instagram_feed account count=3 %}", account=account)
    get_cache().delete(account_key(account.pk, "media_page", {"count": 3}))
    mock_instagram.add("GET", RECENT_URL, body=requests.ConnectionError("connection refused"))
    caplog.set_level(logging.INFO, logger="django_instagram")

    failing = render("{% instagram_feed account count=3 %}", account=account)
    again = render("{% instagram_feed account count=3 %}", account=account)

    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert failing == good
    assert again == good
    assert len(mock_instagram.calls) == 2
    assert len(warnings) == 1
    assert "Showing cached or no data for Instagram account" in warnings[0].getMessage()


def test_feed_failure_without_data_empty(account, mock_instagram, caplog):
    add_recorded(mock_instagram, "oauth_exception", url=RECENT_URL)
    caplog.set_level(logging.WARNING, logger="django_instagram")

    html = render("{% instagram_feed account %}", account=account)

    assert "No Instagram posts to show right now." in html
    assert "<img" not in html
    assert len([r for r in caplog.records if r.name == "django_instagram.feeds"]) == 1


def test_feed_target_user_and_username(account, mock_instagram):
    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL)

    by_user = render("{% instagram_feed owner count=3 %}", owner=account.user)
    by_name = render('{% instagram_feed "@user_cf840edd" count=3 %}')

    assert by_user == by_name
    assert by_user.count("<img") == 3


def test_feed_unknown_target_empty(mock_instagram):
    html = render('{% instagram_feed "nobody_linked" %}')

    assert "No Instagram posts to show right now." in html
    assert len(mock_instagram.calls) == 0


@pytest.mark.parametrize("count", ["0", "-1", "'many'"])
def test_feed_invalid_count(account, count):
    with pytest.raises(TemplateSyntaxError, match="positive whole number"):
        render(f"{{% instagram_feed account count={count} %}}", account=account)


def test_feed_template_argument(account, mock_instagram, settings, tmp_path):
    (tmp_path / "mine.html").write_text("{% for item in items %}[{{ item.id }}]{% endfor %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL)

    html = render('{% instagram_feed account count=3 template="mine.html" %}', account=account)

    ids = [item["id"] for item in recorded_body("user_recent_media")["data"]]
    assert html == "".join(f"[{media_id}]" for media_id in ids)


def test_feed_item_template_overridable(account, mock_instagram, settings, tmp_path):
    (tmp_path / "django_instagram").mkdir()
    (tmp_path / "django_instagram" / "feed_item.html").write_text("<b>{{ item.username }}</b>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL)

    html = render("{% instagram_feed account count=3 %}", account=account)

    assert html.count("<b>user_cf840edd</b>") == 3


# instagram_media ------------------------------------------------------------------------------------------


def test_media_image(account):
    media = recorded_media()

    html = render("{% instagram_media media %}", media=media)

    assert 'class="instagram-media instagram-media--image"' in html
    assert f'src="{media.images["standard_resolution"].url}"' in html
    assert 'width="640" height="640"' in html
    assert "View on Instagram" in html


def test_media_video_with_poster():
    media = recorded_media("user_recent_media_self_with_pagination", 5)

    html = render("{% instagram_media media %}", media=media)

    assert media.type == "video"
    assert "<video" in html
    assert f'poster="{media.images["standard_resolution"].url}"' in html
    assert f'<source src="{media.videos["standard_resolution"].url}" type="video/mp4">' in html
    assert 'width="612" height="763"' in html
    assert 'preload="none"' in html


def test_media_carousel_children():
    media = carousel_media()
    children = graph_fixture("media_children")["data"]

    html = render("{% instagram_media media %}", media=media)

    assert 'aria-label="Carousel of 2 items"' in html
    assert html.count('class="instagram-carousel__slide"') == 2
    for child in children:
        assert f'src="{child["media_url"]}"' in html
    assert 'aria-label="2 of 2"' in html
    assert 'href="#instagram-slide-56117072557913514-2"' in html
    assert '<a href="https://www.instagram.com/user_3f88f862/" rel="nofollow noopener">@user_3f88f862</a>' in html


def test_media_graph_video_poster():
    media = Media.from_graph({
        "id": "1", "media_type": "VIDEO", "media_url": "https://cdn.example/v.mp4",
        "thumbnail_url": "https://cdn.example/poster.jpg", "permalink": "https://www.instagram.com/reel/x/",
        "media_product_type": "REELS",
    })

    html = render("{% instagram_media media %}", media=media)

    assert 'poster="https://cdn.example/poster.jpg"' in html
    assert 'width="1080" height="1080"' in html


def test_media_rejects_other_values():
    with pytest.raises(TemplateSyntaxError, match="needs a Media"):
        render("{% instagram_media 'x' %}")


# Escaping ---------------------------------------------------------------------------------------------


def hostile_media() -> Media:
    media = recorded_media()
    return media.replace(
        link="javascript:alert(1)",
        caption=Comment(id=None, text='<script>alert("x")</script> "quoted" #tag'),
        user=UserSearchResult(id="1", username='evil"name'),
        images={"standard_resolution": media.images["standard_resolution"].replace(url="javascript:alert(2)"),
                "low_resolution": media.images["low_resolution"]},
    )


def test_media_hostile_values_inert():
    html = render("{% instagram_media media %}", media=hostile_media())

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "javascript:" not in html
    assert 'alt="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &quot;quoted&quot; #tag"' in html
    assert "View on Instagram" not in html


def test_feed_hostile_values_inert(account, monkeypatch):
    from django_instagram import feeds

    monkeypatch.setattr(feeds, "recent_media_or_last_good", lambda acc, count: [hostile_media()])
    account.username = 'bad"name<b>'

    html = render("{% instagram_feed account %}", account=account)

    assert "<script>" not in html
    assert "javascript:" not in html
    assert 'bad&quot;name&lt;b&gt;' in html
    assert "<a " not in html


def test_profile_hostile_values_inert(account):
    account.username = 'quote"d'
    account.full_name = "<script>x</script>"
    account.profile_picture_url = "javascript:alert(1)"

    html = render("{% instagram_profile account %}", account=account)

    assert 'href="https://www.instagram.com/quote%22d/"' in html
    assert "@quote&quot;d" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<img" not in html


def test_caption_filter_hostile_text():
    html = render("{{ text|instagram_caption }}", text='<img src=x onerror=alert(1)> it\'s #ok @a"b')

    assert "<img" not in html
    assert "it&#x27;s" in html
    assert '<a href="https://www.instagram.com/explore/tags/ok/" rel="nofollow noopener">#ok</a>' in html
    assert '@a</a>&quot;b' in html


# instagram_profile ------------------------------------------------------------------------------------------


def test_profile_renders_stored_fields(account, mock_instagram):
    html = render("{% instagram_profile account %}", account=account)

    assert f'src="{account.profile_picture_url}"' in html
    assert 'alt="Profile picture of @user_cf840edd"' in html
    assert 'width="64" height="64"' in html
    assert "Sju Utpilv" in html
    assert len(mock_instagram.calls) == 0


# Filters ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rendition", ["thumbnail", "low_resolution", "standard_resolution"])
def test_image_url_renditions(rendition):
    media = recorded_media()

    url = render(f"{{{{ media|instagram_image_url:'{rendition}' }}}}", media=media)

    assert url == recorded_body("user_recent_media")["data"][0]["images"][rendition]["url"]


def test_image_url_carousel_first_child():
    assert render("{{ media|instagram_image_url }}", media=carousel_media()) == \
        graph_fixture("media_children")["data"][0]["media_url"]


def test_image_url_invalid_rendition():
    with pytest.raises(TemplateSyntaxError, match="Invalid rendition 'huge'"):
        render("{{ media|instagram_image_url:'huge' }}", media=recorded_media())


def test_image_url_not_media():
    assert render("{{ value|instagram_image_url }}", value="text") == ""


def test_caption_links_tags_and_mentions():
    media = recorded_media("user_recent_media", 2)

    html = render("{{ media|instagram_caption }}", media=media)

    assert html.startswith("Htsfa fevx ")
    assert '<a href="https://www.instagram.com/explore/tags/Berlin/" rel="nofollow noopener">#Berlin</a>' in html
    assert html.count("/explore/tags/") == 9


def test_caption_mention_trailing_dot():
    html = render("{{ text|instagram_caption }}", text="cuemc kb @oprx.wwdpsckfc. a@b.com C#")

    assert '<a href="https://www.instagram.com/oprx.wwdpsckfc/" rel="nofollow noopener">@oprx.wwdpsckfc</a>.' in html
    assert "a@b.com C#" in html


@pytest.mark.parametrize("text,length,expected", [
    ("👌🏻👌🏻👌🏻 LVAE HK SOAWG", 3, "👌🏻👌🏻…"),
    ("Lbdjmc br qlj y vpfzba bdq rl bxylnd 💁🏻", 38, "Lbdjmc br qlj y vpfzba bdq rl bxylnd 💁🏻"),
    ("Lbdjmc br qlj y vpfzba bdq rl bxylnd 💁🏻 more", 39, "Lbdjmc br qlj y vpfzba bdq rl bxylnd 💁🏻…"),
    ("Lbdjmc br qlj y vpfzba bdq rl bxylnd 💁🏻 more", 38, "Lbdjmc br qlj y vpfzba bdq rl bxylnd…"),
    ("Uue🤑🇮🇹🤑🇮🇹🇮🇹", 6, "Uue🤑🇮🇹…"),
    ("👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦", 2, "👨‍👩‍👧‍👦…"),
    ("#1️⃣2️⃣3️⃣", 3, "#1️⃣…"),
    ("short", 10, "short"),
])
def test_caption_truncates_graphemes(text, length, expected):
    html = render("{{ text|instagram_caption:length }}", text=text, length=length)

    assert html.replace('<a href="https://www.instagram.com/explore/tags/1/" rel="nofollow noopener">#1</a>', "#1") == expected


def test_caption_recorded_emoji_truncation():
    media = recorded_media()

    html = render("{{ media|instagram_caption:4 }}", media=media)

    assert html == "👌🏻👌🏻👌🏻…"


def test_caption_lone_surrogate_replaced():
    html = render("{{ text|instagram_caption }}", text="ok \ud83d end")

    assert html == "ok \ufffd end"


def test_caption_invalid_length():
    with pytest.raises(TemplateSyntaxError, match="positive whole number"):
        render("{{ text|instagram_caption:0 }}", text="x")


def test_styles_tag_links_stylesheet():
    assert render("{% instagram_styles %}") == '<link rel="stylesheet" href="/static/django_instagram/instagram.css">'


def test_feed_graph_account(account, mock_instagram):
    account.api = "graph"
    account.save()
    fixture = graph_fixture("me_media_page1")
    mock_instagram.add("GET", "https://graph.instagram.com/v26.0/me/media", json=fixture)

    cold = render("{% instagram_feed account count=2 %}", account=account)
    warm = render("{% instagram_feed account count=2 %}", account=account)

    assert warm == cold
    assert len(mock_instagram.calls) == 1
    assert mock_instagram.calls[0].request.params["limit"] == "2"
    for item in fixture["data"]:
        assert f'src="{item["media_url"]}"' in cold
        assert f'href="{item["permalink"]}"' in cold
    assert 'width="1080" height="1080"' in cold


def test_feed_views_cached_until_restored(account, mock_instagram, monkeypatch):
    from django_instagram import display, feeds

    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL)
    add_recorded(mock_instagram, "user_recent_media", url=RECENT_URL)
    built = []
    original = display.media_view
    monkeypatch.setattr(feeds, "media_view", lambda media: built.append(media.id) or original(media))

    first = render("{% instagram_feed account 3 %}", account=account)
    second = render("{% instagram_feed account 3 %}", account=account)
    feeds.warm_recent_media(account, 3)
    third = render("{% instagram_feed account 3 %}", account=account)

    assert first == second == third
    assert len(built) == 6
    assert len(mock_instagram.calls) == 2
