"""The instagram_refresh_tokens command: which accounts it picks, its progress, summary and exit status."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from responses import matchers

from django_instagram.models import InstagramAccount
from django_instagram.sandbox.models import SandboxToken
from tests.test_refresh_token import REFRESH_URL, clean_cache, make_account  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db


def with_token(account, token):
    account.access_token = token
    account.save()
    return account


def answer(mock, token, body, status=200):
    mock.add("GET", REFRESH_URL, json=body, status=status,
             match=[matchers.query_param_matcher({"grant_type": "ig_refresh_token", "access_token": token})])


def run(*args):
    out = StringIO()
    call_command("instagram_refresh_tokens", *args, stdout=out)
    return out.getvalue()


def test_summary_counts_each_outcome(mock_instagram):
    due = with_token(make_account(user_id="1", expires_in=timedelta(days=3)), "IGAAdue00000000001")
    revoked = with_token(make_account(user_id="2", expires_in=timedelta(days=2)), "IGAArevoked0000002")
    expired = make_account(user_id="3", expires_in=-timedelta(hours=1))
    young = make_account(user_id="4", expires_in=timedelta(days=1), age=timedelta(hours=2))
    later = make_account(user_id="5", expires_in=timedelta(days=30))
    legacy = make_account(user_id="6", api="legacy", expires_in=None)
    answer(mock_instagram, "IGAAdue00000000001", {"access_token": "IGAAfresh", "token_type": "bearer", "expires_in": 5184000})
    answer(mock_instagram, "IGAArevoked0000002",
           {"error": {"message": "Session has expired", "type": "OAuthException", "code": 190, "error_subcode": 463}}, 400)

    output = run("--within", "7")

    assert output.splitlines()[0] == "4 account(s) expire within 7 day(s)."
    assert f"[1/4] account {expired.pk}: needs_reauth" in output
    assert f"account {young.pk}: skipped (The token of account {young.pk} was issued at" in output
    assert f"account {revoked.pk}: needs_reauth" in output
    assert f"account {due.pk}: refreshed, expires " in output
    assert output.splitlines()[-1] == "Summary: 1 refreshed, 1 skipped, 0 failed, 2 needing re-authorisation."
    assert f"account {later.pk}:" not in output
    due.refresh_from_db()
    assert due.access_token == "IGAAfresh"
    assert InstagramAccount.objects.get(pk=revoked.pk).status == "needs_reauth"
    assert InstagramAccount.objects.get(pk=legacy.pk).status == "active"


def test_failure_exits_non_zero(mock_instagram):
    failing = with_token(make_account(user_id="1"), "IGAAbusy0000000001")
    answer(mock_instagram, "IGAAbusy0000000001",
           {"error": {"message": "Application request limit reached", "type": "OAuthException", "code": 4}}, 400)
    out = StringIO()

    with pytest.raises(CommandError, match="1 token refresh"):
        call_command("instagram_refresh_tokens", stdout=out)

    line = out.getvalue().splitlines()[1]
    assert line.startswith(f"[1/1] account {failing.pk}: failed, expires ")
    assert line.endswith(" UTC (OAuthException: Application request limit reached)")
    assert "Summary: 0 refreshed, 0 skipped, 1 failed, 0 needing re-authorisation." in out.getvalue()


def test_default_window_from_setting(mock_instagram, instagram_override):
    instagram_override(REFRESH_WITHIN_DAYS=1)
    make_account(user_id="1", expires_in=timedelta(days=3))

    assert run().splitlines()[0] == "0 account(s) expire within 1 day(s)."


def test_dry_run_changes_nothing(mock_instagram):
    account = make_account(user_id="1")

    output = run("--dry-run")

    account.refresh_from_db()
    assert f"account {account.pk}: would_refresh" in output
    assert output.splitlines()[-1] == "Dry run: 1 would be refreshed, 0 skipped. Nothing was changed."
    assert account.token_refreshed_at < timezone.now() - timedelta(days=1)


def test_negative_window_rejected():
    with pytest.raises(CommandError, match="--within must be"):
        run("--within", "-1")


def test_command_against_sandbox(sandbox, instagram_override):
    instagram_override(API="graph")
    account = make_account(user_id="17841400000000001", expires_in=timedelta(days=3))
    day_ago = timezone.now() - timedelta(days=2)
    SandboxToken.objects.create(token=account.access_token, api="graph", kind="long", scopes=["instagram_business_basic"],
                                instagram_user_id=account.instagram_user_id, issued_at=day_ago,
                                expires_at=account.token_expires_at)

    output = run()

    account.refresh_from_db()
    assert output.splitlines()[-1] == "Summary: 1 refreshed, 0 skipped, 0 failed, 0 needing re-authorisation."
    assert account.token_expires_at > timezone.now() + timedelta(days=59)


def test_stops_when_budget_spent(mock_instagram, instagram_override):
    from django_instagram import ratelimit
    from django_instagram.client.errors import RateLimitError
    from django_instagram.resolution import Credential

    instagram_override(SANDBOX=False)
    make_account(user_id="1")
    ratelimit.record_rate_limit(Credential("graph", None), RateLimitError("App limit", code=4, retry_after=600))

    output = run()

    assert "Stopped early, 1 account(s) not tried: Instagram rate-limited" in output
    assert output.splitlines()[-1] == "Summary: 0 refreshed, 0 skipped, 0 failed, 0 needing re-authorisation."
    assert len(mock_instagram.calls) == 0


def test_refresh_records_usage(mock_instagram):
    from django_instagram import ratelimit

    account = with_token(make_account(user_id="1"), "IGAAusage000000001")
    mock_instagram.add("GET", REFRESH_URL, json={"access_token": "IGAAx", "expires_in": 5184000},
                       headers={"X-App-Usage": '{"call_count": 12, "total_time": 3, "total_cputime": 3}'})

    run()

    assert ratelimit.usage_percent("app") == 12
    account.refresh_from_db()
    assert account.access_token == "IGAAx"
