"""Many DOCX rendered from one template → one DOCX, each document its own run of sections.

LibreOffice spends most of a conversion starting up and loading styles, so documents
that share a template are converted together: each body keeps its own section
properties, starts on a new page with page numbers from 1, and carries a bookmark
(``_GwDoc0001``…) that becomes a PDF named destination, by which the PDF is split
again.  What cannot be carried over safely raises :class:`NotCombinable`, and the
caller converts that document on its own.
"""

from __future__ import annotations

import copy
import hashlib
import io
import posixpath
import zipfile
from collections.abc import Iterable, Sequence

from lxml import etree

from .package import (
    BLOCKS,
    BOOKMARK_ID_STRIDE,
    CT,
    DOCUMENT,
    GLOBAL_FIELDS,
    MARK_ID_BASE,
    MARK_PREFIX,
    MAX_LIST_LEVELS,
    NUMBERING,
    O_RELID,
    PKG_REL,
    REL_FOOTER,
    REL_HEADER,
    REL_HYPERLINK,
    REL_IMAGE,
    RELS,
    STYLES,
    UNSUPPORTED,
    Package,
    R,
    field_codes,
    insert_in_ppr,
    paragraph_text,
    ppr_of,
    sect_child,
    style_numbering,
    to_xml,
    w,
)


class NotCombinable(Exception):
    """This document cannot join a combined DOCX; the message says why."""


class Merger:
    """Builds the combined DOCX from packages that share the first one's template."""

    def __init__(self, base: Package) -> None:
        self.base = base
        self.parts: dict[str, bytes] = {}
        self.content_types = etree.fromstring(base.part("[Content_Types].xml"))
        self.rels_root = etree.fromstring(base.part(RELS))
        raw = base.part(NUMBERING)
        self.numbering = etree.fromstring(raw) if raw else None
        self.body_items: list[etree._Element] = []
        self.count = 0
        self._media: dict[str, str] = {}  # image digest → target in the combined package
        self._base_hf = {v: k for k, v in base.header_footer_hashes.items()}
        self._inherited: set[tuple[str, str]] = set()
        #: the header and footer references of the last section added
        self._last_refs: frozenset[tuple[str, str, str]] = frozenset()
        self._style_numbers, self._default_style = style_numbering(base.part(STYLES))

    # --- checks ------------------------------------------------------------------

    def check(self, pkg: Package, body: etree._Element) -> None:
        """Raise :class:`NotCombinable` for what merging would change."""
        if pkg.signature != self.base.signature:
            raise NotCombinable("its template (styles, numbering or headers) differs")
        for tag in UNSUPPORTED:
            if body.find(f".//{w(tag)}") is not None:
                raise NotCombinable(f"it has {tag} elements")
        instr = field_codes(body)
        for rid in pkg.header_footer_hashes:
            instr += b" " + field_codes(etree.fromstring(pkg.part(pkg.target(pkg.rels[rid]))))
        found = GLOBAL_FIELDS.search(instr)
        if found:
            raise NotCombinable(f"it has a {found.group(1).decode()} field")
        if body.find(f".//{w('hyperlink')}[@{w('anchor')}]") is not None:
            raise NotCombinable("it links to its own bookmarks")

    # --- relationships -------------------------------------------------------------

    def _carry_rel(self, pkg: Package, rid: str, number: int) -> str:
        """The id in the combined package for ``pkg``'s relationship ``rid``."""
        rel = pkg.rels.get(rid)
        if rel is None:
            raise NotCombinable(f"relationship {rid} is missing")
        kind = rel.get("Type")
        if kind in (REL_HEADER, REL_FOOTER):
            same = self._base_hf.get(pkg.header_footer_hashes[rid])
            if same is None:
                raise NotCombinable("a header or footer differs from the first document's")
            return same
        new_id = f"rIdGw{number}x{rid}"
        attrs = {"Id": new_id, "Type": kind, "Target": rel.get("Target")}
        if kind == REL_HYPERLINK and rel.get("TargetMode") == "External":
            attrs["TargetMode"] = "External"
        elif kind == REL_IMAGE and rel.get("TargetMode") != "External":
            attrs["Target"] = self._copy_image(pkg, pkg.target(rel), number)
        else:
            raise NotCombinable(f"it has a {kind.rsplit('/', 1)[-1]} relationship")
        etree.SubElement(self.rels_root, f"{{{PKG_REL}}}Relationship", attrs)
        return new_id

    def _copy_image(self, pkg: Package, name: str, number: int) -> str:
        data = pkg.part(name)
        if data is None:
            raise NotCombinable(f"its image {name} is missing")
        digest = hashlib.sha256(data).hexdigest()
        if digest not in self._media:
            new_name = f"word/media/gw{number}-{posixpath.basename(name)}"
            self.parts[new_name] = data
            self._content_type_for(pkg, name, new_name)
            self._media[digest] = posixpath.relpath(new_name, "word")
        return self._media[digest]

    def _content_type_for(self, pkg: Package, old: str, new: str) -> None:
        ext = posixpath.splitext(new)[1].lstrip(".").lower()
        defaults = {d.get("Extension", "").lower() for d in self.content_types.iter(f"{{{CT}}}Default")}
        if ext in defaults:
            return
        theirs = etree.fromstring(pkg.part("[Content_Types].xml"))
        kind = next((o.get("ContentType") for o in theirs.iter(f"{{{CT}}}Override")
                     if o.get("PartName") == "/" + old), None)
        kind = kind or next((d.get("ContentType") for d in theirs.iter(f"{{{CT}}}Default")
                             if d.get("Extension", "").lower() == ext), None)
        if kind is None:
            raise NotCombinable(f"no content type for {old}")
        etree.SubElement(self.content_types, f"{{{CT}}}Override",
                         {"PartName": "/" + new, "ContentType": kind})

    def _remap_rels(self, pkg: Package, body: etree._Element, number: int) -> None:
        mapping: dict[str, str] = {}
        for el in body.iter():
            for attr, value in el.attrib.items():
                if attr.startswith(f"{{{R}}}") or attr == O_RELID:
                    if value not in mapping:
                        mapping[value] = self._carry_rel(pkg, value, number)
                    el.set(attr, mapping[value])

    # --- numbering, bookmarks, sections ----------------------------------------------

    def _explicit_style_numbering(self, body: etree._Element) -> None:
        """Write the numbering a paragraph takes from its style onto the paragraph, so
        that :meth:`_restart_lists` can give it a list of its own."""
        for p in body.iter(w("p")):
            ppr = p.find(w("pPr"))
            style = ppr.find(w("pStyle")) if ppr is not None else None
            inherited = self._style_numbers.get(
                style.get(w("val")) if style is not None else self._default_style)
            if inherited is None:
                continue
            ppr = ppr_of(p)
            numpr = ppr.find(w("numPr"))
            if numpr is None:
                numpr = etree.Element(w("numPr"))
                insert_in_ppr(ppr, numpr)
            if numpr.find(w("ilvl")) is None:
                numpr.insert(0, etree.Element(w("ilvl"), {w("val"): inherited[1]}))
            if numpr.find(w("numId")) is None:
                etree.SubElement(numpr, w("numId"), {w("val"): inherited[0]})

    def _restart_lists(self, body: etree._Element) -> None:
        """Give a later document's lists their own w:num so that they count from 1 again
        (from each level's own start value, as in the document alone)."""
        if self.numbering is None:
            return
        nums = {n.get(w("numId")): n for n in self.numbering.iter(w("num"))}
        abstracts = {a.get(w("abstractNumId")): a for a in self.numbering.iter(w("abstractNum"))}
        fresh: dict[str, str] = {}
        next_id = max((int(k) for k in nums), default=0) + 1
        for num_id in body.iter(w("numId")):
            old = num_id.get(w("val"))
            if old not in nums:
                continue
            if old not in fresh:
                num = copy.deepcopy(nums[old])
                num.set(w("numId"), str(next_id))
                abstract = abstracts.get(num.find(w("abstractNumId")).get(w("val")))
                starts = {lvl.get(w("ilvl")): lvl.find(w("start"))
                          for lvl in (abstract.iter(w("lvl")) if abstract is not None else ())}
                overrides = {o.get(w("ilvl")): o for o in num.iter(w("lvlOverride"))}
                for level in map(str, range(MAX_LIST_LEVELS)):
                    over = overrides.get(level)
                    if over is None:
                        over = etree.SubElement(num, w("lvlOverride"), {w("ilvl"): level})
                    if over.find(w("startOverride")) is None:
                        start = starts.get(level)
                        value = start.get(w("val")) if start is not None else "1"
                        over.insert(0, etree.Element(w("startOverride"), {w("val"): value}))
                list(self.numbering.iter(w("num")))[-1].addnext(num)
                fresh[old] = str(next_id)
                next_id += 1
            num_id.set(w("val"), fresh[old])

    def _mark(self, body: etree._Element, number: int, title: str | None) -> None:
        """Bookmark the document's start; give its title paragraph outline level 1, so
        that the PDF's outline lists one entry per document."""
        paragraphs = list(body.iter(w("p")))
        first = paragraphs[0]
        mark_id = str(MARK_ID_BASE + number)
        start = etree.Element(w("bookmarkStart"), {w("id"): mark_id, w("name"): mark(number)})
        ppr = first.find(w("pPr"))
        if ppr is None:
            first.insert(0, start)
        else:
            ppr.addnext(start)
        etree.SubElement(first, w("bookmarkEnd"), {w("id"): mark_id})
        wanted = "".join((title or "").split())
        texts = ["".join(paragraph_text(p).split()) for p in paragraphs]
        index = next((i for i, t in enumerate(texts) if wanted and wanted in t), None)
        if index is None:
            index = next((i for i, t in enumerate(texts) if t), None)
        if index is not None:
            ppr = ppr_of(paragraphs[index])
            if ppr.find(w("outlineLvl")) is None:
                insert_in_ppr(ppr, etree.Element(w("outlineLvl"), {w("val"): "0"}))

    def _sections(self, body: etree._Element, number: int) -> None:
        sects = [s for s in body.iter(w("sectPr")) if s.getparent().tag != w("sectPrChange")]
        if not sects or sects[-1].getparent() is not body:
            raise NotCombinable("it has no final section properties")
        first = sects[0]
        own = {(r.tag, r.get(w("type"), "default")) for r in first
               if r.tag in (w("headerReference"), w("footerReference"))}
        if self._inherited - own:
            raise NotCombinable("it would inherit the previous document's header or footer")
        for sect in sects:
            refs = [r for r in sect if r.tag in (w("headerReference"), w("footerReference"))]
            self._inherited |= {(r.tag, r.get(w("type"), "default")) for r in refs}
            # a section without references inherits the previous one's: when they are
            # the same, saying so again only costs LibreOffice ~3 ms a document
            keys = frozenset((r.tag, r.get(w("type"), "default"), r.get(f"{{{R}}}id", ""))
                             for r in refs)
            if keys and keys == self._last_refs:
                for ref in refs:
                    sect.remove(ref)
            elif keys:
                self._last_refs = keys
        sect_child(first, "pgNumType").set(w("start"), "1")
        if number > 1:
            kind = sect_child(first, "type")
            if kind.get(w("val")) not in ("oddPage", "evenPage"):
                kind.set(w("val"), "nextPage")

    # --- assembling ----------------------------------------------------------------

    def add(self, pkg: Package, title: str | None = None) -> None:
        """Append ``pkg``'s body; :class:`NotCombinable` leaves the merger unchanged."""
        number = self.count + 1
        body = etree.fromstring(pkg.part(DOCUMENT)).find(w("body"))
        if body is None:
            raise NotCombinable("it has no body")
        self.check(pkg, body)
        saved = (dict(self.parts), etree.tostring(self.rels_root),
                 etree.tostring(self.content_types),
                 etree.tostring(self.numbering) if self.numbering is not None else None,
                 set(self._inherited), dict(self._media), self._last_refs)
        try:
            if number > 1:
                self._remap_rels(pkg, body, number)
                self._explicit_style_numbering(body)
                self._restart_lists(body)
                for el in body.iter(w("bookmarkStart"), w("bookmarkEnd")):
                    old_id = el.get(w("id"), "0")
                    if not old_id.isdigit():
                        raise NotCombinable(f"bookmark id {old_id!r} is not a number")
                    el.set(w("id"), str(int(old_id) + number * BOOKMARK_ID_STRIDE))
            self._sections(body, number)
        except NotCombinable:
            self._restore(saved)
            raise
        self._mark(body, number, title)
        self.body_items.append(body)
        self.count = number

    def _restore(self, saved: tuple) -> None:
        parts, rels, types, numbering, inherited, media, refs = saved
        self.parts, self._inherited, self._media = parts, inherited, media
        self._last_refs = refs
        self.rels_root = etree.fromstring(rels)
        self.content_types = etree.fromstring(types)
        self.numbering = etree.fromstring(numbering) if numbering is not None else None

    def build(self) -> bytes:
        """The combined DOCX: the first package with the collected bodies and parts."""
        root = etree.fromstring(self.base.part(DOCUMENT))
        combined = root.find(w("body"))
        for child in list(combined):
            combined.remove(child)
        for index, body in enumerate(self.body_items):
            items = list(body)
            final = items.pop()
            combined.extend(items)
            if index == len(self.body_items) - 1:
                combined.append(final)
                continue
            blocks = [item for item in items if item.tag in BLOCKS]
            last = blocks[-1] if blocks else None
            if last is None or last.tag != w("p") or last.find(f"{w('pPr')}/{w('sectPr')}") is not None:
                last = _section_end_paragraph()
                combined.append(last)
            insert_in_ppr(ppr_of(last), final)
        replaced = {
            DOCUMENT: to_xml(root),
            RELS: to_xml(self.rels_root),
            "[Content_Types].xml": to_xml(self.content_types),
        }
        if self.numbering is not None:
            replaced[NUMBERING] = to_xml(self.numbering)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
            for name in self.base.names():
                zout.writestr(name, replaced.get(name) or self.base.part(name))
            for name, data in self.parts.items():
                zout.writestr(name, data)
        return out.getvalue()


def _section_end_paragraph() -> etree._Element:
    """A paragraph as low as possible, to carry a section break after a table."""
    p = etree.Element(w("p"))
    ppr = etree.SubElement(p, w("pPr"))
    etree.SubElement(ppr, w("spacing"), {w("before"): "0", w("after"): "0", w("line"): "20",
                                         w("lineRule"): "exact"})
    rpr = etree.SubElement(ppr, w("rPr"))
    etree.SubElement(rpr, w("sz"), {w("val"): "2"})
    return p


def mark(number: int) -> str:
    """The bookmark (and PDF named destination) that starts document ``number`` (1-based)."""
    return f"{MARK_PREFIX}{number:04d}"


def merge(packages: Sequence[Package], titles: Iterable[str | None] | None = None) -> bytes:
    """Combine ``packages`` (all from one template) or raise :class:`NotCombinable`."""
    merger = Merger(packages[0])
    titles = list(titles) if titles is not None else [None] * len(packages)
    for pkg, title in zip(packages, titles, strict=True):
        try:
            merger.add(pkg, title)
        except NotCombinable as exc:
            raise NotCombinable(f"{pkg.name}: {exc}") from None
    return merger.build()
