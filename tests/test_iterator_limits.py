"""``max_items`` and ``max_pages`` of the ``iter_`` calls are checked before any request.

Without the check, ``max_items=0`` would yield one item, ``max_pages=0`` a whole page, and a
string would raise ``TypeError`` from a comparison deep inside the walk.
"""

from __future__ import annotations

import pytest

from django_instagram import services

TOKEN = "IGQVJ-iterator-limit-token"

BAD_LIMITS = [0, -1, True, 2.5, "5"]

CALLS = {
    "iter_tag_recent_media": lambda **limits: services.iter_tag_recent_media("ts", token=TOKEN, **limits),
    "iter_location_recent_media": lambda **limits: services.iter_location_recent_media(1, token=TOKEN, **limits),
    "iter_user_recent_media": lambda **limits: services.iter_user_recent_media("self", token=TOKEN, **limits),
    "iter_user_feed": lambda **limits: services.iter_user_feed(token=TOKEN, **limits),
    "iter_user_media_liked": lambda **limits: services.iter_user_media_liked(token=TOKEN, **limits),
    "iter_user_follows": lambda **limits: services.iter_user_follows("57451593", token=TOKEN, **limits),
    "iter_user_followed_by": lambda **limits: services.iter_user_followed_by("57451593", token=TOKEN, **limits),
}


@pytest.mark.parametrize("value", BAD_LIMITS, ids=repr)
@pytest.mark.parametrize("limit", ["max_items", "max_pages"])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_bad_limit_rejected(mock_instagram, name, limit, value):
    with pytest.raises(ValueError, match=f"{limit} must be a positive integer or None"):
        CALLS[name](**{limit: value})

    assert len(mock_instagram.calls) == 0


def test_graph_bad_limit_rejected(mock_instagram, instagram_override):
    instagram_override(API="graph")

    with pytest.raises(ValueError, match=r"max_items must be a positive integer or None \(no limit\), not 0\."):
        services.iter_user_recent_media("self", token=TOKEN, max_items=0)

    assert len(mock_instagram.calls) == 0
