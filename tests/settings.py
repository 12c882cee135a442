"""Settings for the test suite: the example site's apps with the database and cache chosen by
environment variables.

- ``DJANGO_INSTAGRAM_TEST_DB=postgres`` uses PostgreSQL (``PGHOST``, ``PGPORT``, ``PGUSER``,
  ``PGPASSWORD``, ``PGDATABASE``; defaults suit a local server); anything else uses SQLite.
- ``DJANGO_INSTAGRAM_TEST_CACHE=redis://host:port/db`` uses Redis; otherwise the local-memory cache.
"""

import os

from example_project.settings import *  # noqa: F401,F403
from example_project.settings import INSTALLED_APPS

SECRET_KEY = "tests-secret-key-not-for-production"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if "rest_framework" not in INSTALLED_APPS:
    try:
        import rest_framework  # noqa: F401

        INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework"]
    except ImportError:
        pass

if os.environ.get("DJANGO_INSTAGRAM_TEST_DB") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "USER": os.environ.get("PGUSER", "postgres"),
            "PASSWORD": os.environ.get("PGPASSWORD", ""),
            "NAME": os.environ.get("PGDATABASE", "django_instagram"),
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

if os.environ.get("DJANGO_INSTAGRAM_TEST_CACHE", "").startswith("redis://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["DJANGO_INSTAGRAM_TEST_CACHE"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

INSTAGRAM = {
    "CLIENT_ID": "test-client-id",
    "CLIENT_SECRET": "test-client-secret",
    "REDIRECT_URI": "https://testserver/instagram/callback/",
    "API": "legacy",
    "SANDBOX": False,
    "SCOPES": ["basic", "public_content", "follower_list", "comments", "relationships", "likes"],
    "SANDBOX_APP_NAME": "Test site",
}

LOGGING = {"version": 1, "disable_existing_loggers": False}
