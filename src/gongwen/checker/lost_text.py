"""Text a DOCX holds that its PDF does not print.

LibreOffice can drop content without a word: a table whose header row ended a page lost
every row after it (rows that may not split, LibreOffice 25.2).  A reader of the PDF
cannot see what is missing, so the check compares the Chinese characters of the DOCX's
text with those the PDF prints; the PDF may print more (page headers, numbers), never less.
"""

from __future__ import annotations

import re
from collections import Counter

from .docx_rules import document_xml
from .report import Finding
from .rules import TEXT_LOST

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
#: CJK ideographs, the extensions included (𠮷 is U+20BB7)
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def docx_paragraphs(data: bytes) -> list[str] | None:
    """The visible text of each paragraph of the DOCX's body: hidden runs (w:vanish) and
    the fallback copy of a text box (mc:Fallback) left out; None when unreadable."""
    root = document_xml(data)
    if root is None:
        return None
    fallbacks = set(root.iter(f"{{{_MC}}}Fallback"))
    texts = []
    for paragraph in root.iter(f"{{{_W}}}p"):
        if any(ancestor in fallbacks for ancestor in paragraph.iterancestors()):
            continue
        parts = []
        for run in paragraph.iterchildren(f"{{{_W}}}r", f"{{{_W}}}hyperlink"):
            for text in run.iter(f"{{{_W}}}t"):
                owner = text.getparent()
                if owner.find(f"{{{_W}}}rPr/{{{_W}}}vanish") is None:
                    parts.append(text.text or "")
        texts.append("".join(parts))
    return texts


def pdf_text(pdf: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def lost_text_findings(docx: bytes, pdf: bytes, label: str) -> list[Finding]:
    """One finding when the PDF prints fewer of some Chinese character than the DOCX
    holds, naming the first paragraph whose text the PDF lacks."""
    paragraphs = docx_paragraphs(docx)
    if not paragraphs:
        return []
    printed = pdf_text(pdf)
    held = Counter(HAN.findall("".join(paragraphs)))
    missing = held - Counter(HAN.findall(printed))
    if not missing:
        return []
    flat = re.sub(r"\s+", "", printed)
    where = next((text for text in paragraphs
                  if HAN.search(text) and re.sub(r"\s+", "", text) not in flat
                  and any(ch in missing for ch in text)), "")
    return [Finding(TEXT_LOST, file=label, page=None, line=None,
                    excerpt=where[:20],
                    measured=f"{sum(missing.values())} of the DOCX's {sum(held.values())} "
                             "Chinese characters not in the PDF",
                    expected="every character of the DOCX printed",
                    hint="LibreOffice dropped text: a table row that may not split "
                         "(允许跨页断行 off) ending a page loses the rows after it; let the "
                         "rows split, or move the table off the page's foot")]
