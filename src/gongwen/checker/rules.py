"""The rules, each with a stable id, a severity and the clause it comes from."""

from __future__ import annotations

from .report import Rule

_STD = "GB/T 9704-2012"

PAGE_SIZE = Rule("GW101", "page.size", "error", f"{_STD} 5.1")
OUTSIDE_TEXT_BLOCK = Rule("GW102", "text-block.overflow", "error", f"{_STD} 5.2.1")
BODY_SIZE = Rule("GW103", "body.size", "error", f"{_STD} 5.2.2, 7.3.3")
LINE_PITCH = Rule("GW104", "body.lines-per-page", "error", f"{_STD} 5.2.3")
CHARS_PER_LINE = Rule("GW105", "body.chars-per-line", "error", f"{_STD} 5.2.3")
BODY_FONT = Rule("GW106", "body.font", "error", f"{_STD} 5.2.2, 7.3.3")
TITLE_STYLE = Rule("GW107", "title.font-size", "error", f"{_STD} 7.3.1")
HEADER_MARK = Rule("GW108", "header.mark", "error", f"{_STD} 7.2.4")
HEADER_RULE = Rule("GW109", "header.red-rule", "error", f"{_STD} 7.2.7")
LETTER_HEAD = Rule("GW110", "letter.head", "error", f"{_STD} 10.1")

PAGE_NUMBER_MISSING = Rule("GW201", "page-number.missing", "error", f"{_STD} 7.5")
PAGE_NUMBER_SIZE = Rule("GW202", "page-number.size", "error", f"{_STD} 7.5")
PAGE_NUMBER_PLACE = Rule("GW203", "page-number.position", "error", f"{_STD} 7.5")
PAGE_NUMBER_HEIGHT = Rule("GW204", "page-number.height", "warning", f"{_STD} 7.5")
PAGE_NUMBER_ON_BLANK = Rule("GW205", "page-number.blank-page", "warning", f"{_STD} 7.5")
PAGE_NUMBER_LETTER_FIRST = Rule("GW206", "page-number.letter-first-page", "error",
                                f"{_STD} 10.1")

END_BLOCK_ODD_PAGE = Rule("GW301", "end-block.odd-page", "error", f"{_STD} 7.4")
SIGNATURE_ALONE = Rule("GW302", "signature.alone-on-page", "error", f"{_STD} 7.3.5.5")
END_BLOCK_RULES = Rule("GW303", "end-block.rules", "error", f"{_STD} 7.4.1")
SIGNATURE_PLACE = Rule("GW304", "signature.position", "error", f"{_STD} 7.3.5.2")
ATTACHMENTS_AGREE = Rule("GW305", "attachments.agree", "error", f"{_STD} 7.3.4, 7.3.7")
NOTE_DETACHED = Rule("GW306", "note.detached", "error", f"{_STD} 7.3.6")
ATTACHMENT_NOTE_WRAP = Rule("GW307", "attachments.wrap", "error", f"{_STD} 7.3.4")

DOC_NUMBER_BRACKETS = Rule("GW401", "doc-number.brackets", "error", f"{_STD} 7.2.5")
DOC_NUMBER_SERIAL = Rule("GW402", "doc-number.serial", "error", f"{_STD} 7.2.5")
DATE_NUMERALS = Rule("GW403", "date.numerals", "error", f"{_STD} 7.3.5.4")
DATE_PADDING = Rule("GW404", "date.padding", "error", f"{_STD} 7.3.5.4")
HEADING_SEQUENCE = Rule("GW405", "heading.sequence", "error", f"{_STD} 7.3.3")
HEADING_PUNCTUATION = Rule("GW406", "heading.punctuation", "error", f"{_STD} 7.3.3")
HEADING_LEVEL_SKIPPED = Rule("GW407", "heading.level-skipped", "warning", f"{_STD} 7.3.3")
HEADING_FONT = Rule("GW408", "heading.font", "error", f"{_STD} 7.3.3")
HEADING_ORPHAN = Rule("GW410", "heading.orphan", "warning",
                      "gongwen: a heading stays on the page of the text it heads")
EAST_ASIAN_FONT = Rule("GW409", "font.east-asian", "warning", f"{_STD} 5.2.2")
TEXT_LOST = Rule("GW502", "pdf.text-lost", "error",
                 "gongwen: the PDF prints every character of the DOCX")
FONT_NOT_EMBEDDED = Rule("GW501", "font.not-embedded", "warning",
                         "gongwen: a PDF prints the same everywhere only with its fonts")

ALL_RULES = tuple(value for value in list(globals().values()) if isinstance(value, Rule))
