"""``Record``: the immutable base of the result types, stored in a tuple.

A page of results builds about ten objects per media, so the cost of building one decides how
much a call adds on top of the network. ``tuple.__new__`` with all values builds a record in
about 0.15 µs, against about 2.6 µs for the ``__init__`` of an 18-field frozen slots dataclass
(``timeit`` on CPython 3.11). Fields are read through the same C accessor that
``collections.namedtuple`` uses, so reading one costs as much as reading a slot.

A record behaves as a value, not as a sequence: it compares equal only to a record of the same
type, cannot be iterated, indexed, sized or ordered, and rejects attribute assignment.
``replace()`` returns a changed copy and ``as_dict()`` the fields by name, with nested records as
dicts. A subclass may add fields with defaults.

Declare fields as annotations, in order, with defaults as for a dataclass. A default that must
be a new object per record (a dict) is written ``Factory(dict)``::

    class Image(Record):
        url: str
        width: int | None = None
        sizes: dict[str, int] = Factory(dict)

``cls(...)`` takes fields by position or by name through a generated ``__new__``, as
``namedtuple`` does. Parsers call ``cls._make((value, ...))`` instead, with one value per field in
declaration order, which is ``tuple.__new__`` itself and skips argument binding.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Callable, ClassVar

try:
    from collections import _tuplegetter
except ImportError:  # Python implementations other than CPython
    def _tuplegetter(position: int, doc: str) -> property:
        return property(itemgetter(position), doc=doc)

_MISSING = object()
_tuple_new = tuple.__new__


class Factory:
    """A field default built anew for each record by calling ``factory()``."""

    __slots__ = ("factory",)

    def __init__(self, factory: Callable[[], Any]) -> None:
        self.factory = factory


def _rebuild(cls: type, values: tuple) -> Record:
    """Unpickle a record (the target of ``Record.__reduce__``).

    A value pickled before its class gained fields with defaults loads with those defaults.
    """
    if len(values) > len(cls._fields):
        raise TypeError(
            f"Cannot load a pickled {cls.__name__} with {len(values)} values: the class has "
            f"{len(cls._fields)} fields now."
        )
    return _make_with_added_defaults(cls, values)


class _RecordType(type):
    """Give every record class ``__slots__ = ()``, so records stay plain tuples without a ``__dict__``."""

    def __new__(mcls, name: str, bases: tuple, namespace: dict[str, Any], **kwargs: Any) -> type:
        namespace.setdefault("__slots__", ())
        return super().__new__(mcls, name, bases, namespace, **kwargs)


class Record(tuple, metaclass=_RecordType):
    """An immutable record with named fields; see the module docstring."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[tuple[Any, ...]] = ()
    _hidden: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, hidden: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = [name for name in cls.__dict__.get("__annotations__", {}) if not _is_class_var(cls, name)]
        fields = (*cls._fields, *names)
        if len(set(fields)) != len(fields):
            raise TypeError(f"{cls.__name__} declares a field twice: {', '.join(fields)}.")

        inherited = len(cls._fields)
        defaults = list(cls._defaults)
        for name in names:
            defaults.append(cls.__dict__.get(name, _MISSING))
        _check_default_order(cls.__name__, fields, defaults)
        _check_mutable_defaults(cls.__name__, fields, defaults)

        cls._fields = fields
        cls._defaults = tuple(defaults)
        cls._hidden = cls._hidden | frozenset(hidden)
        cls.__match_args__ = fields
        for position, name in enumerate(fields):
            setattr(cls, name, _tuplegetter(position, f"The {name} field."))
        cls.__new__ = staticmethod(_constructor(cls))
        if inherited and names:
            # The parent's parsers pass only the parent's fields to _make: fill in the rest.
            cls._make = classmethod(_make_with_added_defaults)

    #: ``cls._make(values)`` builds a record from one value per field, in declaration order,
    #: without checks. It is ``tuple.__new__`` itself, so no Python frame runs.
    _make = classmethod(_tuple_new)

    def replace(self, **changes: Any) -> Record:
        """Return a copy of this record with the named fields changed."""
        values = {name: _read(self, position) for position, name in enumerate(self._fields)}
        values.update(changes)
        return type(self)(**values)

    def as_dict(self) -> dict[str, Any]:
        """Return the fields by name, with nested records (in lists, tuples and dicts too) as dicts.

        Like ``dataclasses.asdict``, the result includes hidden fields such as an access token.
        ``json.dumps`` cannot encode a record itself, because ``json`` treats every tuple as an
        array before it calls an encoder's ``default()``: encode ``as_dict()`` instead.
        """
        return {name: _plain(_read(self, position)) for position, name in enumerate(self._fields)}

    def __repr__(self) -> str:
        field_list = ", ".join(
            f"{name}={_read(self, position)!r}"
            for position, name in enumerate(self._fields)
            if name not in self._hidden
        )
        return f"{type(self).__name__}({field_list})"

    def __reduce__(self) -> tuple:
        return (_rebuild, (type(self), tuple.__getnewargs__(self)[0]))

    def __eq__(self, other: object) -> bool:
        if type(other) is type(self):
            return tuple.__eq__(self, other)
        # A plain tuple would compare its items if this returned NotImplemented.
        return False if isinstance(other, tuple) else NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = tuple.__hash__

    def __bool__(self) -> bool:
        return True

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: use .replace({name}=...) for a changed copy.")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: its field {name!r} cannot be deleted.")

    def __iter__(self):
        raise TypeError(f"{type(self).__name__} is not iterable: read its fields by name, or use as_dict().")

    def __len__(self) -> int:
        raise TypeError(f"{type(self).__name__} has no len(): it is a record, not a sequence.")

    def __getitem__(self, key: Any) -> Any:
        raise TypeError(f"{type(self).__name__} is not subscriptable: read its fields by name.")

    def __contains__(self, value: object) -> bool:
        raise TypeError(f"{type(self).__name__} is a record, not a sequence: 'in' is not supported.")

    def _not_a_sequence(self, *args: Any) -> Any:
        raise TypeError(f"{type(self).__name__} is a record, not a sequence: it cannot be ordered, joined or searched.")

    __lt__ = __le__ = __gt__ = __ge__ = _not_a_sequence
    __add__ = __radd__ = __mul__ = __rmul__ = _not_a_sequence
    index = count = _not_a_sequence


#: ``_read(record, position)`` reads a field by position; ``Record.__getitem__`` refuses indexing.
_read = tuple.__getitem__


def _constructor(cls: type[Record]) -> Callable[..., Record]:
    """Generate ``cls.__new__`` with one parameter per field, as ``collections.namedtuple`` does.

    A generated function binds keyword arguments in C; a generic ``*args, **kwargs`` version
    took 2.4 times as long to build an ``Image`` (CPython 3.11).
    """
    parameters = []
    values = []
    namespace: dict[str, Any] = {"_tuple_new": _tuple_new, "_MISSING": _MISSING}
    for position, (name, default) in enumerate(zip(cls._fields, cls._defaults)):
        if not name.isidentifier() or name.startswith("_"):
            raise TypeError(f"{cls.__name__}: {name!r} cannot be a field name.")
        if default is _MISSING:
            parameters.append(name)
            values.append(name)
        elif isinstance(default, Factory):
            namespace[f"_factory_{position}"] = default.factory
            parameters.append(f"{name}=_MISSING")
            values.append(f"(_factory_{position}() if {name} is _MISSING else {name})")
        else:
            namespace[f"_default_{position}"] = default
            parameters.append(f"{name}=_default_{position}")
            values.append(name)

    source = (
        f"def __new__(_cls, {', '.join(parameters)}):\n"
        f"    return _tuple_new(_cls, ({', '.join(values)}{',' if len(values) == 1 else ''}))\n"
    )
    exec(source, namespace)  # noqa: S102 - the source is built from validated identifiers only
    constructor = namespace["__new__"]
    constructor.__qualname__ = f"{cls.__qualname__}.__new__"
    constructor.__doc__ = f"Build a {cls.__name__} from its fields, by position or by name."
    return constructor


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.as_dict()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(item) for item in value)
    return value


def _make_with_added_defaults(cls: type[Record], values: tuple) -> Record:
    """Build a record of a subclass from the values of its parent's fields and the defaults of its own."""
    missing = len(cls._fields) - len(values)
    if missing > 0:
        added = range(len(values), len(cls._fields))
        values = (*values, *(_default_value(cls, position) for position in added))
    return _tuple_new(cls, values)


def _default_value(cls: type[Record], position: int) -> Any:
    default = cls._defaults[position]
    if default is _MISSING:
        raise TypeError(f"{cls.__name__} needs a default for its field {cls._fields[position]!r} to be parsed.")
    return default.factory() if isinstance(default, Factory) else default


def _check_mutable_defaults(class_name: str, fields: tuple[str, ...], defaults: list[Any]) -> None:
    """Reject a list, dict or set default, which every record would share, as ``dataclass`` does."""
    for name, default in zip(fields, defaults):
        if isinstance(default, (list, dict, set)):
            raise TypeError(
                f"{class_name}: the default of {name!r} is a mutable {type(default).__name__}, which every "
                f"record would share; use Factory({type(default).__name__}) instead."
            )


def _check_default_order(class_name: str, fields: tuple[str, ...], defaults: list[Any]) -> None:
    """Reject a required field after one with a default, as ``dataclass`` does."""
    seen_default = False
    for name, default in zip(fields, defaults):
        if default is not _MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"{class_name}: the required field {name!r} follows a field with a default.")


def _is_class_var(cls: type, name: str) -> bool:
    annotation = cls.__dict__.get("__annotations__", {}).get(name)
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return str(text).startswith(("ClassVar", "typing.ClassVar"))
