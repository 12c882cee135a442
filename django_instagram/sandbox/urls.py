"""Mount the sandbox on the site, for example ``path("instagram-sandbox/", include("django_instagram.sandbox.urls"))``.

Every view mounted here returns 404 while ``INSTAGRAM["SANDBOX"]`` is off, so a site that
switched to the real Instagram but kept these URLs serves no fake consent page, token endpoint or
API data. ``SandboxAdapter`` calls the views of ``api_urls`` directly and is only active while the
sandbox is on.
"""

import functools

from django.http import Http404
from django.urls import URLPattern, path

from ..conf import instagram_settings
from . import api_urls, oauth_views, pictures

app_name = "django_instagram_sandbox"


def _only_while_on(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not instagram_settings.SANDBOX:
            raise Http404('The Instagram sandbox is off: INSTAGRAM["SANDBOX"] is False.')
        return view(request, *args, **kwargs)

    return wrapper


def _guarded(pattern: URLPattern) -> URLPattern:
    return URLPattern(pattern.pattern, _only_while_on(pattern.callback), pattern.default_args, pattern.name)


urlpatterns = [
    path("oauth/authorize/", _only_while_on(oauth_views.authorize), name="authorize"),
    path("cdn/<path:path>", _only_while_on(pictures.placeholder), name="cdn"),
    *(_guarded(pattern) for pattern in api_urls.urlpatterns),
]
