"""Split a combined PDF into one PDF per document, serialising shared objects once.

The documents of a combined PDF share one set of font programs (over 100 KB) and
resources.  pypdf's writer clones and serialises all of them again for every document;
here each object of the combined PDF is serialised at most once, keeping its object
number so every reference in it stays valid, and a document's file is those bytes plus
its page dictionaries, a page tree, a catalog, an /Info and a classic xref table.
Output is deterministic: no dates, no file ID, objects in number order.  A source this
writer cannot copy faithfully (an encrypted one) is split with pypdf's writer instead.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    TextStringObject,
)

from ..fileio import write_atomic

#: the /Producer of every split PDF: pypdf serialises the objects, and the fallback
#: (pypdf's own writer) says the same, so both paths write the same metadata
PRODUCER = "pypdf"
#: a comment of bytes above 127 after the header marks the file as binary (ISO 32000 7.5.2)
BINARY_COMMENT = b"%\xe2\xe3\xcf\xd3\n"
#: page keys not copied: the page tree link is replaced; structure parents and article
#: beads point into trees of the combined PDF that a document's PDF does not carry
PAGE_KEYS_DROPPED = frozenset({"/Parent", "/StructParents", "/B"})
#: generation of the head of the free list in an xref table
FREE_HEAD_GENERATION = 65535

#: an object of the combined PDF: generation, its "n g obj … endobj" bytes, what it refers to
_Cached = tuple[int, bytes, list[IndirectObject]]


def split_pdf(
    combined: Path | str | PdfReader, parts: Sequence[tuple[str, range]],
    out_dir: Path | str,
) -> list[Path]:
    """Write each part's pages (0-based indices of ``combined``) to
    ``out_dir/<stem>.pdf``, with the stem as its /Title; returns the files in order."""
    reader = combined if isinstance(combined, PdfReader) else PdfReader(str(combined))
    out = Path(out_dir)
    count = len(reader.pages)
    for stem, pages in parts:
        if not pages or pages[0] < 0 or pages[-1] >= count:
            raise ValueError(f"{stem}: pages {pages} are not within the {count} of the PDF")
    try:
        splitter = _Splitter(reader)
    except _CannotCopy:
        return [_write_with_pypdf(reader, stem, pages, out) for stem, pages in parts]
    return [write_atomic(out / f"{stem}.pdf", splitter.document(stem, pages), sync=False)
            for stem, pages in parts]


def _write_with_pypdf(reader: PdfReader, stem: str, pages: range, out: Path) -> Path:
    """The slow path: pypdf clones the pages and all they use into a new file."""
    writer = PdfWriter()
    for page in pages:
        writer.add_page(reader.pages[page])
    writer.add_metadata({"/Title": stem})
    return write_atomic(out / f"{stem}.pdf", writer.write, sync=False)


class _CannotCopy(Exception):
    """The source holds something only pypdf's writer copies faithfully."""


class _Splitter:
    """One combined PDF, and the bytes of its objects once serialised."""

    def __init__(self, reader: PdfReader) -> None:
        if reader.is_encrypted:  # not made by LibreOffice here: the proven path decrypts
            raise _CannotCopy("encrypted")
        self.reader = reader
        self.header = reader.pdf_header.encode("latin-1") + b"\n" + BINARY_COMMENT
        refs = [page.indirect_reference for page in reader.pages]
        self.pages: list[IndirectObject] = [ref for ref in refs if ref is not None]
        self.page_numbers = {ref.idnum for ref in self.pages}
        if len(self.page_numbers) != len(refs):
            raise _CannotCopy("a page is not an indirect object, or is listed twice")
        self.cache: dict[int, _Cached] = {}

    def document(self, title: str, pages: range) -> bytes:
        """The PDF of ``pages``: their objects, a page tree, a catalog and an /Info."""
        own = {self.pages[index].idnum for index in pages}
        page_dicts = [self._page(index, own) for index in pages]
        objects: dict[int, tuple[int, bytes]] = {}
        waiting = [ref for page in page_dicts for ref in _references(page)]
        while waiting:
            ref = waiting.pop()
            if ref.idnum in objects or ref.idnum in self.page_numbers:
                continue  # pages are written below; another document's are left out
            generation, data, refs = self._object(ref)
            objects[ref.idnum] = (generation, data)
            waiting.extend(refs)
        tree = max(objects.keys() | own) + 1
        catalog, info = tree + 1, tree + 2
        for index, page in zip(pages, page_dicts, strict=True):
            ref = self.pages[index]
            page[NameObject("/Parent")] = IndirectObject(tree, 0, None)
            objects[ref.idnum] = (ref.generation, _indirect(ref.idnum, ref.generation, page))
        kids = b" ".join(b"%d %d R" % (self.pages[i].idnum, self.pages[i].generation)
                         for i in pages)
        objects[tree] = (0, _indirect(tree, 0, b"<<\n/Type /Pages\n/Count %d\n/Kids [ %s ]\n>>"
                                      % (len(pages), kids)))
        objects[catalog] = (0, _indirect(catalog, 0, b"<<\n/Type /Catalog\n/Pages %d 0 R\n>>"
                                         % tree))
        metadata = DictionaryObject({NameObject("/Producer"): TextStringObject(PRODUCER),
                                     NameObject("/Title"): TextStringObject(title)})
        objects[info] = (0, _indirect(info, 0, metadata))
        return _file(self.header, objects, catalog, info)

    def _page(self, index: int, own: set[int]) -> DictionaryObject:
        """A copy of page ``index`` (with what it inherits from the page tree, which
        pypdf has put on it) without the links that lead out of its document."""
        page = self.reader.pages[index]
        copy = DictionaryObject({key: value for key, value in page.items()
                                 if key not in PAGE_KEYS_DROPPED})
        annots = page.get("/Annots")
        if annots is not None:
            listed = annots.get_object()
            kept = ArrayObject(item for item in listed if _stays(item.get_object(), own))
            if len(kept) != len(listed):
                copy[NameObject("/Annots")] = kept
        return copy

    def _object(self, ref: IndirectObject) -> _Cached:
        cached = self.cache.get(ref.idnum)
        if cached is None:
            value = self.reader.get_object(ref)
            value = value if value is not None else b"null"
            cached = (ref.generation, _indirect(ref.idnum, ref.generation, value),
                      _references(value) if isinstance(value, PdfObject) else [])
            self.cache[ref.idnum] = cached
        return cached


def _stays(annotation: PdfObject, own: set[int]) -> bool:
    """Whether an annotation keeps working in its document's own PDF: a link to a
    named destination (there is no name tree) or to another document's page does not."""
    if not isinstance(annotation, DictionaryObject):
        return True
    target = annotation.get("/Dest")
    action = annotation.get("/A")
    action = action.get_object() if action is not None else None
    if target is None and isinstance(action, DictionaryObject) and action.get("/S") == "/GoTo":
        target = action.get("/D")
    if target is None:
        return True
    target = target.get_object()
    if isinstance(target, ArrayObject) and target:
        page = target[0]
        return isinstance(page, IndirectObject) and page.idnum in own
    return False


def _references(value: PdfObject) -> list[IndirectObject]:
    """The indirect references anywhere in ``value`` (its own dicts and arrays)."""
    found: list[IndirectObject] = []
    waiting: list[object] = [value]
    while waiting:
        item = waiting.pop()
        if isinstance(item, IndirectObject):
            found.append(item)
        elif isinstance(item, dict):
            waiting.extend(item.values())
        elif isinstance(item, list):
            waiting.extend(item)
    return found


def _indirect(number: int, generation: int, value: PdfObject | bytes) -> bytes:
    """``value`` as indirect object ``number``, in pypdf's serialisation."""
    if isinstance(value, PdfObject):
        buffer = io.BytesIO()
        value.write_to_stream(buffer)
        value = buffer.getvalue()
    return b"%d %d obj\n%s\nendobj\n" % (number, generation, value)


def _file(header: bytes, objects: dict[int, tuple[int, bytes]], root: int, info: int) -> bytes:
    """A whole PDF: header, objects in number order, xref table, trailer.  Numbers not
    used are free entries, chained from entry 0 as the xref format wants."""
    size = max(objects) + 1
    lines = _free_lines(size)
    table = [b""] * size
    following = 0
    for number in range(size - 1, 0, -1):
        if number not in objects:
            table[number], following = lines[following], number
    table[0] = b"%010d %05d f \n" % (following, FREE_HEAD_GENERATION)
    chunks = [header]
    offset = len(header)
    for number in sorted(objects):
        generation, data = objects[number]
        table[number] = b"%010d %05d n \n" % (offset, generation)
        chunks.append(data)
        offset += len(data)
    chunks.append(b"xref\n0 %d\n" % size)
    chunks.extend(table)
    chunks.append(b"trailer\n<<\n/Size %d\n/Root %d 0 R\n/Info %d 0 R\n>>\nstartxref\n%d\n%%%%EOF\n"
                  % (size, root, info, offset))
    return b"".join(chunks)


#: xref lines of free entries, by the next free number they point at (formatting
#: hundreds of them for every document took longer than the rest of its assembly)
_FREE_LINES: list[bytes] = []


def _free_lines(size: int) -> list[bytes]:
    """:data:`_FREE_LINES`, made long enough for an xref table of ``size`` entries."""
    _FREE_LINES.extend(b"%010d 00000 f \n" % number for number in range(len(_FREE_LINES), size))
    return _FREE_LINES
