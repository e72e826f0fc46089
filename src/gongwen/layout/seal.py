"""The 加盖印章 closing (GB/T 9704 7.3.5.1): 成文日期 right-aligned four characters in,
the 署名 centred over it, the seal pressing on both; 联合行文, a seal for each organ.

A seal is the user's picture at the size the data gives (a seal is cut at a fixed size,
e.g. 42 mm, so it is never scaled to fit).  It floats behind the text, anchored to the
blank line between the body and the 署名, its top within that line (within one line of
the body, as the standard asks), and placed so that the date's line lies in its lower
part, the glyphs' bottom :data:`~gongwen.layout.standard.SEAL_BELOW_DATE_MM` above the
seal's edge: a bigger seal moves the 署名 and date down by whole blank lines, and the
seal's top within its line takes up the rest.  The 署名 and date then sit below the
seal's centre (「居印章中心偏下位置」).  Horizontally the seal is centred on the date.

Joint documents put the seals side by side, :data:`~gongwen.layout.standard.JOINT_SEAL_GAP_MM`
apart, the last over the date; each organ's name is centred under its seal — on one line
when the names fit between the seals' centres, else one under the other in order.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence

from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.shared import Mm, Twips
from docx.text.paragraph import Paragraph as DocxParagraph
from docxtpl.subdoc import Subdoc

from . import standard
from .cells import autospaced_cells, text_cells
from .ooxml import child
from .rules import styled
from .standard import EMU_PER_MM

#: LibreOffice puts the baseline of an exactly spaced line at 4/5 of its height, and the
#: Chinese glyphs' bottom 0.19 em under it (FandolFang, measured on the PDF)
_BASELINE_SHARE = 0.8
_GLYPH_BOTTOM_EM = 0.19
#: names side by side keep at least this many cells between them
_NAME_GAP_CELLS = 1.0

_ANCHOR = (
    '<wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="1" '
    'locked="0" layoutInCell="1" allowOverlap="1">'
    '<wp:simplePos x="0" y="0"/>'
    '<wp:positionH relativeFrom="margin"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
    '<wp:positionV relativeFrom="paragraph"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
    '<wp:wrapNone/></wp:anchor>'
)


def sealed_signature(blob: bytes, size_mm: float) -> Callable[[Subdoc, str, str], None]:
    """A writer of the 署名 and 成文日期 under the seal ``blob`` (PNG/JPEG) ``size_mm``
    wide, for :func:`gongwen.layout.rules.closing`'s ``sign``."""
    return joint_sealed_signature([blob], size_mm, None)


def seal_lines(size_mm: float, name_lines: int) -> tuple[int, float]:
    """(the blank lines between the body's blank line and the 署名, the seal's top below
    that blank line's top, mm) for a seal ``size_mm`` across over ``name_lines`` 署名
    lines: the date's glyphs end SEAL_BELOW_DATE_MM above the seal's lower edge, the seal's
    top stays within the blank line (a seal too small for that keeps its top there)."""
    pitch = standard.LINE_PITCH_MM
    glyph_bottom = _BASELINE_SHARE * pitch + _GLYPH_BOTTOM_EM * standard.ONE_CHAR_MM
    reach = size_mm - standard.SEAL_BELOW_DATE_MM - glyph_bottom  # seal top → date line top
    date_line = max(name_lines + 1, math.ceil(reach / pitch))
    top = date_line * pitch - reach
    return date_line - 1 - name_lines, min(top, pitch)


def seal_centres(count: int, size_mm: float, date_text: str) -> list[float]:
    """Each seal's centre, mm right of the 版心's left edge: the last over the 成文日期
    (right-aligned four characters in), the others to its left, JOINT_SEAL_GAP_MM apart."""
    date_cells = autospaced_cells(date_text)
    last = (standard.CHARS_PER_LINE - standard.SEALED_DATE_RIGHT_INDENT_CHARS
            - date_cells / 2) * standard.CHAR_PITCH_MM
    step = size_mm + standard.JOINT_SEAL_GAP_MM
    return [last - (count - 1 - index) * step for index in range(count)]


def joint_sealed_signature(blobs: Sequence[bytes], size_mm: float,
                           names: Sequence[str] | None) -> Callable[[Subdoc, str, str], None]:
    """The 署名 ``names`` (None: the one 署名 :func:`closing` gives), each under its seal
    ``blobs`` in order, and the 成文日期 under the last."""

    def sign(sub: Subdoc, name: str, date_text: str) -> None:
        signed = list(names) if names is not None else [name]
        centres = seal_centres(len(blobs), size_mm, date_text)
        side_by_side = len(signed) == 1 or all(
            (text_cells(a) + text_cells(b)) / 2 + _NAME_GAP_CELLS
            <= (right - left) / standard.CHAR_PITCH_MM
            for a, b, left, right in zip(signed, signed[1:], centres, centres[1:], strict=False))
        rows = [signed] if side_by_side else [[n] for n in signed]
        blank, top = seal_lines(size_mm, len(rows))
        anchor = sub.paragraphs[-1] if sub.paragraphs else styled(sub, "", "GwBody")
        for blob, centre in zip(blobs, centres, strict=True):
            _float_seal(anchor, blob, size_mm, centre - size_mm / 2, top)
        for _ in range(blank):
            styled(sub, "", "GwBody")
        for index, row in enumerate(rows):
            at = centres if side_by_side else centres[index:index + 1]
            if any(row):
                _centred_at(styled(sub, "", "GwSignature"), row, at)
        if date_text:
            _indent(styled(sub, date_text, "GwDate"), right=standard.SEALED_DATE_RIGHT_INDENT_CHARS)

    return sign


def _centred_at(paragraph: DocxParagraph, texts: Sequence[str], centres_mm: Sequence[float]
                ) -> None:
    """``texts`` on one line, each centred on its position (centre tab stops)."""
    ppr = paragraph._p.get_or_add_pPr()
    child(ppr, "w:ind", left=0, right=0, firstLine=0)
    child(ppr, "w:jc", val="left")
    for text, centre in zip(texts, centres_mm, strict=True):
        half = text_cells(text) * standard.CHAR_PITCH_MM / 2  # a long name stays inside
        centre = min(max(centre, half), standard.TEXT_BLOCK_WIDTH_MM - half)
        paragraph.paragraph_format.tab_stops.add_tab_stop(
            Twips(standard.mm_to_twips(centre)), WD_TAB_ALIGNMENT.CENTER)
    paragraph.add_run("\t" + "\t".join(texts))


def _indent(paragraph: DocxParagraph, *, right: float) -> None:
    child(paragraph._p.get_or_add_pPr(), "w:ind", right=standard.chars_to_twips(right))


def _float_seal(paragraph: DocxParagraph, blob: bytes, size_mm: float, left_mm: float,
                top_mm: float) -> None:
    """The seal as a picture behind the text, its top ``top_mm`` below ``paragraph``'s
    top, its left edge ``left_mm`` right of the text block's."""
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(blob), width=Mm(size_mm))
    inline = run._r.find(".//{http://schemas.openxmlformats.org/drawingml/2006/"
                         "wordprocessingDrawing}inline")
    extent = inline.find("{http://schemas.openxmlformats.org/drawingml/2006/"
                         "wordprocessingDrawing}extent")
    anchor = parse_xml(_ANCHOR.format(x=round(left_mm * EMU_PER_MM), y=round(top_mm * EMU_PER_MM),
                                      cx=extent.get("cx"),
                                      cy=extent.get("cy")))
    wrap = anchor[-1]
    for element in list(inline):
        if element.tag.endswith("}extent") or element.tag.endswith("}effectExtent"):
            continue
        wrap.addnext(element)
        wrap = element
    inline.getparent().replace(inline, anchor)
