"""Which of the standard's typefaces a PDF font is, whatever its producer called it.

gongwen's own PDFs name the open Fandol faces its fontconfig puts in for the official
fonts (方正小标宋简体 → FandolSong Bold); Word's and WPS's name the fonts themselves
(FangSong_GB2312, FZXBSJW--GB1-0, SimHei …).
"""

from __future__ import annotations

import unicodedata

from ..layout import standard

#: typeface → the official font name a finding prints
OFFICIAL = {
    "fangsong": standard.FANGSONG,
    "kaiti": standard.KAITI,
    "heiti": standard.HEITI,
    "xiaobiaosong": standard.XIAOBIAOSONG,
    "songti": standard.SONGTI,
    "sans": "无衬线体（等线、微软雅黑）",
}
# checked in this order: 小标宋 before 宋, FandolSong-Bold is gongwen's 小标宋
_MARKERS = (
    ("xiaobiaosong", ("xbs", "xiaobiaosong", "小标宋", "fandolsong-bold")),
    ("fangsong", ("fang", "仿宋", "fzfsk")),
    ("kaiti", ("kai", "楷", "fzktk")),
    ("heiti", ("hei", "黑", "fzhtk")),
    ("songti", ("song", "simsun", "nsimsun", "宋", "fzssk", "ming")),
    # Word's 等线 and 微软雅黑 (gongwen's fontconfig sets them in Noto Sans CJK)
    ("sans", ("sans", "yahei", "dengxian", "等线", "雅黑")),
)


def typeface(font: str) -> str | None:
    """The typeface ``font`` (a PDF font name, subset prefix removed) is, or None."""
    name = font.lower()
    for face, markers in _MARKERS:
        if any(marker in name for marker in markers):
            return face
    return None


def is_han(char: str) -> bool:
    return unicodedata.category(char) == "Lo" and unicodedata.east_asian_width(char) == "W"


def official(face: str | None, font: str) -> str:
    return f"{OFFICIAL[face]} ({font})" if face else font
