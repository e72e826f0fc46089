"""Bidirectional formatting characters, which data never needs in a 公文.

A 公文 is set left to right.  An embedding, override or isolate control (U+202A–202E,
U+2066–2069) or a direction mark (U+200E, U+200F, U+061C) is invisible and only
reorders what follows it: in 「李<U+202E>四」 the page number after the name prints
backwards, and in a file name it disguises the extension.  Text in a genuinely
right-to-left script keeps its order without them (the Unicode bidi algorithm orders
it by its letters), so gongwen removes them wherever data enters.
"""

from __future__ import annotations

from typing import Any

#: LRE RLE PDF LRO RLO, LRI RLI FSI PDI, and the marks LRM RLM ALM
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
_DELETE = dict.fromkeys(map(ord, BIDI_CONTROLS))


def strip_bidi_controls(text: str) -> str:
    """``text`` without bidirectional formatting characters."""
    return text.translate(_DELETE) if not text.isascii() else text


def strip_bidi_controls_in(data: Any) -> Any:
    """``data`` (nested dicts, lists, tuples and scalars) with every string, key or
    value, stripped of bidirectional formatting characters; other values unchanged."""
    if isinstance(data, str):
        return strip_bidi_controls(data)
    if isinstance(data, dict):
        return {strip_bidi_controls_in(k): strip_bidi_controls_in(v) for k, v in data.items()}
    if type(data) in (list, tuple):
        return type(data)(strip_bidi_controls_in(item) for item in data)
    return data
