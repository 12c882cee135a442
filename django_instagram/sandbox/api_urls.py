"""Instagram's server-side endpoints as the sandbox serves them.

The paths are Instagram's own (``/v1/...``, ``/oauth/access_token``; Graph paths under
``/graph/``), so ``SandboxAdapter`` maps a real Instagram URL onto this URLconf unchanged.
"""

from django.urls import path, re_path

from . import oauth_views, v1_views

SEGMENT = r"[^/]+"

v1_patterns = [
    path("v1/users/self/media/liked", v1_views.user_media_liked),
    path("v1/users/self/requested-by", v1_views.user_requested_by),
    path("v1/users/search", v1_views.user_search),
    path("v1/users/<str:user_id>", v1_views.user),
    path("v1/users/<str:user_id>/media/recent", v1_views.user_recent_media),
    path("v1/users/<str:user_id>/follows", v1_views.user_follows),
    path("v1/users/<str:user_id>/followed-by", v1_views.user_followed_by),
    path("v1/users/<str:user_id>/relationship", v1_views.user_relationship),
    path("v1/media/popular", v1_views.media_popular),
    path("v1/media/search", v1_views.media_search),
    path("v1/media/shortcode/<str:shortcode>", v1_views.media_shortcode),
    path("v1/media/<str:media_id>", v1_views.media),
    path("v1/media/<str:media_id>/comments", v1_views.media_comments),
    path("v1/media/<str:media_id>/comments/<str:comment_id>", v1_views.media_comment_delete),
    path("v1/media/<str:media_id>/likes", v1_views.media_likes),
    path("v1/tags/search", v1_views.tag_search),
    path("v1/tags/<str:name>", v1_views.tag),
    path("v1/tags/<str:name>/media/recent", v1_views.tag_recent_media),
    path("v1/locations/search", v1_views.location_search),
    path("v1/locations/<str:location_id>", v1_views.location),
    path("v1/locations/<str:location_id>/media/recent", v1_views.location_recent_media),
]

urlpatterns = [
    path("oauth/access_token", oauth_views.access_token),
    re_path(r"^oauth/access_token/$", oauth_views.access_token),
    *v1_patterns,
]

try:  # the Graph endpoints live in their own module
    from .graph_urls import urlpatterns as graph_patterns
except ImportError:  # pragma: no cover - until the Graph sandbox exists
    graph_patterns = []

urlpatterns += graph_patterns
