"""Paths of the Graph sandbox, under ``graph/`` with or without a version such as ``v26.0/``.

``SandboxAdapter`` maps ``https://graph.instagram.com/X`` to ``/graph/X``. Specific paths come
before the catch-all ``<node_id>`` one.
"""

from django.urls import re_path

from . import graph_views

PREFIX = r"^graph/(?:v\d+\.\d+/)?"
OWNER = r"(?P<owner>me|\d+)"
NODE = r"(?P<node_id>[A-Za-z0-9_]+)"

urlpatterns = [
    re_path(PREFIX + r"access_token$", graph_views.access_token),
    re_path(PREFIX + r"refresh_access_token$", graph_views.refresh_access_token),
    re_path(PREFIX + r"me$", graph_views.me),
    re_path(PREFIX + OWNER + r"/media$", graph_views.user_media),
    re_path(PREFIX + OWNER + r"/media_publish$", graph_views.media_publish),
    re_path(PREFIX + OWNER + r"/content_publishing_limit$", graph_views.content_publishing_limit),
    re_path(PREFIX + OWNER + r"/subscribed_apps$", graph_views.subscribed_apps),
    re_path(PREFIX + NODE + r"/children$", graph_views.children),
    re_path(PREFIX + NODE + r"/comments$", graph_views.comments),
    re_path(PREFIX + NODE + r"/replies$", graph_views.replies),
    re_path(PREFIX + NODE + r"$", graph_views.node),
]
