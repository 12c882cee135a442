"""Django's error reports (the DEBUG=False e-mails to ADMINS) show no token from the call stack."""

from __future__ import annotations

import sys

import pytest
import requests
from django.views.debug import ExceptionReporter

from django_instagram import services, tokens
from django_instagram.client.errors import InstagramError
from django_instagram.models import InstagramAccount

TOKEN = "57451593.1a2b3c4.5d6e7f8091a2b3c4d5e6f708192a3b4c"
GRAPH_TOKEN = "IGAAsecretGraphTokenValue0123456789abcdefghijklmnopqrstuvwxyz"


class Unexpected(Exception):
    """A bug below the service call: the kind of error that reaches Django's error report."""


@pytest.fixture
def broken_session(monkeypatch):
    def explode(self, request, **kwargs):
        raise Unexpected("a bug deep in the HTTP stack")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", explode)


def _report(settings) -> tuple[str, str]:
    settings.DEBUG = False
    reporter = ExceptionReporter(None, *sys.exc_info())
    return reporter.get_traceback_html(), reporter.get_traceback_text()


def test_report_of_service_call_hides_token(settings, broken_session):
    with pytest.raises(Unexpected):
        try:
            services.user("self", TOKEN)
        finally:
            html, text = _report(settings)

    assert TOKEN not in html
    assert TOKEN not in text
    assert "Unexpected" in text


def test_report_of_iterator_hides_token(settings, broken_session):
    with pytest.raises(Unexpected):
        try:
            list(services.iter_user_recent_media("self", token=TOKEN))
        finally:
            html, text = _report(settings)

    assert TOKEN not in html
    assert TOKEN not in text


@pytest.mark.django_db
def test_report_of_refresh_hides_token(settings, broken_session, django_user_model):
    from datetime import timedelta

    from django.utils import timezone

    user = django_user_model.objects.create_user("owner")
    account = InstagramAccount(user=user, api="graph", instagram_user_id="17841400000000001")
    account.access_token = GRAPH_TOKEN
    account.token_refreshed_at = timezone.now() - timedelta(days=10)
    account.token_expires_at = timezone.now() + timedelta(days=3)
    account.save()

    with pytest.raises((Unexpected, InstagramError)):
        try:
            tokens.refresh_token(account)
        finally:
            html, text = _report(settings)

    assert GRAPH_TOKEN not in html
    assert GRAPH_TOKEN not in text

