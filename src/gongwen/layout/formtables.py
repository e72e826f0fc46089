"""Ruled form tables in docxtpl sub-documents: fixed column widths, merged cells,
header rows that repeat on every page, rows with room for handwriting.

:mod:`gongwen.layout.rules` lays the running text of a 公文; this module lays the tables the
承诺书 and the 民主评议 records are made of.  Widths are millimetres, styles are the
template's form styles (``GwFormCell``, ``GwFormText`` …).

A 汇总表 has a row per member, so tables are built on the XML elements directly, with
every cell at hand by row and grid column: python-docx's ``table.cell`` and
``row.cells`` lay out the whole table on each call, which made a table of a thousand
rows take seconds.  The elements are the ones python-docx writes.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph as DocxParagraph
from docxtpl.subdoc import Subdoc
from lxml import etree

from . import conventions, formtext, standard
from .ooxml import border, child
from .standard import mm_to_twips

FULL_WIDTH_SPACE = "\u3000"
WORD_JOINER = "\u2060"
#: python-docx's tblLook for a new table (first row and column, no vertical banding)
_TABLE_LOOK = (("firstColumn", "1"), ("firstRow", "1"), ("lastColumn", "0"),
               ("lastRow", "0"), ("noHBand", "0"), ("noVBand", "1"), ("val", "04A0"))

_W = {name: qn(f"w:{name}") for name in (
    "tbl", "tblPr", "tblW", "tblLook", "tblLayout", "tblGrid", "gridCol", "tr", "trPr", "tc",
    "tcPr", "tcW", "gridSpan", "vMerge", "vAlign", "p", "pPr", "pStyle", "jc", "r", "rPr", "u",
    "t", "tab", "br", "val", "w", "type", "keepNext")}
#: type size of the cell styles whose texts are broken only between words
#: (:mod:`gongwen.layout.formtext`); a running text (个人总结, 承诺事项) breaks as Chinese does
CELL_SIZES = {"GwFormCell": conventions.FORM_SIZE, "GwFormDense": conventions.FORM_DENSE_SIZE}
#: a short table's last rows stay on the page of its tail (notes, signature), so that
#: a page never holds the tail alone
TAIL_ROWS = 2
#: table shapes whose empty table and row a process keeps to copy
PROTOTYPES = 32
_PRESERVE = {"{http://www.w3.org/XML/1998/namespace}space": "preserve"}
_SPECIAL = re.compile(r"([\t\r\n])")


class FormTable:
    """A centred table of fixed column widths, ruled all round and inside, whose
    cells are found by row and grid column in constant time."""

    def __init__(self, sub: Subdoc, widths_mm: Sequence[float], rows: int, *,
                 dense: bool = False) -> None:
        table, blank = _prototype(tuple(widths_mm), dense)
        self.widths = [mm_to_twips(width) for width in widths_mm]
        self.style_id = "GwFormDense" if dense else "GwFormCell"
        self.margin_mm = (conventions.FORM_DENSE_CELL_MARGIN_MM if dense
                          else conventions.FORM_CELL_MARGIN_MM)
        self.tbl = copy.deepcopy(table)
        body = sub.element.body
        if body.sectPr is not None:
            body.sectPr.addprevious(self.tbl)
        else:
            body.append(self.tbl)
        self.rows: list[BaseOxmlElement] = []
        #: per row, the cell over each grid column (a merged cell is there for each);
        #: listed when the row is first used
        self._cells: list[list[BaseOxmlElement] | None] = [None] * rows
        #: rows nothing was written into or merged yet
        self._fresh = set(range(rows))
        for _ in range(rows):
            tr = copy.deepcopy(blank)
            self.tbl.append(tr)
            self.rows.append(tr)

    def _row(self, row: int) -> list[BaseOxmlElement]:
        self._fresh.discard(row)
        cells = self._cells[row]
        if cells is None:
            cells = self._cells[row] = self.rows[row].findall(_W["tc"])
        return cells

    def cell(self, row: int, column: int) -> BaseOxmlElement:
        """The cell (``w:tc``) over grid ``column`` of ``row``; a merged cell answers for
        all its columns."""
        return self._row(row)[column]

    def fitted(self, cell: BaseOxmlElement, text: str, style_id: str) -> str:
        """``text`` broken between words to fit ``cell`` when its style is a cell
        style (:data:`CELL_SIZES`); as it is otherwise."""
        size = CELL_SIZES.get(style_id)
        if size is None or not text:
            return formtext.plain(text)
        width = int(cell[0].find(_W["tcW"]).get(_W["w"])) / standard.TWIPS_PER_PT
        return formtext.wrap(text, standard.pt_to_mm(width), size, self.margin_mm)

    def put(self, cell: BaseOxmlElement, text: str, style_id: str | None = None, *,
            align: str | None = None) -> BaseOxmlElement:
        """:func:`write` ``text`` into ``cell`` (of this table), broken only between
        words if the cell is too narrow for it on one line."""
        style_id = style_id or self.style_id
        return write(cell, self.fitted(cell, text, style_id), style_id, align=align)

    def fill(self, row: int, texts: Sequence[str], style_id: str = "GwFormCell") -> None:
        """Write ``texts`` into the first cells of ``row``, left to right, as
        :meth:`put` does; the cells after them stay empty.  A fresh row of plain texts
        (a member's row of a 汇总表) is made in one piece, several times quicker than
        cell by cell."""
        size = CELL_SIZES.get(style_id)
        if size is not None:
            texts = [formtext.wrap(text, standard.pt_to_mm(width / standard.TWIPS_PER_PT),
                                   size, self.margin_mm) if text else text
                     for text, width in zip(texts, self.widths, strict=False)]
        if row not in self._fresh or len(texts) > len(self.widths) \
                or not all(map(_plain, texts)):
            for column, text in enumerate(texts):
                write(self.cell(row, column), text, style_id)
            return
        style = escape(style_id, _QUOTE)
        filled = [_FILLED_CELL.format(width=width, style=style, run=_PLAIN_RUN.format(
            escape(text)) if text else "") for width, text in zip(self.widths, texts,
                                                                   strict=False)]
        empty = [_EMPTY_CELL.format(width=width, style=self.style_id)
                 for width in self.widths[len(texts):]]
        cells = "".join(filled + empty)
        tr = parse_xml(f"<w:tr {nsdecls('w')}>{cells}</w:tr>")
        old = self.rows[row]
        if len(old) and old[0].tag == _W["trPr"]:
            tr.insert(0, old[0])
        self.tbl.replace(old, tr)
        self.rows[row] = tr
        self._fresh.discard(row)

    def merge(self, row: int, first: int, last: int) -> BaseOxmlElement:
        """Merge grid columns ``first``..``last`` of ``row`` (cells still empty) into one."""
        cells = self._row(row)
        target = cells[first]
        if first and cells[first - 1] is target:
            raise IndexError(f"no cell starts at column {first} of row {row}")
        for column in range(first + 1, last + 1):
            if cells[column] is not target:
                cells[column].getparent().remove(cells[column])
                cells[column] = target
        tc_pr = target[0]
        # a merged cell is as wide as the columns it spans (twips, like the grid)
        tc_pr.find(_W["tcW"]).set(_W["w"], str(sum(self.widths[first:last + 1])))
        span = sum(1 for tc in cells if tc is target)
        if span > 1:
            _replace(tc_pr, _W["gridSpan"], 1, span)
        return target

    def merge_down(self, column: int, first: int, last: int) -> BaseOxmlElement:
        """Merge rows ``first``..``last`` of ``column`` (cells still empty) into one."""
        for row in range(first, last + 1):
            tc_pr = self._row(row)[column][0]
            at = 2 if tc_pr.find(_W["gridSpan"]) is not None else 1
            _replace(tc_pr, _W["vMerge"], at, "restart" if row == first else None)
        return self._row(first)[column]

    def repeat_header(self, row: int) -> None:
        """The row is a header row: repeated at the top of every page the table spans."""
        _property(self.rows[row], "w:tblHeader")
        self.keep_whole(row)

    def keep_whole(self, row: int) -> None:
        """The row never breaks across pages."""
        _property(self.rows[row], "w:cantSplit")

    def keep_tail(self, rows: int = TAIL_ROWS) -> None:
        """The last ``rows`` rows stay on the page of what follows the table (its
        notes): every paragraph in them keeps with the next."""
        for tr in self.rows[-rows:]:
            for paragraph in tr.iter(_W["p"]):
                keep_with_next(paragraph)

    def min_height(self, row: int, mm: float) -> None:
        _property(self.rows[row], "w:trHeight", val=mm_to_twips(mm), hRule="atLeast")


@functools.lru_cache(maxsize=PROTOTYPES)
def _prototype(widths_mm: tuple[float, ...], dense: bool
               ) -> tuple[BaseOxmlElement, BaseOxmlElement]:
    """An empty table of ``widths_mm`` (its properties and grid) and a row of empty
    cells, centred vertically, to copy: copying an element tree is much quicker than
    building it again."""
    widths = [mm_to_twips(width) for width in widths_mm]
    tbl = OxmlElement("w:tbl")
    tbl_pr = etree.SubElement(tbl, _W["tblPr"])
    etree.SubElement(tbl_pr, _W["tblW"], {_W["type"]: "dxa",
                                           _W["w"]: str(mm_to_twips(sum(widths_mm)))})
    child(tbl_pr, "w:jc", val="center")
    borders = child(tbl_pr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border(borders, side, width_pt=standard.mm_to_pt(conventions.FORM_RULE_MM),
               color=standard.BLACK)
    etree.SubElement(tbl_pr, _W["tblLayout"], {_W["type"]: "fixed"})
    margin = conventions.FORM_DENSE_CELL_MARGIN_MM if dense else conventions.FORM_CELL_MARGIN_MM
    margins = child(tbl_pr, "w:tblCellMar")
    for side in ("left", "right"):
        child(margins, f"w:{side}", w=mm_to_twips(margin), type="dxa")
    etree.SubElement(tbl_pr, _W["tblLook"], {qn(f"w:{k}"): v for k, v in _TABLE_LOOK})
    grid = etree.SubElement(tbl, _W["tblGrid"])
    for width in widths:
        etree.SubElement(grid, _W["gridCol"], {_W["w"]: str(width)})
    tr = OxmlElement("w:tr")
    for width in widths:
        tc = etree.SubElement(tr, _W["tc"])
        tc_pr = etree.SubElement(tc, _W["tcPr"])
        etree.SubElement(tc_pr, _W["tcW"], {_W["type"]: "dxa", _W["w"]: str(width)})
        etree.SubElement(tc_pr, _W["vAlign"], {_W["val"]: "center"})
        _styled_paragraph(tc, "GwFormDense" if dense else "GwFormCell")
    return tbl, tr


def _styled_paragraph(parent: BaseOxmlElement, style_id: str) -> BaseOxmlElement:
    """An empty paragraph in ``style_id``: an empty cell is one line of the table's
    text, not of the body text (a 10 mm line would make every row taller)."""
    paragraph = etree.SubElement(parent, _W["p"])
    etree.SubElement(etree.SubElement(paragraph, _W["pPr"]), _W["pStyle"],
                     {_W["val"]: style_id})
    return paragraph


#: a cell as :func:`write` leaves a fresh one (python-docx's element and attribute order)
_FILLED_CELL = ('<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/><w:vAlign w:val="center"/>'
                '</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{run}</w:p></w:tc>')
_EMPTY_CELL = ('<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/><w:vAlign w:val="center"/>'
               '</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr></w:p></w:tc>')
_PLAIN_RUN = "<w:r><w:t>{}</w:t></w:r>"
_QUOTE = {'"': "&quot;"}


def _plain(text: str) -> bool:
    """Text that is one ``w:t`` as it is: no tab or break, no space to keep at either end
    and nothing XML cannot hold."""
    return text.isprintable() and text == text.strip()


def _replace(tc_pr: BaseOxmlElement, tag: str, index: int, value: object) -> None:
    """Put a fresh ``tag`` at ``index`` of a ``w:tcPr`` (schema order), with ``val``
    unless that is None (the default: a ``w:vMerge`` that continues)."""
    old = tc_pr.find(tag)
    if old is not None:
        tc_pr.remove(old)
    element = tc_pr.makeelement(tag, {} if value is None else {_W["val"]: str(value)})
    tc_pr.insert(index, element)


def _property(tr: BaseOxmlElement, tag: str, **attrs: str | int) -> None:
    """Set a row property (``w:trPr`` child, made when missing) in the order asked."""
    tr_pr = tr[0] if len(tr) and tr[0].tag == _W["trPr"] else None
    if tr_pr is None:
        tr_pr = tr.makeelement(_W["trPr"], {})
        tr.insert(0, tr_pr)
    child(tr_pr, tag, **attrs)


def write(cell: BaseOxmlElement, text: str, style_id: str = "GwFormCell", *,
          align: str | None = None) -> BaseOxmlElement:
    """Put ``text`` in ``cell``: into its first paragraph if empty, else a new one.
    Returns the paragraph (``w:p``)."""
    fresh = len(cell) == 2 and _empty(cell[1])
    paragraph = cell[1] if fresh else etree.SubElement(cell, _W["p"])
    for old in paragraph.findall(_W["pPr"]):
        paragraph.remove(old)
    ppr = etree.SubElement(paragraph, _W["pPr"])
    etree.SubElement(ppr, _W["pStyle"], {_W["val"]: style_id})
    if align:
        etree.SubElement(ppr, _W["jc"], {_W["val"]: align})
    if text:
        add_run(paragraph, text)
    return paragraph


def _empty(paragraph: BaseOxmlElement) -> bool:
    """An empty cell's paragraph: bare, or only styled as the table's cells (a blank
    line written for handwriting has a text style, and is kept)."""
    if not len(paragraph):
        return True
    if len(paragraph) > 1 or paragraph[0].tag != _W["pPr"] or len(paragraph[0]) != 1:
        return False
    style = paragraph[0][0]
    return style.tag == _W["pStyle"] and style.get(_W["val"]) in CELL_SIZES


def keep_with_next(paragraph: BaseOxmlElement) -> None:
    """The paragraph (``w:p``) stays on the page of the next one."""
    ppr = paragraph.find(_W["pPr"])
    if ppr is None:
        ppr = paragraph.makeelement(_W["pPr"], {})
        paragraph.insert(0, ppr)
    if ppr.find(_W["keepNext"]) is None:
        # schema order: w:pStyle, then w:keepNext
        at = 1 if len(ppr) and ppr[0].tag == _W["pStyle"] else 0
        ppr.insert(at, ppr.makeelement(_W["keepNext"], {}))


def keep_together(sub: Subdoc) -> None:
    """Every paragraph of ``sub`` but its last keeps with the next: a table's tail
    (notes, signature) stays on one page, and with the table's last rows."""
    found = sub.element.body.findall(_W["p"])
    for paragraph in found[:-1]:
        keep_with_next(paragraph)


def add_run(paragraph: BaseOxmlElement, text: str, *, underline: bool = False
            ) -> BaseOxmlElement:
    """Append a run of ``text`` as python-docx writes one: a tab is ``w:tab``, a line
    break ``w:br``, and text with space at either end keeps it."""
    run = etree.SubElement(paragraph, _W["r"])
    if underline:
        etree.SubElement(etree.SubElement(run, _W["rPr"]), _W["u"], {_W["val"]: "single"})
    for piece in _SPECIAL.split(text) if _SPECIAL.search(text) else (text,):
        if piece == "\t":
            etree.SubElement(run, _W["tab"])
        elif piece in ("\r", "\n"):
            etree.SubElement(run, _W["br"])
        elif piece:
            t = etree.SubElement(run, _W["t"], _PRESERVE if len(piece.strip()) < len(piece)
                                 else {})
            t.text = piece
    return run


def valign(cell: BaseOxmlElement, where: str) -> None:
    cell[0].find(_W["vAlign"]).set(_W["val"], where)


def paragraphs(text: str | None) -> list[str]:
    """Paragraphs of a text written in YAML: a blank line separates them, and a line
    break inside one is only the writer's wrapping (joined without a space, as Chinese
    is; with one between two Latin words)."""
    result = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        joined = ""
        for line in lines:
            latin = joined[-1:].isascii() and joined[-1:].isalnum() and line[0].isascii()
            joined += (" " if latin else "") + line
        if joined:
            result.append(joined)
    return result


def underline_blank(paragraph: BaseOxmlElement, chars: int) -> None:
    """An underlined run of full-width spaces: a line to sign or write on.

    A word joiner ends it, because LibreOffice drops trailing spaces (and their
    underline) at the end of a right-aligned line.
    """
    add_run(paragraph, FULL_WIDTH_SPACE * chars + WORD_JOINER, underline=True)


def info_line(sub: Subdoc, left: str, right: str, width_mm: float) -> DocxParagraph:
    """One line with ``left`` flush left and ``right`` flush right (a right tab stop)."""
    paragraph = sub.add_paragraph(left)
    ppr = paragraph._p.get_or_add_pPr()
    child(ppr, "w:pStyle", val="GwFormInfo")
    tabs = child(ppr, "w:tabs")
    child(tabs, "w:tab", val="right", pos=mm_to_twips(width_mm))
    if right:
        run = paragraph.add_run()
        child(run._r, "w:tab")
        paragraph.add_run(right)
    return paragraph


def sign_lines(sub: Subdoc, label: str, name: str | None, date_text: str) -> None:
    """Right-aligned 「label：name」 (an underlined blank without a name) and the date."""
    paragraph = sub.add_paragraph(label)
    child(paragraph._p.get_or_add_pPr(), "w:pStyle", val="GwFormSign")
    if name:
        paragraph.add_run(name)
    else:
        underline_blank(paragraph._p, conventions.FORM_SIGNATURE_BLANK_CHARS)
    dated = sub.add_paragraph(date_text)
    child(dated._p.get_or_add_pPr(), "w:pStyle", val="GwFormSign")
