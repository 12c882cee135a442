"""``manage.py instagram_send_test_webhook``: post a signed sample webhook to a running site.

The body has the shape of Meta's Instagram webhooks and a fresh id on every run, so the site's
duplicate dropping lets each run through. It is signed the way Meta signs webhooks, with
INSTAGRAM["APP_SECRET"], or with INSTAGRAM["CLIENT_SECRET"] when APP_SECRET is unset.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import urlsplit

import requests
from django.core.management.base import BaseCommand, CommandError

from ...conf import instagram_settings
from ...models import InstagramAccount
from ...webhooks import signature

DEFAULT_URL = "http://127.0.0.1:8000/instagram/webhook/"
# The account id of the samples when no Instagram Login account is linked.
SAMPLE_INSTAGRAM_USER_ID = "17841405822304914"


class Command(BaseCommand):
    help = (
        "Post a sample Instagram webhook, signed with the app secret as Meta signs it, to a site's webhook URL. "
        "Exits with status 1 unless the site returns 200."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default=DEFAULT_URL, help=f"The webhook URL to post to (default: {DEFAULT_URL}).")
        parser.add_argument(
            "--field", choices=("comments", "messages"), default="comments",
            help="The webhook field of the sample: a new comment, or a direct message (default: comments).",
        )
        parser.add_argument(
            "--instagram-user-id", default=None,
            help="The Instagram user id the sample is for (default: the newest linked Instagram Login account).",
        )
        parser.add_argument("--timeout", type=float, default=10.0, help="Seconds to wait for the site (default: 10).")

    def handle(self, *args, url, field, instagram_user_id, timeout, **options):
        _check_url(url)
        if timeout <= 0:
            raise CommandError(f"--timeout is {timeout:g}, but it must be a positive number of seconds.")
        app_secrets = instagram_settings.app_secrets
        if not app_secrets:
            raise CommandError('No app secret is set. Set INSTAGRAM["APP_SECRET"] or INSTAGRAM["CLIENT_SECRET"] first.')

        user_id = instagram_user_id or _newest_account_id() or SAMPLE_INSTAGRAM_USER_ID
        body = json.dumps(sample_payload(field, user_id)).encode("utf-8")
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature(body, app_secrets[0])}

        try:
            response = requests.post(url, data=body, headers=headers, timeout=timeout)
        except requests.RequestException as error:
            raise CommandError(f"Posting the webhook to {url} failed: {error}. Check that the site is running.") from error

        if response.status_code != 200:
            raise CommandError(
                f"{url} returned HTTP {response.status_code} to a {field} webhook for Instagram user {user_id}. "
                "Check that the URL is the webhook view and that the site uses the same app secret."
            )
        self.stdout.write(f"Posted a {field} webhook for Instagram user {user_id} to {url}: HTTP 200.")


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CommandError(f"--url is {url!r}, which is not an absolute http(s) URL such as {DEFAULT_URL}.")


def _newest_account_id() -> str | None:
    account = InstagramAccount.objects.filter(api=InstagramAccount.Api.GRAPH).order_by("-created").first()
    return account.instagram_user_id if account else None


def sample_payload(field: str, instagram_user_id: str) -> dict[str, Any]:
    """Build a webhook body of ``field`` for ``instagram_user_id`` with a fresh id and the current time."""
    now = int(time.time())
    unique_id = f"{now}{secrets.randbelow(10**6):06d}"
    entry = {"id": instagram_user_id, "time": now}
    if field == "messages":
        entry["messaging"] = [_message_event(instagram_user_id, unique_id, now)]
    else:
        entry["changes"] = [_comment_change(unique_id)]
    return {"object": "instagram", "entry": [entry]}


def _comment_change(comment_id: str) -> dict[str, Any]:
    return {
        "field": "comments",
        "value": {
            "id": comment_id,
            "text": "Test comment from django_instagram ✓",
            "from": {"id": "6532984716604417", "username": "django_instagram_test"},
            "media": {"id": "21387158436090582", "media_product_type": "FEED"},
        },
    }


def _message_event(instagram_user_id: str, message_id: str, now: int) -> dict[str, Any]:
    return {
        "sender": {"id": "6532984716604417"},
        "recipient": {"id": instagram_user_id},
        "timestamp": now * 1000,
        "message": {"mid": f"django-instagram-test-{message_id}", "text": "Test message from django_instagram ✓"},
    }
