"""Layout rules that depend on the data, written into docxtpl sub-documents.

The template fixes styles; this module decides which style each piece of text takes
and the geometry the standard ties to the text itself: the 附件说明's hanging indent,
署名 and 成文日期 aligned to each other, the 版记 rules at the bottom of the last page.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Collection, Sequence

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Twips
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docxtpl import DocxTemplate, InlineImage, RichText
from docxtpl.subdoc import Subdoc

from ..text import Block, Heading, ListItem, Paragraph, Table, format_date
from . import conventions, standard
from .bodytable import table
from .cells import autospaced_cells, latin_width_pt, text_cells
from .ooxml import border, child
from .standard import chars_to_twips

#: the title's 二号 characters that fit one line of the text block
TITLE_CELLS_PER_LINE = math.floor(
    standard.mm_to_pt(standard.TEXT_BLOCK_WIDTH_MM) / standard.ERHAO
)
#: a title line may break after these characters (never inside a word we can't see)
_TITLE_BREAK_AFTER = "的与和及、》”"
_TITLE_BREAK_BEFORE = re.compile(r"(?<=.)关于")
HEADING_STYLES = {1: "GwHeading1", 2: "GwHeading2", 3: "GwHeading3", 4: "GwHeading4"}
FULL_WIDTH_COLON = "："


def styled(sub: Subdoc, text: str, style_id: str) -> DocxParagraph:
    """Append a paragraph in style ``style_id`` (the template's id, not its name)."""
    paragraph = sub.add_paragraph(text)
    child(paragraph._p.get_or_add_pPr(), "w:pStyle", val=style_id)
    return paragraph


def blank(sub: Subdoc, lines: int = 1) -> None:
    for _ in range(lines):
        styled(sub, "", "GwBody")


def body(tpl: DocxTemplate, blocks: Sequence[Block], *, keep_end_with_next: bool = False
         ) -> Subdoc:
    """The 正文: headings numbered by the text layer, paragraphs, lists, tables; a
    paragraph that opens a table with 「：」 stays on the table's page.

    ``keep_end_with_next``: the last paragraph (or a closing table's last row) keeps with
    what follows, the 署名 and 成文日期 (GB/T 9704 7.3.5), so that no page starts with the
    署名 and none holds it without body text above it.  LibreOffice then moves the whole
    paragraph; Word, with widow control on it, its last two lines."""
    sub = tpl.new_subdoc()
    tail: list[DocxParagraph] = []
    for block in blocks:
        if isinstance(block, Heading):
            tail = [styled(sub, block.full_text, HEADING_STYLES[block.level])]
        elif isinstance(block, Paragraph):
            tail = [styled(sub, block.text, "GwBody")]
        elif isinstance(block, ListItem):
            marker = f"{block.number}." if block.ordered and block.number else ""
            tail = [styled(sub, marker + block.text, "GwListItem")]
        elif isinstance(block, Table):
            if len(tail) == 1 and tail[0].text.endswith(("：", ":")):
                keep_with_next(tail[0])  # 「…如下：」 goes over with the table it opens
            last_row = table(sub, block.header, block.rows).rows[-1]
            tail = [paragraph for cell in last_row.cells for paragraph in cell.paragraphs]
    if keep_end_with_next:
        for paragraph in tail:
            child(keep_with_next(paragraph)._p.get_or_add_pPr(), "w:widowControl", val=1)
    return sub


def keep_with_next(paragraph: DocxParagraph) -> DocxParagraph:
    """No page break between ``paragraph`` and the next one."""
    child(paragraph._p.get_or_add_pPr(), "w:keepNext")
    return paragraph


def closing(
    tpl: DocxTemplate,
    *,
    attachments: Sequence[str],
    signature: str | None,
    date: object | None,
    note: str | None,
    sign: Callable[[Subdoc, str, str], None] | None = None,
) -> Subdoc:
    """附件说明, 署名, 成文日期 and 附注, each a blank line apart as the standard says.

    ``sign`` writes the 署名 and 成文日期 (default: without a seal, 7.3.5.2).

    Everything down to the 附注 (or the 成文日期, the last 附件说明 line) keeps with the
    next paragraph: with the body's last paragraph keeping with the closing
    (:func:`body`), they move to a new page together, never alone (7.3.5), and the
    附注 stays on the line under the date (7.3.6) rather than alone on a page of its own."""
    sub = tpl.new_subdoc()
    if attachments:
        blank(sub)
        _attachment_note(sub, attachments)
    if signature or date:
        blank(sub, standard.SIGNATURE_LINES_BELOW_BODY)
        (sign or _signature)(sub, signature or "", format_date(date) if date else "")
    if note:
        text = note if note.startswith("（") else f"（{note}）"
        styled(sub, text, "GwNote")
    paragraphs = sub.paragraphs
    kept = [i for i, p in enumerate(paragraphs) if _style_id(p) in CLOSING_STYLES]
    for paragraph in paragraphs[:max(kept, default=0)]:
        keep_with_next(paragraph)
    return sub


#: the closing's paragraphs that stay with the body's last lines
CLOSING_STYLES = ("GwAttachments", "GwSignature", "GwDate", "GwNote")


def has_closing(attachments: Sequence[str], signature: str | None, date: object | None
                ) -> bool:
    """Whether :func:`closing` writes a 附件说明, 署名 or 成文日期 the body must keep with."""
    return bool(attachments or signature or date)


def _style_id(paragraph: DocxParagraph) -> str | None:
    style = paragraph._p.pPr.find(qn("w:pStyle")) if paragraph._p.pPr is not None else None
    return style.get(qn("w:val")) if style is not None else None


#: a number the data put before an attachment's name itself: 「1. 」「2．」「3、」
_OWN_NUMBER = re.compile(r"^\s*\d+\s*[.．、]\s*")


def attachment_name(name: str) -> str:
    """An attachment's name as printed: no number of its own (gongwen numbers them) and
    no punctuation after it (GB/T 9704 7.3.4)."""
    return _OWN_NUMBER.sub("", name.strip()).rstrip("。．.，,；;")


def _attachment_note(sub: Subdoc, names: Sequence[str]) -> None:
    """「附件：」 + name, or 「附件：1.名称」 numbered names aligned under the first one:
    「1.」 touches the name as in the standard's example and as the 「1.」 headings do.
    A long name's later lines start under its first character, past its 「1.」 (7.3.4)."""
    label = "附件" + FULL_WIDTH_COLON
    if len(names) == 1:
        styled(sub, label + attachment_name(names[0]), "GwAttachments")
        return
    style = standard.STRICT.style("GwAttachments")
    for index, name in enumerate(names, start=1):
        clean = attachment_name(name)
        paragraph = styled(sub, f"{label if index == 1 else ''}{index}.{clean}", "GwAttachments")
        number = round(latin_width_pt(f"{index}.", style.size, standard.BODY_TRACKING_PT)
                       * standard.TWIPS_PER_PT)
        ind = child(paragraph._p.get_or_add_pPr(), "w:ind")
        ind.set(qn("w:left"), str(chars_to_twips(style.left_chars) + number))
        # later items start where the first item's number starts
        label_twips = chars_to_twips(-style.first_line_chars) if index == 1 else 0
        ind.set(qn("w:hanging"), str(label_twips + number))


def _signature(sub: Subdoc, name: str, date_text: str) -> None:
    """No seal: name right-aligned 2 cells in; the date starts 2 cells right of it.

    The date is placed by its left edge (its width depends on digit widths and the
    gaps renderers add between scripts); when the date is the longer one, the name
    moves left so the date still ends 2 cells in.
    """
    name_right, start = signature_indents(name, date_text)
    if name:
        _right_indent(styled(sub, name, "GwSignature"), name_right)
    if not date_text:
        return
    paragraph = styled(sub, date_text, "GwDate")
    if not name:
        _right_indent(paragraph, standard.SIGNATURE_RIGHT_INDENT_CHARS)
        return
    place_date(paragraph, start)


def signature_indents(name: str, date_text: str) -> tuple[float, float]:
    """(the 署名's right indent, the 成文日期's left indent) in character cells, for the
    无印章 layout: the name right-aligned two cells in, the date starting two cells right
    of the name's first character; a longer date ends two cells in and pushes the name
    left."""
    indent, offset = standard.SIGNATURE_RIGHT_INDENT_CHARS, standard.DATE_OFFSET_CHARS
    date_cells = autospaced_cells(date_text)
    name_cells = text_cells(name)
    name_right = max(float(indent), indent + offset + date_cells - name_cells)
    return name_right, standard.CHARS_PER_LINE - name_right - name_cells + offset


def place_date(paragraph: DocxParagraph, start: float) -> None:
    """The 成文日期 set flush left ``start`` cells in (see :func:`signature_indents`)."""
    ppr = paragraph._p.get_or_add_pPr()
    child(ppr, "w:ind", left=chars_to_twips(start), right=0)
    child(ppr, "w:jc", val="left")


def right_indent(paragraph: DocxParagraph, cells: float) -> None:
    """A right indent of ``cells`` character cells (the 署名's)."""
    _right_indent(paragraph, cells)


def _right_indent(paragraph: DocxParagraph, cells: float) -> None:
    child(paragraph._p.get_or_add_pPr(), "w:ind", right=chars_to_twips(cells))


def end_block(
    tpl: DocxTemplate, *, cc: Sequence[str], printer: str | None, print_date: object | None
) -> Subdoc:
    """版记: 抄送 and 印发 between thick rules, thin rules between, at the page bottom."""
    sub = tpl.new_subdoc()
    rows: list[tuple[str, str]] = []
    if cc:
        rows.append(("抄送" + FULL_WIDTH_COLON + "，".join(cc) + "。", ""))
    if printer or print_date:
        when = f"{format_date(print_date)}印发" if print_date else ""
        rows.append((printer or "", when))
    if not rows:
        return sub
    docx_table = sub.add_table(rows=len(rows), cols=2)
    _float_to_page_bottom(docx_table)
    thick = standard.mm_to_pt(standard.END_RULE_THICK_MM)
    thin = standard.mm_to_pt(standard.END_RULE_THIN_MM)
    borders = child(docx_table._tbl.tblPr, "w:tblBorders")
    border(borders, "top", width_pt=thick, color=standard.BLACK)
    border(borders, "bottom", width_pt=thick, color=standard.BLACK)
    border(borders, "insideH", width_pt=thin, color=standard.BLACK)
    for side in ("left", "right", "insideV"):
        child(borders, f"w:{side}", val="nil")
    half = standard.mm_to_twips(standard.TEXT_BLOCK_WIDTH_MM) // 2
    for row, (left, right) in zip(docx_table.rows, rows, strict=True):
        child(row._tr.get_or_add_trPr(), "w:cantSplit")
        left_cell, right_cell = row.cells
        if not right:  # 抄送 spans the whole row
            left_cell = left_cell.merge(right_cell)
        left_cell.paragraphs[0].text = left
        child(left_cell.paragraphs[0]._p.get_or_add_pPr(), "w:pStyle", val="GwEndBlock")
        if right:
            left_cell.width = right_cell.width = Twips(half)
            paragraph = right_cell.paragraphs[0]
            paragraph.text = right
            ppr = paragraph._p.get_or_add_pPr()
            child(ppr, "w:pStyle", val="GwEndBlock")
            child(ppr, "w:jc", val="right")
    return sub


def _float_to_page_bottom(docx_table: DocxTable) -> None:
    """Anchor the table to the bottom of the text block, full width, centred."""
    tbl_pr = docx_table._tbl.tblPr
    position = OxmlElement("w:tblpPr")
    for name, value in (("leftFromText", 0), ("rightFromText", 0), ("vertAnchor", "margin"),
                        ("horzAnchor", "margin"), ("tblpXSpec", "center"),
                        ("tblpYSpec", "bottom")):
        position.set(qn(f"w:{name}"), str(value))
    tbl_pr.insert(0, position)
    child(tbl_pr, "w:tblW", w=standard.mm_to_twips(standard.TEXT_BLOCK_WIDTH_MM), type="dxa")
    margins = child(tbl_pr, "w:tblCellMar")
    for side in ("left", "right"):
        child(margins, f"w:{side}", w=0, type="dxa")


def title_lines(title: str, cells_per_line: int = TITLE_CELLS_PER_LINE,
                breaks: Collection[int] = ()) -> list[str]:
    """Break a long title into balanced lines at likely word boundaries.

    Explicit line breaks in the data win; otherwise lines are kept within the text
    block and as even as the break points allow (a trapezoid, longest line first).
    ``cells_per_line`` is for a title set in another size than 二号, ``breaks`` for
    indices where the caller knows a word ends (the parts a title is made of).
    """
    if "\n" in title:
        return [line.strip() for line in title.splitlines() if line.strip()]
    cells = text_cells(title)
    if cells <= cells_per_line:
        return [title]
    count = math.ceil(cells / cells_per_line)
    target = len(title) / count
    candidates = [i + 1 for i, ch in enumerate(title[:-1]) if ch in _TITLE_BREAK_AFTER]
    candidates += [match.start() for match in _TITLE_BREAK_BEFORE.finditer(title)]
    candidates += [i for i in breaks if 0 < i < len(title)]
    fitting = [i for i in candidates
               if text_cells(title[:i]) <= cells_per_line
               and text_cells(title[i:]) <= cells_per_line * (count - 1)]
    cut = (min(fitting, key=lambda i: (abs(i - target), -i)) if fitting
           else min(len(title) - 1, math.ceil(target)))
    return [title[:cut], *title_lines(title[cut:], cells_per_line,
                                      [i - cut for i in breaks if i > cut])]


def fitted_size(lines: Sequence[str], size: float, share: float) -> float:
    """``size`` pt, shrunk so that the longest of ``lines`` stays on one line within
    ``share`` of the text block."""
    width_pt = standard.mm_to_pt(standard.TEXT_BLOCK_WIDTH_MM) * share
    return min(size, width_pt / max(max(map(text_cells, lines)), 1))


def mark_size(lines: Sequence[str]) -> float:
    """The 发文机关标志's size in pt: the common size, shrunk so that the longest of its
    lines stays on one line."""
    return fitted_size(lines, standard.MARK_SIZE, standard.MARK_MAX_WIDTH_SHARE)


def mark_text(tpl: DocxTemplate, text: str) -> RichText:
    """The 发文机关标志 at the common size, shrunk so a long name stays on one line."""
    return RichText(text, size=round(mark_size([text]) * 2))
# --- 简报 (briefing) ---------------------------------------------------------------


def fitted_text(text: str, size: float, share: float) -> RichText:
    """``text`` at ``size`` pt, shrunk so that it stays on one line within ``share`` of
    the text block (a 报头 name is never wrapped)."""
    return RichText(text, size=round(fitted_size([text], size, share) * 2))


def picture_size(px_width: int, px_height: int, width_mm: float | None = None
                 ) -> tuple[float, float]:
    """A photo's printed (width, height) in mm: the requested width (the text block's by
    default), never wider than the text block nor taller than the briefing's limit,
    with the pixels' aspect ratio kept."""
    if px_width <= 0 or px_height <= 0:
        raise ValueError("a picture needs a positive size in pixels")
    aspect = px_height / px_width
    width = min(width_mm or standard.TEXT_BLOCK_WIDTH_MM, standard.TEXT_BLOCK_WIDTH_MM)
    height = width * aspect
    if height > conventions.BRIEFING_PICTURE_MAX_HEIGHT_MM:
        height = conventions.BRIEFING_PICTURE_MAX_HEIGHT_MM
        width = height / aspect
    return width, height


def distribution_line(label: str, names: Sequence[str]) -> str:
    """「报：甲，乙。」: the names after a label, separated and closed as 抄送 is."""
    cleaned = [name.rstrip("。．.，,；;、") for name in names if name.strip()]
    return label + FULL_WIDTH_COLON + "，".join(cleaned) + "。"


def tail_block(tpl: DocxTemplate, *, lines: Sequence[tuple[str, Sequence[str]]],
               copies: int | None) -> Subdoc:
    """报尾: 「报：」「送：」「发：」 lines and 「（共印X份）」 between two rules, floated
    to the bottom of the last page as the 版记 is.  Empty lines are left out; a name
    list that wraps lines up after its label."""
    sub = tpl.new_subdoc()
    rows = [(distribution_line(label, names), "left") for label, names in lines if names]
    if copies:
        rows.append((f"（共印{copies}份）", "right"))
    if not rows:
        return sub
    docx_table = sub.add_table(rows=len(rows), cols=1)
    _float_to_page_bottom(docx_table)
    thick = standard.mm_to_pt(standard.END_RULE_THICK_MM)
    borders = child(docx_table._tbl.tblPr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):  # schema order
        if side in ("top", "bottom"):
            border(borders, side, width_pt=thick, color=standard.BLACK)
        else:
            child(borders, f"w:{side}", val="nil")
    label_twips = round(2 * conventions.BRIEFING_TAIL_SIZE * standard.TWIPS_PER_PT)  # 「报：」
    indent = chars_to_twips(standard.END_BLOCK_INDENT_CHARS)
    for row, (text, align) in zip(docx_table.rows, rows, strict=True):
        child(row._tr.get_or_add_trPr(), "w:cantSplit")
        cell = row.cells[0]
        cell.width = Twips(standard.mm_to_twips(standard.TEXT_BLOCK_WIDTH_MM))
        paragraph = cell.paragraphs[0]
        paragraph.text = text
        ppr = paragraph._p.get_or_add_pPr()
        child(ppr, "w:pStyle", val="GwBriefingTail")
        if align == "right":
            child(ppr, "w:jc", val="right")
        else:
            child(ppr, "w:ind", left=indent + label_twips, right=indent, hanging=label_twips)
    return sub


class _FlushImage(InlineImage):
    """An inline picture without wrap distances: LibreOffice reads missing ones as
    0.32 cm a side, which pushes a picture as wide as the text block past its edge."""

    def _insert_image(self) -> str:
        xml = super()._insert_image()
        return xml.replace("<wp:inline ", '<wp:inline distT="0" distB="0" distL="0" distR="0" ',
                           1)


def picture(tpl: DocxTemplate, blob: bytes, width_mm: float, height_mm: float) -> InlineImage:
    """An inline picture of exactly ``width_mm`` × ``height_mm`` for a template tag."""
    return _FlushImage(tpl, io.BytesIO(blob), width=Mm(width_mm), height=Mm(height_mm))
