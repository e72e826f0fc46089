"""Text as a 公文 writes it: body blocks, heading numbers, Chinese numerals, dates, 发文字号.

Pure functions over strings and dates; nothing here reads or writes files.
"""

from __future__ import annotations

from .bidi import BIDI_CONTROLS, strip_bidi_controls, strip_bidi_controls_in
from .blocks import Block, Heading, ListItem, Paragraph, Table, parse_body
from .dates import (
    format_date,
    format_year_month,
    format_year_month_dotted,
    parse_date,
    parse_year_month,
)
from .numbering import (
    chinese_numeral,
    format_doc_number,
    heading_number,
    match_heading_number,
    parse_chinese_numeral,
    parse_doc_number,
)

__all__ = [
    "BIDI_CONTROLS",
    "Block",
    "Heading",
    "ListItem",
    "Paragraph",
    "Table",
    "chinese_numeral",
    "format_date",
    "format_doc_number",
    "format_year_month",
    "format_year_month_dotted",
    "heading_number",
    "match_heading_number",
    "parse_body",
    "parse_chinese_numeral",
    "parse_date",
    "parse_doc_number",
    "parse_year_month",
    "strip_bidi_controls",
    "strip_bidi_controls_in",
]
