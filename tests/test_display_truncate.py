"""``truncate`` stops splitting early; it must cut exactly as splitting the whole text does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import unicodedata

from django_instagram.display import ELLIPSIS, _extends_cluster, graphemes, safe_url, truncate

# Letters, combining marks, ZWJ, variation selectors, skin tones, flags and CR LF: the cluster rules.
PIECES = st.sampled_from(["a", "é", "\u0301", "\u200d", "\ufe0f", "👍", "\U0001f3fd", "🇫", "🇷", "\r", "\n", " "])


def _extends_cluster_reference(cluster: str, char: str) -> bool:
    """The cluster rule without the fast path for code points below U+0300."""
    code = ord(char)
    if unicodedata.category(char) in ("Mn", "Me", "Mc") or char == "\u200d":
        return True
    if 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:
        return True
    if cluster.endswith("\u200d"):
        return True
    if 0x1F1E6 <= code <= 0x1F1FF:
        return len(cluster) == 1 and 0x1F1E6 <= ord(cluster) <= 0x1F1FF
    return cluster == "\r" and char == "\n"


def truncate_by_full_split(text: str, length: int) -> str:
    clusters = graphemes(text)
    if len(clusters) <= length:
        return text
    return "".join(clusters[: length - 1]).rstrip() + ELLIPSIS


@given(st.lists(PIECES, max_size=40).map("".join), st.integers(min_value=1, max_value=30))
def test_truncate_matches_full_split(text, length):
    assert truncate(text, length) == truncate_by_full_split(text, length)


def test_graphemes_limit_keeps_prefix():
    text = "👍🏽ab🇫🇷c"
    assert graphemes(text, limit=2)[:2] == graphemes(text)[:2]


def test_safe_url_rejects_c1_control():
    assert safe_url("https://example.com/\x85") == ""
    assert safe_url("https://example.com/a\u00a0b") == "https://example.com/a\u00a0b"


@given(st.text(max_size=12), st.text(min_size=1, max_size=1))
def test_extends_cluster_ascii_fast_path(cluster, char):
    assert _extends_cluster(cluster, char) == _extends_cluster_reference(cluster, char)
