"""Django settings of the benchmarks: the example site, on a fresh SQLite file, sandbox off.

``BENCHMARKS_DB`` is the SQLite file; ``benchmarks.__main__`` sets it to a temporary path.
``BENCHMARKS_DATABASE=postgres`` uses PostgreSQL instead (``PGHOST``, ``PGPORT``, ``PGUSER``,
``PGPASSWORD``, ``PGDATABASE``), which the refresh benchmark needs to measure ``--workers``.
Like the test runner, the run creates ``test_<PGDATABASE>`` and drops it at the end, so the
user needs the CREATEDB privilege.
"""

import os

from example_project.settings import *  # noqa: F401,F403
from example_project.settings import INSTALLED_APPS

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

try:
    import rest_framework  # noqa: F401

    if "rest_framework" not in INSTALLED_APPS:
        INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework"]
except ImportError:
    pass

if os.environ.get("BENCHMARKS_DATABASE") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "USER": os.environ.get("PGUSER", "postgres"),
            "PASSWORD": os.environ.get("PGPASSWORD", ""),
            "NAME": os.environ.get("PGDATABASE", "django_instagram_bench"),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("BENCHMARKS_DB", "benchmarks.sqlite3"),
            "OPTIONS": {"timeout": 30},
        }
    }

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

INSTAGRAM = {
    "CLIENT_ID": "benchmark-client-id",
    "CLIENT_SECRET": "benchmark-client-secret",
    "REDIRECT_URI": "https://testserver/instagram/callback/",
    "API": "legacy",
    "SANDBOX": False,
}

LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
