"""Settings of the example site: SQLite, the Instagram sandbox on, no credentials needed.

Every value here is an embedded default for local development; none is fit for production.
Environment variables override a few: PORT (the demo's port, also used in the redirect URI),
INSTAGRAM_API ("graph" or "legacy"), DATABASE_URL-style choices are in tests/settings.py.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-project-insecure-secret-key-for-local-development-only")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_instagram",
    "django_instagram.sandbox",
    "example_project.demo.apps.DemoConfig",
]

# The optional "rest" extra adds Django REST framework and the API under /api/instagram/.
try:
    import rest_framework  # noqa: F401
except ImportError:
    pass
else:
    INSTALLED_APPS.append("rest_framework")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "example_project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "example_project.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("EXAMPLE_DB", str(BASE_DIR.parent / "example.sqlite3")),
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

PORT = os.environ.get("PORT", "8000")

INSTAGRAM = {
    "CLIENT_ID": "sandbox-client-id",
    "CLIENT_SECRET": "sandbox-client-secret",
    "REDIRECT_URI": f"http://127.0.0.1:{PORT}/instagram/callback/",
    # The Instagram API with Instagram Login by default; INSTAGRAM_API=legacy switches to v1.
    "API": os.environ.get("INSTAGRAM_API", "graph"),
    "SANDBOX": True,
    "SANDBOX_APP_NAME": "django_instagram example site",
    "SANDBOX_PLACEHOLDER_IMAGES": True,
    # The webhook accepts Meta's subscription check with this token, and instagram_send_test_webhook
    # signs its samples with CLIENT_SECRET.
    "WEBHOOK_VERIFY_TOKEN": "sandbox-verify-token",
}
if INSTAGRAM["API"] == "legacy":
    INSTAGRAM["SCOPES"] = ["basic", "public_content", "follower_list", "comments", "relationships", "likes"]
else:
    INSTAGRAM["SCOPES"] = [
        "instagram_business_basic", "instagram_business_manage_comments", "instagram_business_content_publish",
    ]
    # Subscribe each linked account to comment webhooks, as a site receiving them would.
    INSTAGRAM["WEBHOOK_FIELDS"] = ["comments"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django_instagram": {"handlers": ["console"], "level": "INFO"}},
}
