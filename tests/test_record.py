"""``Record``: immutable records with named fields, stored in a tuple."""

from __future__ import annotations

import json
import pickle
from datetime import datetime, timezone

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse

from django_instagram.client.record import Factory, Record
from django_instagram.client.types import Image, Media, Tag, UserSearchResult


class Point(Record):
    x: int
    y: int = 0
    labels: dict[str, str] = Factory(dict)


def test_keyword_and_positional_construction():
    point = Point(1, y=2)
    assert point.x == 1
    assert point.y == 2
    assert point.labels == {}


def test_factory_default_is_new_per_record():
    assert Point(1).labels is not Point(2).labels


def test_missing_required_field_rejected():
    with pytest.raises(TypeError, match=r"Point.__new__\(\) missing 1 required positional argument: 'x'"):
        Point(y=2)


def test_unknown_field_rejected():
    with pytest.raises(TypeError, match="got an unexpected keyword argument 'z'"):
        Point(1, z=3)


def test_field_given_twice_rejected():
    with pytest.raises(TypeError, match="got multiple values for argument 'x'"):
        Point(1, x=2)


def test_too_many_values_rejected():
    with pytest.raises(TypeError, match="takes from 2 to 4 positional arguments but 5 were given"):
        Point(1, 2, {}, 4)


def test_required_field_after_default_rejected():
    with pytest.raises(TypeError, match="required field 'b' follows a field with a default"):
        class Broken(Record):
            a: int = 0
            b: int


def test_private_field_name_rejected():
    with pytest.raises(TypeError, match="'_secret' cannot be a field name"):
        class Broken(Record):
            _secret: str


def test_single_field_record():
    class Name(Record):
        value: str

    assert Name("a").value == "a"
    assert Name(value="b").value == "b"


def test_assignment_rejected():
    point = Point(1)
    with pytest.raises(AttributeError, match=r"Point is immutable: use \.replace\(x=\.\.\.\)"):
        point.x = 2
    with pytest.raises(AttributeError):
        del point.x
    with pytest.raises(AttributeError):
        point.other = 1


def test_replace_returns_changed_copy():
    point = Point(1, 2)
    moved = point.replace(y=5)
    assert moved == Point(1, 5)
    assert point.y == 2


def test_replace_unknown_field_rejected():
    with pytest.raises(TypeError, match="got an unexpected keyword argument 'z'"):
        Point(1).replace(z=1)


def test_as_dict():
    assert Point(1, 2).as_dict() == {"x": 1, "y": 2, "labels": {}}


def test_as_dict_converts_nested_records():
    media = Media("1", user=UserSearchResult("9", "bob"), images={"thumbnail": Image("u", 150, 150)},
                  carousel_media=(Media("2"),))

    converted = media.as_dict()

    assert converted["user"] == {"id": "9", "username": "bob", "full_name": "", "profile_picture": None}
    assert converted["images"] == {"thumbnail": {"url": "u", "width": 150, "height": 150}}
    assert converted["carousel_media"][0]["id"] == "2"
    assert type(converted["carousel_media"]) is tuple


def test_as_dict_encodes_as_json():
    created = datetime(2016, 7, 27, 2, 40, 58, tzinfo=timezone.utc)
    media = Media("1", created_time=created, user=UserSearchResult("9", "bob"))

    response = JsonResponse(media.as_dict(), encoder=DjangoJSONEncoder)

    body = json.loads(response.content)
    assert body["user"]["username"] == "bob"
    assert body["created_time"] == "2016-07-27T02:40:58Z"


def test_equality_needs_same_type():
    assert Image("u", 1, 2) == Image("u", 1, 2)
    assert Image("u", 1, 2) != Image("u", 1, 3)
    assert Image("u", 1, 2) != ("u", 1, 2)
    assert Tag("a", 1) != Point(1, 1)  # noqa: PLR0124


def test_hash_of_hashable_record():
    assert hash(Image("u", 1, 2)) == hash(Image("u", 1, 2))
    assert len({Image("u", 1, 2), Image("u", 1, 2)}) == 1


def test_not_a_sequence():
    image = Image("u", 1, 2)
    with pytest.raises(TypeError, match="Image is not iterable"):
        list(image)
    with pytest.raises(TypeError, match="has no len"):
        len(image)
    with pytest.raises(TypeError, match="not subscriptable"):
        image[0]
    with pytest.raises(TypeError, match="not a sequence"):
        "u" in image  # noqa: B015
    with pytest.raises(TypeError):
        image < Image("v")  # noqa: B015
    with pytest.raises(TypeError):
        image + image  # noqa: B018
    with pytest.raises(TypeError):
        image.index("u")
    with pytest.raises(TypeError):
        image.count("u")


def test_not_ordered_against_tuples():
    image = Image("u")
    with pytest.raises(TypeError):
        image < ("z",)  # noqa: B015
    with pytest.raises(TypeError):
        ("z",) > image  # noqa: B015
    with pytest.raises(TypeError):
        sorted([image, ("a",)])


def test_not_joined_with_tuples():
    image = Image("u")
    with pytest.raises(TypeError):
        ("prefix",) + image  # noqa: B018
    with pytest.raises(TypeError):
        sum([image], ())


def test_no_instance_dict():
    image = Image("u")
    assert not hasattr(image, "__dict__")
    with pytest.raises(AttributeError):
        object.__setattr__(image, "extra", 1)


def test_mutable_default_rejected():
    with pytest.raises(TypeError, match=r"default of 'tags' is a mutable list.*use Factory\(list\)"):
        class Broken(Record):
            tags: list = []


def test_subclass_adds_field():
    class Noted(Point):
        note: str = ""

    built = Noted._make((1, 2, {}))
    assert type(built) is Noted
    assert built.note == ""
    assert built.x == 1
    assert Noted(1, note="n").note == "n"
    assert repr(built) == "Noted(x=1, y=2, labels={}, note='')"


def test_record_is_truthy():
    assert bool(Tag("")) is True


def test_repr_names_fields():
    assert repr(Image("u", 1, 2)) == "Image(url='u', width=1, height=2)"


def test_repr_skips_hidden_fields():
    class Secret(Record, hidden=("token",)):
        token: str
        user_id: str | None = None

    assert repr(Secret("IGAAsecret", "42")) == "Secret(user_id='42')"


def test_pickle_round_trip_keeps_type():
    loaded = pickle.loads(pickle.dumps(Point(1, 2, {"a": "b"})))
    assert loaded == Point(1, 2, {"a": "b"})
    assert type(loaded) is Point


def test_unpickle_adds_new_field_defaults():
    from django_instagram.client.record import _rebuild

    class Later(Point):
        note: str = "none"

    loaded = _rebuild(Later, (1, 2, {}))

    assert loaded.note == "none"
    assert loaded.x == 1
    with pytest.raises(TypeError, match="Cannot load a pickled Point with 4 values"):
        _rebuild(Point, (1, 2, {}, "extra"))


def test_make_builds_without_checks():
    media = Media._make(("1", "video") + (None,) * 16)
    assert media.id == "1"
    assert media.type == "video"


def test_positional_match_pattern():
    match Image("https://example.com/a.jpg", 640, 480):
        case Image(url, width, height=480):
            matched = (url, width)
        case _:
            matched = None

    assert matched == ("https://example.com/a.jpg", 640)


def test_fields_in_declaration_order():
    assert Image._fields == ("url", "width", "height")
    assert Media._fields[:4] == ("id", "type", "link", "created_time")


def test_template_reads_fields_by_name():
    from django.template import Context, Template

    image = Image("https://example.com/a.jpg", 640, 480)
    html = Template("{{ image.url }} {{ image.width }} [{{ image.0 }}]").render(Context({"image": image}))
    assert html == "https://example.com/a.jpg 640 []"
