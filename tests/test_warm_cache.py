"""instagram_warm_cache: pages read what the command fetched, and it stops on a spent budget."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.template import Context, Template

from django_instagram import ratelimit
from django_instagram.client.usage import RateLimitUsage
from django_instagram.models import InstagramAccount
from tests.conftest import add_recorded, recorded_body

pytestmark = pytest.mark.django_db

API = "https://api.instagram.com/v1"


@pytest.fixture
def account(django_user_model):
    user = django_user_model.objects.create_user("owner")
    account = InstagramAccount(user=user, api="legacy", instagram_user_id="57451593", username="user_cf840edd")
    account.access_token = "57451593.1a2b3c4.5d6e7f8091a2b3c4d5e6f708192a3b4c"
    account.save()
    return account


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("instagram_warm_cache", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_warmed_feed_renders_without_request(account, mock_instagram):
    add_recorded(mock_instagram, "user_recent_media", url=f"{API}/users/self/media/recent")

    out, _ = _run("--count", "12")
    mock_instagram.reset()
    html = Template("{% load instagram %}{% instagram_feed account count=12 %}").render(Context({"account": account}))

    assert "Warmed 1, failed 0, of 1 active accounts." in out
    for item in recorded_body("user_recent_media")["data"]:
        assert item["images"]["standard_resolution"]["url"] in html


def test_failed_account_exits_non_zero(account, mock_instagram):
    add_recorded(mock_instagram, "oauth_exception", url=f"{API}/users/self/media/recent")

    with pytest.raises(CommandError, match="1 account"):
        _run()

    account.refresh_from_db()
    assert account.status == InstagramAccount.Status.NEEDS_REAUTH


def test_spent_budget_stops_early(account, mock_instagram, settings):
    ratelimit.record_usage(None, RateLimitUsage(app_usage={"call_count": 95}))

    out, err = _run()

    assert "Stopped after 0 of 1 accounts" in err
    assert "Warmed 0, failed 0, of 1 active accounts." in out
    assert len(mock_instagram.calls) == 0


def test_count_must_be_positive():
    with pytest.raises(CommandError, match="--count must be a positive number"):
        _run("--count", "0")
