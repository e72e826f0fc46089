"""A DOCX package held in memory, and the WordprocessingML details merging relies on.

Kept apart from :mod:`gongwen.convert.merge` so that the merge reads as the steps it
takes; everything here is about reading and placing OOXML elements correctly.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
O_RELID = "{urn:schemas-microsoft-com:office:office}relid"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_IMAGE = f"{R}/image"
REL_HYPERLINK = f"{R}/hyperlink"
REL_HEADER, REL_FOOTER = f"{R}/header", f"{R}/footer"
DOCUMENT, RELS = "word/document.xml", "word/_rels/document.xml.rels"
NUMBERING, STYLES = "word/numbering.xml", "word/styles.xml"
#: list levels a w:num can override (w:ilvl 0–8)
MAX_LIST_LEVELS = 9
#: named destination (Writer bookmark) that marks where document ``n`` starts
MARK_PREFIX = "_GwDoc"
#: bookmark ids of document ``n`` are shifted by ``n`` times this, so none collide
BOOKMARK_ID_STRIDE = 100_000
#: fields whose value would change once documents share one file
GLOBAL_FIELDS = re.compile(rb"\b(NUMPAGES|SECTIONPAGES|PAGEREF|NOTEREF|REF|TOC)\b")
#: the order of w:sectPr's children (ECMA-376 Part 1, 17.6.17), to insert in place
SECT_ORDER = [f"{{{W}}}{t}" for t in (
    "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
    "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign",
    "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
    "printerSettings", "sectPrChange")]
#: w:pPr's children in schema order (ECMA-376 Part 1, 17.3.1.26)
PPR_ORDER = [f"{{{W}}}{t}" for t in (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
    "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")]
#: block-level elements that can end a body
BLOCKS = [f"{{{W}}}{t}" for t in ("p", "tbl", "sdt", "customXml")]
#: ids of the document-start bookmarks, far above any id a document uses itself
MARK_ID_BASE = 900_000_000
UNSUPPORTED = ("footnoteReference", "endnoteReference", "commentReference", "altChunk",
                "subDoc")


def w(tag: str) -> str:
    """Clark notation for a WordprocessingML tag or attribute."""
    return f"{{{W}}}{tag}"


@dataclass
class Package:
    """A DOCX read into memory, with the parts merging needs parsed on demand."""

    name: str
    data: bytes
    _zip: zipfile.ZipFile = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._zip = zipfile.ZipFile(io.BytesIO(self.data))

    def names(self) -> list[str]:
        """The package's zip entries, in stored order."""
        return self._zip.namelist()

    def part(self, name: str) -> bytes | None:
        try:
            return self._zip.read(name)
        except KeyError:
            return None

    def part_digest(self, name: str) -> bytes:
        """A part's CRC-32 and size from the zip's directory: tells equal parts apart
        from different ones without inflating them (styles.xml alone is ~360 KB)."""
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            return b"-"
        return f"{info.CRC:08x}:{info.file_size};".encode()

    @cached_property
    def rels(self) -> dict[str, etree._Element]:
        """The main document's relationships by id."""
        raw = self.part(RELS)
        root = etree.fromstring(raw) if raw else etree.Element(f"{{{PKG_REL}}}Relationships")
        return {rel.get("Id"): rel for rel in root}

    def target(self, rel: etree._Element) -> str:
        """The zip name of an internal relationship's target."""
        return posixpath.normpath(posixpath.join("word", rel.get("Target")))

    @cached_property
    def header_footer_hashes(self) -> dict[str, str]:
        """Header/footer relationship id → digest of the part and of its own relationships."""
        digests = {}
        for rid, rel in self.rels.items():
            if rel.get("Type") in (REL_HEADER, REL_FOOTER):
                target = self.target(rel)
                own = posixpath.join(posixpath.dirname(target), "_rels",
                                     posixpath.basename(target) + ".rels")
                digest = hashlib.sha256(self.part_digest(target))
                digest.update(self.part_digest(own))
                digests[rid] = digest.hexdigest()
        return digests

    @cached_property
    def signature(self) -> str:
        """Equal for documents rendered from one template: styles, numbering, headers."""
        digest = hashlib.sha256()
        for name in (STYLES, NUMBERING):
            digest.update(self.part_digest(name))
        for value in sorted(self.header_footer_hashes.values()):
            digest.update(value.encode())
        settings = self.part("word/settings.xml") or b""
        digest.update(b"evenAndOdd" if b"evenAndOddHeaders" in settings else b"")
        return digest.hexdigest()

def _insert_ordered(parent: etree._Element, child: etree._Element, order: list[str]) -> None:
    """Insert ``child`` before the first sibling the schema's ``order`` puts after it."""
    rank = order.index(child.tag)
    for existing in parent:
        if existing.tag in order and order.index(existing.tag) > rank:
            existing.addprevious(child)
            return
    parent.append(child)


def sect_child(sect: etree._Element, tag: str) -> etree._Element:
    """w:sectPr's ``tag`` child, created in its schema place when missing."""
    found = sect.find(w(tag))
    if found is None:
        found = etree.Element(w(tag))
        _insert_ordered(sect, found, SECT_ORDER)
    return found


def paragraph_text(p: etree._Element) -> str:
    """A paragraph's text without surrounding white space."""
    return "".join(t.text or "" for t in p.iter(w("t"))).strip()


def ppr_of(p: etree._Element) -> etree._Element:
    """A paragraph's w:pPr, created when missing."""
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        p.insert(0, ppr)
    return ppr


def insert_in_ppr(ppr: etree._Element, child: etree._Element) -> None:
    """Insert ``child`` into w:pPr at the place the schema gives it."""
    _insert_ordered(ppr, child, PPR_ORDER)


def field_codes(root: etree._Element) -> bytes:
    """The field instructions in a part (complex and simple fields)."""
    codes = [el.text or "" for el in root.iter(w("instrText"))]
    codes += [el.get(w("instr"), "") for el in root.iter(w("fldSimple"))]
    return " ".join(codes).encode()




def to_xml(root: etree._Element) -> bytes:
    """A part's bytes with the declaration Word writes."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def style_numbering(styles_xml: bytes | None) -> tuple[dict[str, tuple[str, str]], str | None]:
    """Paragraph style id → (numId, ilvl) it numbers with, following w:basedOn; and the
    id of the default paragraph style."""
    if not styles_xml:
        return {}, None
    root = etree.fromstring(styles_xml)
    styles = {s.get(w("styleId")): s for s in root.iter(w("style"))
              if s.get(w("type")) == "paragraph"}
    default = next((k for k, s in styles.items() if s.get(w("default")) in ("1", "true")), None)

    def resolve(style_id: str, depth: int = 0) -> tuple[str, str] | None:
        style = styles.get(style_id)
        if style is None or depth > len(styles):
            return None
        numpr = style.find(f"{w('pPr')}/{w('numPr')}")
        if numpr is not None and numpr.find(w("numId")) is not None:
            ilvl = numpr.find(w("ilvl"))
            found = (numpr.find(w("numId")).get(w("val")),
                     ilvl.get(w("val")) if ilvl is not None else "0")
            return None if found[0] == "0" else found
        based = style.find(w("basedOn"))
        return resolve(based.get(w("val")), depth + 1) if based is not None else None

    numbers = {sid: found for sid in styles if (found := resolve(sid)) is not None}
    return numbers, default
