"""Small helpers over python-docx's lxml elements for what its API does not cover.

python-docx's ``font.name`` sets only ``w:ascii``/``w:hAnsi``; Chinese text is drawn
with ``w:eastAsia``, so every font here is set on all four slots explicitly.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.oxml import serialize_part_xml
from docx.opc.package import Unmarshaller
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI, PackURI
from docx.opc.part import Part, PartFactory, XmlPart
from docx.opc.pkgreader import PackageReader
from docx.opc.pkgwriter import _ContentTypesItem
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.package import Package

from . import standard

#: every zip entry of a DOCX gongwen writes carries this timestamp (deterministic output)
FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
#: OOXML border sizes are in eighths of a point
EIGHTHS_PER_PT = 8
#: templates whose parsed package a process keeps (built-in ones and a user's)
TEMPLATE_CACHE_SIZE = 16
#: entries up to this size that documents of a template repeat are deflated once
REUSE_MAX_BYTES = 64 * 1024
REUSE_ENTRIES = 32


def child(parent: BaseOxmlElement, tag: str, **attrs: str | int) -> BaseOxmlElement:
    """Return ``parent``'s first ``tag`` child (created when missing) with ``attrs`` set."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.append(element)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


def set_fonts(rpr: BaseOxmlElement, east_asia: str, latin: str | None = None) -> None:
    """Set the East-Asian font (the one Chinese text uses) and the Latin/digit font."""
    latin = latin or east_asia
    fonts = child(rpr, "w:rFonts")
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def half_points(pt: float) -> int:
    """OOXML font sizes are in half-points."""
    return round(pt * 2)


def border(
    parent: BaseOxmlElement, side: str, *, width_pt: float, color: str, space_pt: float = 0
) -> None:
    """Add a single-line border on ``side`` (top/bottom/left/right) of a pBdr/tcBorders."""
    element = child(parent, f"w:{side}")
    element.set(qn("w:val"), "single")
    element.set(qn("w:sz"), str(max(2, round(width_pt * EIGHTHS_PER_PT))))
    element.set(qn("w:space"), str(round(space_pt)))
    element.set(qn("w:color"), color)


def rule_width_pt(mm: float) -> float:
    return standard.mm_to_pt(mm)


# Children of these property elements must appear in schema order, or Word may refuse
# the file ("unreadable content"); gongwen adds them freely and sorts once at the end.
_PROPERTY_ORDER: dict[str, tuple[str, ...]] = {
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
            "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
            "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
            "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
            "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
            "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr",
            "pPrChange"),
    "rPr": ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
            "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
            "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight",
            "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
            "eastAsianLayout", "specVanish", "oMath"),
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
              "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
              "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription"),
}
_RANKS = {
    qn(f"w:{parent}"): {qn(f"w:{name}"): i for i, name in enumerate(order)}
    for parent, order in _PROPERTY_ORDER.items()
}


#: the part Word 2010 added beside styles.xml; python-docx's default template has one
STYLES_WITH_EFFECTS = "/stylesWithEffects"
THUMBNAIL = "/thumbnail"


def prune_styles(doc: DocxDocument, keep_prefix: str = "Gw") -> None:
    """Leave only the styles a document of gongwen can use: the defaults, those named
    ``keep_prefix…`` and what they are based on or linked to.  python-docx's default
    template brings ~190 built-in styles, their latent list and a second copy of them
    (stylesWithEffects.xml) — 800 KB of XML that LibreOffice reads for every document,
    about 25 ms each time, and that makes every DOCX three times its size.  The package's
    thumbnail goes too."""
    styles = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.iterfind(qn("w:style"))}
    wanted = [i for i, s in by_id.items()
              if i and (i.startswith(keep_prefix) or s.get(qn("w:default")) in ("1", "true"))]
    keep: set[str] = set()
    while wanted:
        style_id = wanted.pop()
        if style_id in keep or style_id not in by_id:
            continue
        keep.add(style_id)
        for tag in ("w:basedOn", "w:link", "w:next"):
            ref = by_id[style_id].find(qn(tag))
            if ref is not None:
                wanted.append(ref.get(qn("w:val")))
    for style_id, style in by_id.items():
        if style_id not in keep:
            styles.remove(style)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith(STYLES_WITH_EFFECTS):
            del doc.part.rels[rid]
    package_rels = doc.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith(THUMBNAIL):  # a picture of python-docx's own sample page
            del package_rels[rid]


def order_properties(root: BaseOxmlElement) -> None:
    """Sort the children of every pPr/rPr/tblPr under ``root`` into schema order."""
    for element in root.iter(*_RANKS):
        if len(element) < 2:
            continue
        rank = _RANKS[element.tag]
        children = list(element)
        ordered = sorted(children, key=lambda e: rank.get(e.tag, len(rank)))
        if ordered != children:
            for item in ordered:
                element.append(item)  # lxml moves an element that is appended again


def order_document(doc: object) -> None:
    """Schema-order the body, the styles and every header/footer of a python-docx doc."""
    order_properties(doc.element)  # type: ignore[attr-defined]
    order_properties(doc.styles.element)  # type: ignore[attr-defined]
    for section in doc.sections:  # type: ignore[attr-defined]
        for part in (section.header, section.footer, section.even_page_header,
                     section.even_page_footer, section.first_page_header,
                     section.first_page_footer):
            if not part.is_linked_to_previous:
                order_properties(part._element)


def make_deterministic(docx: bytes, entries_order: Iterable[str] | None = None) -> bytes:
    """Rewrite a DOCX zip with fixed entry times so equal input gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    names = list(entries_order) if entries_order is not None else source.namelist()
    return zip_archive((name, source.read(name)) for name in names)


# --- writing a package: one deterministic zip ----------------------------------------
# The layout is the one zipfile writes for a seekable file (APPNOTE.TXT 4.3), so that a
# DOCX written here is byte for byte what ``zipfile`` + :func:`make_deterministic` made.

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")
_ZIP_VERSION = 20  # 2.0: deflate
_ZIP_SYSTEM_UNIX = 3
_ZIP_UTF8_NAME = 0x800
_ZIP_FILE_MODE = 0o644 << 16
_DOS_TIME = FIXED_ZIP_TIME[3] << 11 | FIXED_ZIP_TIME[4] << 5 | FIXED_ZIP_TIME[5] // 2
_DOS_DATE = (FIXED_ZIP_TIME[0] - 1980) << 9 | FIXED_ZIP_TIME[1] << 5 | FIXED_ZIP_TIME[2]


def deflate(data: bytes) -> tuple[int, bytes]:
    """CRC-32 and raw deflate of ``data``, as zipfile compresses an entry."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -zlib.MAX_WBITS)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


def zip_archive(entries: Iterable[tuple[str, bytes]],
                deflated: Callable[[bytes], tuple[int, bytes]] = deflate) -> bytes:
    """A zip of ``entries`` (name, data) in their order, every entry deflated and dated
    :data:`FIXED_ZIP_TIME`.  ``deflated`` may answer from a cache for data it has seen."""
    out = io.BytesIO()
    central = []
    for name, data in entries:
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _ZIP_UTF8_NAME
        crc, packed = deflated(data)
        offset = out.tell()
        out.write(_LOCAL_HEADER.pack(b"PK\x03\x04", _ZIP_VERSION, 0, flags, zipfile.ZIP_DEFLATED,
                                     _DOS_TIME, _DOS_DATE, crc, len(packed), len(data),
                                     len(encoded), 0))
        out.write(encoded)
        out.write(packed)
        central.append(_CENTRAL_HEADER.pack(
            b"PK\x01\x02", _ZIP_VERSION, _ZIP_SYSTEM_UNIX, _ZIP_VERSION, 0, flags,
            zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, crc, len(packed), len(data),
            len(encoded), 0, 0, 0, 0, _ZIP_FILE_MODE, offset) + encoded)
    start = out.tell()
    out.write(b"".join(central))
    out.write(_END_RECORD.pack(b"PK\x05\x06", 0, 0, len(central), len(central),
                               out.tell() - start, start, 0))
    return out.getvalue()


# --- a template package read once, opened fresh for every document -------------------


class _Pristine:
    """Mixin for an XML part that keeps the template's bytes and parses them only when
    its element is first used: most parts of a template (styles, theme, numbering) are
    written out untouched, and parsing the styles alone costs more than a whole render."""

    _pristine: bytes
    _parsed: BaseOxmlElement | None = None

    @property
    def _element(self) -> BaseOxmlElement:
        if self._parsed is None:
            self._parsed = parse_xml(self._pristine)
        return self._parsed

    @_element.setter
    def _element(self, element: BaseOxmlElement) -> None:
        self._parsed = element

    @property
    def blob(self) -> bytes:
        return self._pristine if self._parsed is None else serialize_part_xml(self._parsed)


@functools.cache
def _pristine_class(part_class: type[XmlPart]) -> type[XmlPart]:
    return type(f"Pristine{part_class.__name__}", (_Pristine, part_class), {})


def _part_class(content_type: str, reltype: str) -> type[Part]:
    """The part class python-docx would load a part as (its PartFactory's choice)."""
    selector = PartFactory.part_class_selector
    chosen = selector(content_type, reltype) if selector is not None else None
    return chosen or PartFactory.part_type_for.get(content_type, PartFactory.default_part_type)


def _lazy(part_class: type[Part]) -> bool:
    """Whether the part may wait for its element: only a plain XmlPart does (a part
    that keeps its element under another name too needs it at once)."""
    return issubclass(part_class, XmlPart) and part_class.__init__ is XmlPart.__init__


class PackageTemplate:
    """A DOCX read once; :meth:`open` gives a fresh python-docx document of it, and
    :meth:`save` writes one back, reusing the compressed bytes of unchanged parts.

    Opening a package with python-docx reads the zip and parses every part; a template
    rendered for each member of a branch would pay that for every member.
    """

    def __init__(self, data: bytes) -> None:
        reader = PackageReader.from_file(io.BytesIO(data))
        sparts = []
        for partname, content_type, reltype, blob in reader.iter_sparts():
            if issubclass(_part_class(content_type, reltype), XmlPart):
                blob = serialize_part_xml(parse_xml(blob))  # as python-docx would write it
            sparts.append((partname, content_type, reltype, blob))
        self._sparts = tuple(sparts)
        self._srels = tuple(reader.iter_srels())
        self._has_images = any(spart[1].startswith("image/") for spart in sparts)
        #: content types and relationship XML by what they list: every document of a
        #: template repeats them unless it adds a part (a photo)
        self._listings = Memo(REUSE_ENTRIES)
        #: id(blob) → (blob, crc, deflated) for the template's own part bytes
        self._deflated: dict[int, tuple[bytes, int, bytes]] = {}
        #: recently written small entries → (crc, deflated)
        self._recent: OrderedDict[bytes, tuple[int, bytes]] = OrderedDict()

    # Unmarshaller reads a package through these two methods of a PackageReader
    def iter_sparts(self) -> Iterator[tuple[PackURI, str, str, bytes]]:
        return iter(self._sparts)

    def iter_srels(self) -> Iterator[tuple[str, Any]]:
        return iter(self._srels)

    def open(self) -> DocxDocument:
        """A new document of the template, sharing nothing that can change."""
        package = Package() if self._has_images else _PackageWithoutImages()
        Unmarshaller.unmarshal(self, package, self._make_part)
        part = package.main_document_part
        if part.content_type != CT.WML_DOCUMENT_MAIN:
            raise ValueError(f"not a Word document: its content type is {part.content_type!r}")
        return part.document

    @staticmethod
    def _make_part(partname: PackURI, content_type: str, reltype: str, blob: bytes,
                   package: Package) -> Part:
        part_class = _part_class(content_type, reltype)
        if not _lazy(part_class):
            return part_class.load(partname, content_type, blob, package)
        part = _pristine_class(part_class).__new__(_pristine_class(part_class))
        Part.__init__(part, partname, content_type, package=package)
        part._pristine = blob
        return part

    def save(self, document: DocxDocument) -> bytes:
        """The DOCX bytes of ``document`` (opened from this template): the entries
        python-docx writes, in its order, deterministic (:func:`zip_archive`)."""
        package = document.part.package
        parts = package.parts
        for part in parts:
            part.before_marshal()
        entries = _Entries()
        # python-docx's own writer, minus its zip: content types, package rels, parts
        types = tuple((part.partname, part.content_type) for part in parts)
        entries.write(CONTENT_TYPES_URI, self._listings.get_or_make(
            types, lambda: _ContentTypesItem.from_parts(parts).blob))
        entries.write(PACKAGE_URI.rels_uri, self._rels_xml(package.rels))
        for part in parts:
            entries.write(part.partname, part.blob)
            if len(part.rels):
                entries.write(part.partname.rels_uri, self._rels_xml(part.rels))
        return zip_archive(entries, self._deflate)

    def _rels_xml(self, rels: Any) -> bytes:
        key = tuple((rel.rId, rel.reltype, rel.target_ref, rel.is_external)
                    for rel in rels.values())
        return self._listings.get_or_make(key, lambda: rels.xml)

    def _deflate(self, data: bytes) -> tuple[int, bytes]:
        """Deflate an entry, or reuse what it deflated to before: the template's own
        parts (known by identity) and small entries every document repeats (content
        types, relationships, footers)."""
        known = self._deflated.get(id(data))
        if known is not None and known[0] is data:
            return known[1], known[2]
        small = len(data) <= REUSE_MAX_BYTES
        if small and data in self._recent:
            self._recent.move_to_end(data)
            return self._recent[data]
        crc, packed = deflate(data)
        if any(data is spart[3] for spart in self._sparts):
            self._deflated[id(data)] = (data, crc, packed)
        elif small:
            self._recent[data] = (crc, packed)
            if len(self._recent) > REUSE_ENTRIES:
                self._recent.popitem(last=False)
        return crc, packed


class _PackageWithoutImages(Package):
    """A package of a template without images: nothing to gather after loading it (a
    picture added later is registered as it is added)."""

    def after_unmarshal(self) -> None:
        pass


class Memo(OrderedDict):
    """A small least-recently-used map of values made once per key."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_or_make(self, key: Any, make: Callable[[], Any]) -> Any:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = make()
        if len(self) > self.size:
            self.popitem(last=False)
        return value


class _Entries(list[tuple[str, bytes]]):
    """Collects what python-docx's package writer would put in the zip."""

    def write(self, pack_uri: PackURI, blob: bytes) -> None:
        self.append((pack_uri.membername, blob))

