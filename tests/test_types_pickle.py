"""Result types survive pickling (the cache stores them), in the current and the earlier format."""

from __future__ import annotations

import copyreg
import dataclasses
import io
import pickle

import pytest

from django_instagram.client import types
from tests.conftest import recorded_body

RESULT_TYPES = [
    value for value in vars(types).values()
    if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == types.__name__
]


class _SetstatePickler(pickle.Pickler):
    """Pickle dataclasses the way ``dataclass(slots=True)`` does by default: ``__new__`` then ``__setstate__``."""

    def reducer_override(self, obj):
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return copyreg.__newobj__, (type(obj),), obj.__getstate__()
        return NotImplemented


def dumps_setstate(value) -> bytes:
    buffer = io.BytesIO()
    _SetstatePickler(buffer, pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def recorded_media() -> list[types.Media]:
    return [types.Media.from_v1(item) for item in recorded_body("user_recent_media_self_with_pagination")["data"]]


def test_every_type_pickles_by_constructor():
    assert len(RESULT_TYPES) >= 13
    for result_type in RESULT_TYPES:
        assert "__reduce__" in vars(result_type), result_type.__name__


def test_media_page_round_trip():
    media = recorded_media()
    assert pickle.loads(pickle.dumps(media, pickle.HIGHEST_PROTOCOL)) == media


def test_earlier_format_still_loads():
    media = recorded_media()
    assert pickle.loads(dumps_setstate(media)) == media


@pytest.mark.parametrize("value", [
    types.AccessToken.from_graph({"access_token": "IGAAtoken0000001", "expires_in": 5184000, "permissions": "a,b"}),
    types.User.from_v1({"id": "1", "username": "u", "counts": {"media": 3}}),
    types.Relationship.from_v1({"incoming_status": "none", "outgoing_status": "follows"}),
])
def test_other_types_round_trip(value):
    assert pickle.loads(pickle.dumps(value)) == value
