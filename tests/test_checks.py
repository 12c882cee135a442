"""System checks of the ``INSTAGRAM`` settings: every malformed value is a check with a hint."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks

from django_instagram import checks as instagram_checks

KEY = Fernet.generate_key().decode()

VALID = {
    "CLIENT_ID": "test-client-id",
    "CLIENT_SECRET": "test-client-secret",
    "REDIRECT_URI": "https://testserver/instagram/callback/",
    "API": "graph",
    "SCOPES": ["instagram_business_basic", "instagram_business_manage_comments"],
    "TOKEN_ENCRYPTION_KEYS": [KEY],
}


@pytest.fixture
def configure(settings, monkeypatch):
    """Set ``INSTAGRAM`` to ``VALID`` changed by ``values``, with no environment fallbacks."""
    for name in ("CLIENT_ID", "CLIENT_SECRET", "REDIRECT_URI"):
        monkeypatch.delenv(f"INSTAGRAM_{name}", raising=False)

    def apply(instagram=None, **values):
        settings.INSTAGRAM = {**VALID, **values} if instagram is None else instagram

    return apply


def messages():
    return run_checks(tags=["django_instagram"])


def by_id():
    found = {}
    for message in messages():
        found.setdefault(message.id, []).append(message)
    return found


def only(check_id):
    found = by_id()
    assert list(found) == [check_id], [str(message) for message in messages()]
    assert len(found[check_id]) == 1
    return found[check_id][0]


def test_valid_settings_pass(configure):
    configure()

    assert messages() == []


@pytest.mark.parametrize(("name", "check_id"), [
    ("CLIENT_ID", "django_instagram.E001"),
    ("CLIENT_SECRET", "django_instagram.E002"),
    ("REDIRECT_URI", "django_instagram.E003"),
])
def test_missing_credential(configure, name, check_id):
    values = {key: value for key, value in VALID.items() if key != name}
    configure(values)

    message = only(check_id)

    assert message.msg == f'INSTAGRAM["{name}"] is not set.'
    assert f"INSTAGRAM_{name}" in message.hint


def test_credential_from_environment(configure, monkeypatch):
    configure({key: value for key, value in VALID.items() if key != "CLIENT_ID"})
    monkeypatch.setenv("INSTAGRAM_CLIENT_ID", "from-environment")

    assert messages() == []


@pytest.mark.parametrize("uri", ["/instagram/callback/", "ftp://example.com/cb", "http://[oops/cb", "example.com"])
def test_redirect_uri_not_absolute(configure, uri):
    configure(REDIRECT_URI=uri)

    message = only("django_instagram.E004")

    assert repr(uri) in message.msg
    assert "https://example.com/instagram/callback/" in message.hint


def test_redirect_uri_http_outside_debug(configure, settings):
    settings.DEBUG = False
    configure(REDIRECT_URI="http://example.com/instagram/callback/")

    message = only("django_instagram.E005")

    assert "http:// outside DEBUG" in message.msg
    assert "https://" in message.hint


def test_redirect_uri_http_in_debug(configure, settings):
    settings.DEBUG = True
    configure(REDIRECT_URI="http://127.0.0.1:8000/instagram/callback/")

    assert messages() == []


def test_unknown_api(configure):
    configure(API="v2")

    message = only("django_instagram.E006")

    assert "'v2'" in message.msg
    assert '"graph"' in message.hint
    assert '"legacy"' in message.hint


def test_unknown_key(configure):
    configure(CLIENTID="typo")

    message = only("django_instagram.E007")

    assert message.msg == 'INSTAGRAM["CLIENTID"] is not a known setting.'
    assert "CLIENT_ID" in message.hint


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("CONNECT_TIMEOUT", "3", "a positive number of seconds"),
    ("READ_TIMEOUT", 0, "a positive number of seconds"),
    ("RETRY_AFTER_CAP", True, "a positive number of seconds"),
    ("MAX_RETRIES", -1, "a non-negative integer"),
    ("MAX_RETRIES", 1.5, "a non-negative integer"),
    ("CACHE_TIMEOUT", None, "a non-negative integer"),
    ("RATE_LIMIT_THRESHOLD", 150, "a percentage from 0 to 100"),
    ("SANDBOX", "yes", "True or False"),
    ("SIGNED_REQUESTS", 1, "True or False"),
    ("CLIENT_ID", 12345, "a string"),
    ("GRAPH_API_VERSION", 26.0, "a string"),
    ("SCOPES", "instagram_business_basic", "a list of scope names"),
    ("SCOPES", ["instagram_business_basic", 7], "a list of scope names"),
    ("TOKEN_ENCRYPTION_KEYS", KEY, "a list of Fernet keys, newest first"),
    ("TOKEN_ENCRYPTION_KEYS", [KEY, 42], "a list of Fernet keys, newest first"),
])
def test_wrong_type(configure, name, value, expected):
    configure(**{name: value})

    message = only("django_instagram.E008")

    assert message.msg.startswith(f'INSTAGRAM["{name}"] is ')
    assert expected in message.msg
    assert expected in message.hint


@pytest.mark.parametrize("name", ["CLIENT_SECRET", "ACCESS_TOKEN", "WEBHOOK_VERIFY_TOKEN", "APP_SECRET"])
def test_wrong_type_hides_secret(configure, name):
    configure(**{name: b"very-secret-value"})

    message = only("django_instagram.E008")

    assert "very-secret-value" not in message.msg
    assert "very-secret-value" not in message.hint
    assert "a bytes" in message.msg


def test_wrong_type_hides_encryption_key(configure):
    configure(TOKEN_ENCRYPTION_KEYS=KEY)

    message = only("django_instagram.E008")

    assert KEY not in message.msg
    assert "a str" in message.msg


def test_retired_scopes(configure):
    configure(SCOPES=["instagram_business_basic", "business_basic", "user_profile"])

    message = only("django_instagram.E009")

    assert message.msg == 'INSTAGRAM["SCOPES"] contains retired scopes: business_basic, user_profile.'
    assert "instagram_business_basic" in message.hint


def test_unknown_legacy_scope(configure):
    configure(API="legacy", SCOPES=["basic", "instagram_business_basic"])

    message = only("django_instagram.E009")

    assert "instagram_business_basic" in message.msg
    assert "public_content" in message.hint


@pytest.mark.parametrize("value", ["CLIENT_ID=abc", ["CLIENT_ID"], None, 42])
def test_instagram_not_dict(configure, settings, value):
    settings.INSTAGRAM = value

    message = only("django_instagram.E010")

    assert message.msg == f"INSTAGRAM must be a dict, not {type(value).__name__}."
    assert "INSTAGRAM = {" in message.hint


def test_unknown_graph_scope(configure):
    configure(SCOPES=["instagram_business_basic", "instagram_business_everything"])

    message = only("django_instagram.E011")

    assert "instagram_business_everything" in message.msg


def test_scopes_without_basic(configure):
    configure(SCOPES=["instagram_business_manage_comments"])

    message = only("django_instagram.E012")

    assert "instagram_business_basic" in message.msg


def test_empty_graph_scopes(configure):
    configure(SCOPES=[])

    message = only("django_instagram.E012")

    assert "instagram_business_basic" in message.msg


def test_redirect_uri_with_fragment(configure):
    configure(REDIRECT_URI="https://example.com/instagram/callback/#_")

    message = only("django_instagram.E004")

    assert "'https://example.com/instagram/callback/#_'" in message.msg
    assert "fragment" in message.msg


def test_sandbox_not_installed(configure, monkeypatch, settings):
    settings.DEBUG = True
    configure(SANDBOX=True)
    installed = instagram_checks.apps.is_installed
    monkeypatch.setattr(
        instagram_checks.apps, "is_installed", lambda name: name != "django_instagram.sandbox" and installed(name)
    )

    message = only("django_instagram.E013")

    assert "django_instagram.sandbox" in message.hint


@pytest.mark.parametrize(("keys", "position"), [(["not-a-fernet-key"], 1), ([KEY, "short"], 2), ([KEY, b"\xff" * 44], 2)])
def test_bad_fernet_key(configure, keys, position):
    configure(TOKEN_ENCRYPTION_KEYS=keys)

    message = only("django_instagram.E014")

    assert f"Key number {position} of" in message.msg
    assert "Fernet.generate_key()" in message.msg
    for key in keys:
        assert str(key) not in message.msg
        assert str(key) not in message.hint


def test_adapter_not_importable(configure):
    configure(ADAPTER="myproject.adapters.Missing")

    message = only("django_instagram.E015")

    assert "'myproject.adapters.Missing'" in message.msg
    assert "django_instagram.adapter.DefaultAdapter" in message.hint


@pytest.mark.parametrize("version", ["26.0", "v26", "v26.0/", "latest"])
def test_graph_version_malformed(configure, version):
    configure(GRAPH_API_VERSION=version)

    message = only("django_instagram.E016")

    assert repr(version) in message.msg
    assert '"v26.0"' in message.msg


@pytest.mark.parametrize("version", ["v26.0", "v9.1", ""])
def test_graph_version_accepted(configure, version):
    configure(GRAPH_API_VERSION=version)

    assert messages() == []


def test_cache_alias_unknown(configure, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    configure(CACHE_ALIAS="instagram")

    message = only("django_instagram.E017")

    assert message.msg == 'INSTAGRAM["CACHE_ALIAS"] is \'instagram\', which is not a key of CACHES.'
    assert "'default'" in message.hint


def test_derived_key_outside_debug(configure, settings):
    settings.DEBUG = False
    configure(TOKEN_ENCRYPTION_KEYS=None)

    message = only("django_instagram.W001")

    assert message.msg == "Instagram tokens are encrypted with a key derived from SECRET_KEY."
    assert 'INSTAGRAM["TOKEN_ENCRYPTION_KEYS"]' in message.hint


def test_derived_key_in_debug(configure, settings):
    settings.DEBUG = True
    configure(TOKEN_ENCRYPTION_KEYS=None)

    assert messages() == []


def test_sandbox_outside_debug(configure, settings):
    settings.DEBUG = False
    configure(SANDBOX=True)

    message = only("django_instagram.W002")

    assert "turn it off in production" in message.hint


def test_every_check_id_is_tested():
    source = Path(instagram_checks.__file__).read_text()
    tested = Path(__file__).read_text()
    numbers = {int(number) for number in re.findall(r"_error\(\s*(\d+),", source)}
    numbers |= set(range(1, len(instagram_checks.ENVIRONMENT_FALLBACKS) + 1))

    for number in sorted(numbers):
        assert f"django_instagram.E{number:03d}" in tested


BROKEN_SITE = """
import importlib, pkgutil, sys
import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="broken-site",
    INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                    "django.contrib.messages", "django.contrib.admin", "django_instagram",
                    "django_instagram.sandbox"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    ROOT_URLCONF="django_instagram.urls",
    INSTAGRAM=sys.argv[1] == "not-a-dict" and "oops" or {
        "CLIENT_ID": 5, "CLIENT_SECRET": ["x"], "REDIRECT_URI": "http://[oops", "API": 3,
        "SCOPES": "basic", "TOKEN_ENCRYPTION_KEYS": ["nope"], "MAX_RETRIES": "many", "BOGUS": 1,
    },
)
django.setup()
import django_instagram

for module in pkgutil.walk_packages(django_instagram.__path__, "django_instagram."):
    try:
        importlib.import_module(module.name)
    except ImportError as error:  # an optional dependency that is not installed
        print("skipped", module.name, error)
from django.core.checks import run_checks

print(sorted(message.id for message in run_checks()))
"""


@pytest.mark.parametrize(("variant", "expected"), [
    ("not-a-dict", ["django_instagram.E010"]),
    ("malformed", ["django_instagram.E007"] + ["django_instagram.E008"] * 4),
])
def test_broken_settings_import_cleanly(variant, expected):
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}

    result = subprocess.run(
        [sys.executable, "-c", BROKEN_SITE, variant], capture_output=True, text=True, timeout=120,
        cwd=Path(__file__).resolve().parent.parent, env=environment,
    )

    assert result.returncode == 0, result.stderr
    ids = [check_id for check_id in ast.literal_eval(result.stdout.strip().splitlines()[-1]) if "instagram" in check_id]
    assert ids == expected


def test_webhook_fields_valid(configure):
    configure(WEBHOOK_FIELDS=["comments", "live_comments"])

    assert messages() == []


def test_webhook_fields_none_means_off(configure):
    configure(WEBHOOK_FIELDS=None)

    assert messages() == []


def test_webhook_fields_unknown(configure):
    configure(WEBHOOK_FIELDS=["comments", "feed", "mentions"])

    message = only("django_instagram.E018")

    assert message.msg == 'INSTAGRAM["WEBHOOK_FIELDS"] contains unknown webhook fields: feed, mentions.'
    assert message.hint.startswith("Use only comments, live_comments, messages,")


def test_webhook_fields_string(configure):
    configure(WEBHOOK_FIELDS="comments")

    message = only("django_instagram.E008")

    assert message.msg == (
        'INSTAGRAM["WEBHOOK_FIELDS"] is \'comments\'; it must be a list of webhook field names, such as '
        '["comments", "messages"].'
    )


def test_webhook_fields_missing_scope(configure):
    configure(WEBHOOK_FIELDS=["comments", "messages"])

    message = only("django_instagram.W012")

    assert message.msg == (
        'INSTAGRAM["WEBHOOK_FIELDS"] needs the scopes instagram_business_manage_messages, which INSTAGRAM["SCOPES"] '
        "does not request, so subscribing a linked account to them fails."
    )


def test_webhook_fields_legacy_api(configure):
    configure(API="legacy", SCOPES=["basic"], WEBHOOK_FIELDS=["messages"])

    assert messages() == []
