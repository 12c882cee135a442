"""Ids and names that cannot be a URL path segment are rejected before any request.

``urllib3`` resolves ``.`` and ``..`` segments before sending, so ``media("..")`` would read
``/v1/`` and ``user_relationship("..", "follow")`` would post to ``/v1/relationship``: another
endpoint than the call names, with the user's token. ``None`` would be sent as the text ``None``.
"""

from __future__ import annotations

import pytest

from django_instagram import services

TOKEN = "IGQVJ-path-segment-token"

BAD_IDS = [None, ".", "..", True]

LEGACY_CALLS = {
    "media": lambda media_id: services.media(media_id, TOKEN),
    "media_like": lambda media_id: services.media_like(media_id, TOKEN),
    "media_comment_delete": lambda media_id: services.media_comment_delete("1234_5678", media_id, TOKEN),
    "user": lambda user_id: services.user(user_id, TOKEN),
    "user_relationship": lambda user_id: services.user_relationship(user_id, "follow", TOKEN),
    "tag": lambda name: services.tag(name, TOKEN),
    "location": lambda location_id: services.location(location_id, TOKEN),
}

GRAPH_CALLS = {
    "media": lambda media_id: services.media(media_id, TOKEN),
    "media_children": lambda media_id: services.media_children(media_id, TOKEN),
    "media_comments": lambda media_id: services.media_comments(media_id, TOKEN),
    "comment_reply": lambda comment_id: services.comment_reply(comment_id, "Thanks", TOKEN),
    "comment_hide": lambda comment_id: services.comment_hide(comment_id, True, TOKEN),
}


@pytest.mark.parametrize("value", BAD_IDS, ids=repr)
@pytest.mark.parametrize("name", sorted(LEGACY_CALLS))
def test_legacy_bad_id_rejected(mock_instagram, name, value):
    with pytest.raises(ValueError, match="URL path"):
        LEGACY_CALLS[name](value)

    assert len(mock_instagram.calls) == 0


@pytest.mark.parametrize("value", BAD_IDS, ids=repr)
@pytest.mark.parametrize("name", sorted(GRAPH_CALLS))
def test_graph_bad_id_rejected(mock_instagram, instagram_override, name, value):
    instagram_override(API="graph")

    with pytest.raises(ValueError, match="URL path"):
        GRAPH_CALLS[name](value)

    assert len(mock_instagram.calls) == 0


def test_legacy_dots_inside_id_kept(mock_instagram):
    mock_instagram.add(
        "GET", "https://api.instagram.com/v1/tags/a..b",
        json={"meta": {"code": 200}, "data": {"name": "a..b", "media_count": 2}},
    )

    result = services.tag("a..b", TOKEN)

    assert result.name == "a..b"
    assert result.media_count == 2


def test_legacy_integer_id_accepted(mock_instagram):
    mock_instagram.add(
        "GET", "https://api.instagram.com/v1/locations/1",
        json={"meta": {"code": 200}, "data": {"id": 1, "name": "Dogpatch Labs"}},
    )

    result = services.location(1, TOKEN)

    assert result.id == "1"
    assert result.name == "Dogpatch Labs"
