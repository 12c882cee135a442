"""The example site in a real browser: log in, connect Instagram through the sandbox, see the feed,
open a carousel and unlink the account in the admin.

Playwright drives Debian's Chromium (``apt-get install chromium``) because Playwright's own browser
download is not available everywhere. Without Chromium or the ``browser`` extra the test is
skipped on a developer machine and fails in CI (``CI=true``), where both must be installed.
The test fulfils picture requests to other hosts with a local placeholder and aborts every other
off-site request, so nothing leaves the machine. Screenshots go to ``tests/screenshots/`` (ignored by git).
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from django_instagram.models import InstagramAccount

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
# Stands in for Instagram's CDN pictures: a gradient whose hue follows the URL, so pictures differ.
PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="640" viewBox="0 0 640 640">'
    '<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl({hue},85%,60%)"/>'
    '<stop offset="1" stop-color="hsl({hue2},70%,45%)"/></linearGradient></defs>'
    '<rect width="640" height="640" fill="url(#g)"/></svg>'
)


def _missing_requirements() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: run apt-get install chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is missing: pip install -e '.[browser]'"
    return None


def _require_browser() -> None:
    """Skip when Chromium or playwright is missing, but fail in CI, where both must be installed."""
    missing = _missing_requirements()
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"The browser test must run in CI, but {missing}.", pytrace=False)
    if missing:
        pytest.skip(missing)


@pytest.fixture
def sync_playwright():
    _require_browser()
    from playwright.sync_api import sync_playwright

    return sync_playwright


@pytest.fixture
def server(transactional_db):
    """The example site on 127.0.0.1 and a free port, sharing the test database."""
    from pytest_django.live_server_helper import LiveServer

    live = LiveServer("127.0.0.1:0")
    yield live
    live.stop()


@pytest.fixture
def demo_site(server, settings):
    from example_project import settings as example

    settings.INSTAGRAM = {**example.INSTAGRAM, "REDIRECT_URI": f"{server.url}/instagram/callback/"}
    settings.ROOT_URLCONF = "example_project.urls"
    call_command("demo_setup", stdout=open(os.devnull, "w"))
    return server.url


def _route_offsite(route, request):
    host = urlsplit(request.url).hostname
    if host == "127.0.0.1":
        route.continue_()
    elif request.resource_type == "image":
        hue = zlib.crc32(request.url.encode()) % 360
        route.fulfill(status=200, content_type="image/svg+xml", body=PLACEHOLDER_SVG.format(hue=hue, hue2=(hue + 60) % 360))
    else:
        route.abort()


def test_connect_feed_carousel_unlink(sync_playwright, demo_site):
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.route("**/*", _route_offsite)
        run_flow(page, demo_site)
        browser.close()

    assert not InstagramAccount.objects.exists()


def run_flow(page, site: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{site}/accounts/login/?next=/")
    page.fill("input[name=username]", "demo")
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    expect(page.get_by_role("link", name="Connect Instagram")).to_be_visible()

    page.get_by_role("link", name="Connect Instagram").click()
    expect(page.locator("button[name=allow]")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "1-consent.png")
    page.click("button[name=allow]")

    expect(page.locator(".messages")).to_contain_text("is connected")
    tiles = page.locator(".instagram-feed__item")
    expect(tiles.first).to_be_visible()
    assert tiles.count() == 12
    assert page.locator(".instagram-feed__item img[loading=lazy][width][height][alt]").count() == 12
    page.wait_for_function("Array.from(document.images).every(image => image.complete)")
    page.screenshot(path=SCREENSHOTS / "2-feed.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    columns = page.eval_on_selector(".instagram-feed__grid", "grid => getComputedStyle(grid).gridTemplateColumns")
    assert len(columns.split()) == 2
    page.screenshot(path=SCREENSHOTS / "2-feed-phone.png")
    page.set_viewport_size({"width": 1200, "height": 900})

    page.locator(".instagram-feed__item--carousel a").first.click()
    slides = page.locator(".instagram-carousel__slide")
    expect(slides).to_have_count(2)
    page.locator(".instagram-carousel__nav a", has_text="2").click()
    # The second slide is shown when the carousel has scrolled by one slide width.
    page.wait_for_function(
        "() => { const c = document.querySelector('.instagram-carousel'); return c.scrollLeft >= c.clientWidth; }"
    )
    page.wait_for_function("Array.from(document.images).every(image => image.complete)")
    page.screenshot(path=SCREENSHOTS / "3-carousel.png")

    page.goto(f"{site}/admin/django_instagram/instagramaccount/")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.screenshot(path=SCREENSHOTS / "4-admin.png", full_page=True)
    page.check("#result_list tbody input.action-select")
    page.select_option("select[name=action]", "unlink_accounts")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("unlinked.")
    page.screenshot(path=SCREENSHOTS / "5-unlinked.png", full_page=True)



@pytest.mark.parametrize("ci,outcome", [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_missing_chromium_outcome(monkeypatch, ci, outcome):
    monkeypatch.setattr(f"{__name__}.CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.setenv("CI", ci)

    with pytest.raises(outcome, match="/nonexistent/chromium is missing"):
        _require_browser()
