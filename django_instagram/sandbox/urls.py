"""Mount the sandbox on the site, for example ``path("instagram-sandbox/", include("django_instagram.sandbox.urls"))``."""

from django.urls import include, path

from . import oauth_views

app_name = "django_instagram_sandbox"

urlpatterns = [
    path("oauth/authorize/", oauth_views.authorize, name="authorize"),
    path("", include("django_instagram.sandbox.api_urls")),
]
