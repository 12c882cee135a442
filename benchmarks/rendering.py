"""Rendering: ``{% instagram_feed %}`` of 20 media against the same template fed a plain list."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.template import Context, Template

from django_instagram import services
from django_instagram.conf import instagram_settings
from django_instagram.models import InstagramAccount

from .redirect import instagram_at
from .results import Check, Result, Timing
from .timing import compare

MEDIA_COUNT = 20
TARGET_RATIO = 1.5
FEED_TEMPLATE = "{% load instagram %}{% instagram_feed account " + str(MEDIA_COUNT) + " %}"
# The template the tag renders, fed the context the tag would build, computed beforehand.
PLAIN_TEMPLATE = '{% include "django_instagram/feed.html" %}'


def feed_account() -> InstagramAccount:
    """Create (once) the site user and linked v1 account whose feed the page shows."""
    user, _ = get_user_model().objects.get_or_create(username="benchmark-feed")
    account = InstagramAccount.objects.filter(user=user).first()
    if account is None:
        account = InstagramAccount(user=user, api="legacy", instagram_user_id="3005169082", username="feed")
        account.access_token = "benchmark-feed-access-token"
        account.save()
    return account


def run(server, *, rounds: int, repeat: int) -> Result:
    result = Result(
        key="rendering",
        title="Rendering",
        subject=f"a template with `{{% instagram_feed account {MEDIA_COUNT} %}}`, warm cache",
        baseline="`django_instagram/feed.html` rendered from a plain list of the same media",
    )
    account = feed_account()
    feed = Template(FEED_TEMPLATE)
    plain = Template(PLAIN_TEMPLATE)
    cache = caches[instagram_settings.CACHE_ALIAS]
    with instagram_at(server.base_url):
        media = services.user_recent_media("self", {"count": MEDIA_COUNT}, token=account)[:MEDIA_COUNT]
        plain_context = plain_feed_context(account, media)

        cache.clear()
        cold_requests = _requests_during(server, lambda: feed.render(Context({"account": account})))
        warm_requests = _requests_during(server, lambda: feed.render(Context({"account": account})))
        comparison = compare(
            lambda: feed.render(Context({"account": account})), lambda: plain.render(Context(plain_context)),
            rounds=rounds, repeat=repeat,
        )
        render_requests = _requests_during(
            server, lambda: [feed.render(Context({"account": account})) for _ in range(repeat)]
        )

    result.timings.append(
        Timing(f"{MEDIA_COUNT} media", comparison.subject, comparison.baseline, comparison.ratio,
               unit="page", target=TARGET_RATIO)
    )
    result.checks.append(Check("requests to Instagram, cold cache (one render)", cold_requests, "1", cold_requests == 1))
    result.checks.append(Check("requests to Instagram, warm cache (one render)", warm_requests, "0", warm_requests == 0))
    result.checks.append(Check(
        f"requests to Instagram, warm cache ({repeat} renders)", render_requests, "0", render_requests == 0,
    ))
    return result


def plain_feed_context(account: InstagramAccount, media: list) -> dict:
    """Build the context ``{% instagram_feed %}`` passes to its template, from a plain list of media."""
    context = {"account": account, "media_list": media, "count": MEDIA_COUNT}
    try:
        from django_instagram.display import media_view
    except ImportError:  # a tree whose tag passes the Media objects themselves
        return context
    context["items"] = [media_view(item) for item in media]
    return context


def _requests_during(server, function) -> int:
    _, before = server.snapshot()
    function()
    _, after = server.snapshot()
    return after - before
