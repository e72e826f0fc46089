"""Tables in the 正文 and on 附件 pages: ruled, as wide as the 版心, each column as wide
as its content asks (:func:`column_widths`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from docx.shared import Twips
from docx.table import Table as DocxTable
from docxtpl.subdoc import Subdoc

from . import standard
from .cells import printed_cells
from .ooxml import border, child

#: a body table's column that fits this many characters keeps its header on one line
_HEADER_KEPT_CELLS = 6


def column_widths(header: Sequence[str], rows: Sequence[Sequence[str]], total: int,
                  char: int, padding: int) -> list[int]:
    """Widths (twips, summing to ``total``) that follow the content, as Word's autofit
    does: a column gets what its longest text needs when that is no more than its fair
    share; what is left is shared by the wider columns in proportion to their text, so
    a long column wraps instead of three columns wrapping alike.  ``char`` is one
    character cell, ``padding`` a cell's left and right margins.  A text is as wide as
    its widest line printed (:func:`~gongwen.layout.cells.printed_cells`)."""
    lines = [list(header), *map(list, rows)]
    count = max(len(line) for line in lines)
    texts = [[line[i] if i < len(line) else "" for line in lines] for i in range(count)]
    natural = [math.ceil(max(printed_cells(t) for t in column) * char) + padding
               for column in texts]
    floor = [min(n, math.ceil(max(2.0, min(printed_cells(column[0]), _HEADER_KEPT_CELLS)) * char)
                 + padding) for n, column in zip(natural, texts, strict=True)]
    if sum(natural) <= total:  # all fit on one line: spare room in proportion
        shares = [total * n / sum(natural) for n in natural]
    elif sum(floor) >= total:  # too many columns for any to have its way
        shares = [total * f / sum(floor) for f in floor]
    else:
        shares = [0.0] * count
        open_columns = set(range(count))
        remaining = float(total)
        while open_columns:
            fair = remaining / len(open_columns)
            narrow = {i for i in open_columns if natural[i] <= fair}
            if not narrow:
                wanted = sum(natural[i] for i in open_columns)
                below = {i for i in open_columns if remaining * natural[i] / wanted < floor[i]}
                if not below:
                    for i in open_columns:
                        shares[i] = remaining * natural[i] / wanted
                    break
                narrow, width_of = below, floor
            else:
                width_of = natural
            for i in narrow:
                shares[i] = float(width_of[i])
                remaining -= width_of[i]
            open_columns -= narrow
    widths = [int(share) for share in shares]
    widths[max(range(count), key=lambda i: shares[i])] += total - sum(widths)
    return widths


def table(sub: Subdoc, header: Sequence[str], rows: Sequence[Sequence[str]]) -> DocxTable:
    """A full-width ruled table, its columns as wide as their content asks
    (:func:`column_widths`); its header row repeats on every page it spans."""
    columns = max(len(header), *(len(r) for r in rows)) if rows else len(header)
    docx_table = sub.add_table(rows=1 + len(rows), cols=columns)
    _rule_all(docx_table)
    margin = standard.mm_to_twips(standard.BODY_TABLE_CELL_MARGIN_MM)
    margins = child(docx_table._tbl.tblPr, "w:tblCellMar")
    for side in ("left", "right"):
        child(margins, f"w:{side}", w=margin, type="dxa")
    size = round(standard.STRICT.style("GwTable").size * standard.TWIPS_PER_PT)
    padding = 2 * margin + size // 4
    widths = column_widths(header, rows, standard.mm_to_twips(standard.TEXT_BLOCK_WIDTH_MM),
                           char=size, padding=padding)
    for grid_col, width in zip(docx_table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = Twips(width)
    lines = [list(header), *map(list, rows)]
    for row_index, (row, values) in enumerate(zip(docx_table.rows, lines, strict=True)):
        if row_index == 0:
            child(row._tr.get_or_add_trPr(), "w:tblHeader")
        child(row._tr.get_or_add_trPr(), "w:cantSplit")
        for col, cell in enumerate(row.cells):
            cell.width = Twips(widths[col])
            paragraph = cell.paragraphs[0]
            text = values[col] if col < len(values) else ""
            paragraph.text = text
            ppr = paragraph._p.get_or_add_pPr()
            child(ppr, "w:pStyle", val="GwTable")
            if row_index == 0:
                for run in paragraph.runs:
                    run.bold = True
                # the header row goes over with the first row: never alone at a page's
                # foot, where LibreOffice 25.2 (cantSplit rows) also drops every row after it
                child(ppr, "w:keepNext")
            elif math.ceil(printed_cells(text) * size) + padding > widths[col]:
                # a text that wraps reads as a paragraph: justified, not a centred stack
                child(ppr, "w:jc", val="both")
    return docx_table


def _rule_all(docx_table: DocxTable, width_mm: float = standard.END_RULE_THIN_MM) -> None:
    tbl_pr = docx_table._tbl.tblPr
    child(tbl_pr, "w:tblW", w=standard.mm_to_twips(standard.TEXT_BLOCK_WIDTH_MM), type="dxa")
    child(tbl_pr, "w:jc", val="center")
    borders = child(tbl_pr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border(borders, side, width_pt=standard.mm_to_pt(width_mm), color=standard.BLACK)
