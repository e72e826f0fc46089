"""Small DOCX files for the gongwen.convert tests, built with python-docx.

Each uses the official font names the way gongwen's templates do: on ``w:eastAsia`` as
well as the Latin slots (python-docx's ``font.name`` sets only the Latin ones).
"""

from __future__ import annotations

import io
import struct
import zlib

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from gongwen.layout import standard

#: text no GB 2312 face has: an Extension-B ideograph and a rare BMP one
RARE_CHARS = "𠮷㛃"
FACE_LINES = (
    (standard.XIAOBIAOSONG, "关于开展专项检查的通知"),
    (standard.FANGSONG, f"仿宋正文吉{RARE_CHARS}"),
    (standard.HEITI, "一、黑体一级标题"),
    (standard.KAITI, "（一）楷体二级标题"),
    (standard.SONGTI, "宋体页码文字"),
)


def set_run_font(run, face: str, size_pt: float = standard.SANHAO) -> None:
    """Put ``face`` on all four w:rFonts slots of ``run``."""
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), face)
    run.font.size = Pt(size_pt)


def _field(paragraph, instr: str) -> None:
    """Append a simple field (PAGE, NUMPAGES) drawn in the page-number font."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), f" {instr} ")
    paragraph._p.append(simple)
    run = paragraph.add_run("1")
    set_run_font(run, standard.PAGE_NUMBER_FONT, standard.PAGE_NUMBER_SIZE)
    simple.append(run._r)


def template_bytes(page_field: str = "PAGE") -> bytes:
    """An empty 公文 page set-up: A4, the standard's margins, odd/even page numbers."""
    doc = Document()
    section = doc.sections[0]
    section.page_width = Twips(standard.mm_to_twips(standard.PAGE_WIDTH_MM))
    section.page_height = Twips(standard.mm_to_twips(standard.PAGE_HEIGHT_MM))
    section.top_margin = Twips(standard.mm_to_twips(standard.MARGIN_TOP_MM))
    section.bottom_margin = Twips(standard.mm_to_twips(standard.MARGIN_BOTTOM_MM))
    section.left_margin = Twips(standard.mm_to_twips(standard.MARGIN_LEFT_MM))
    section.right_margin = Twips(standard.mm_to_twips(standard.MARGIN_RIGHT_MM))
    doc.settings.odd_and_even_pages_header_footer = True
    footers = ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
               (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT))
    for footer, align in footers:
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        dash = paragraph.add_run(f"{standard.PAGE_NUMBER_DASH} ")
        set_run_font(dash, standard.PAGE_NUMBER_FONT, standard.PAGE_NUMBER_SIZE)
        _field(paragraph, page_field)
        tail = paragraph.add_run(f" {standard.PAGE_NUMBER_DASH}")
        set_run_font(tail, standard.PAGE_NUMBER_FONT, standard.PAGE_NUMBER_SIZE)
    body = doc.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def sample_docx(
    number: int = 1, pages: int = 1, *, template: bytes | None = None, faces: bool = True
) -> bytes:
    """A document from ``template``: a title naming ``number``, the face lines, and
    ``pages`` pages (page breaks between them)."""
    doc = Document(io.BytesIO(template or template_bytes()))
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(title.add_run(f"第{number}号文件"), standard.XIAOBIAOSONG, standard.ERHAO)
    for page in range(pages):
        if page:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        lines = FACE_LINES if faces else ((standard.FANGSONG, "正文"),)
        for face, text in lines:
            paragraph = doc.add_paragraph()
            set_run_font(paragraph.add_run(f"{text}（文{number}页{page + 1}）"), face)
        latin = doc.add_paragraph().add_run(f"Times New Roman 2024 No.{number}")
        set_run_font(latin, standard.LATIN_FONT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def png_bytes(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (200, 0, 0)) -> bytes:
    """A small solid-colour PNG, made without an imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def with_picture(docx: bytes, picture: bytes) -> bytes:
    """``docx`` with ``picture`` added as an inline image at the end."""
    doc = Document(io.BytesIO(docx))
    doc.add_paragraph().add_run().add_picture(io.BytesIO(picture), width=Mm(20))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
