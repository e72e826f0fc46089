"""The bundle's PDF file made final: page labels (i, ii, … then 1, 2, …), metadata,
shared fonts and images stored once, and an identifier from its content, so that two
builds of the same inputs are the same bytes (:mod:`.assemble` calls these last)."""

from __future__ import annotations

import datetime
import io

from pypdf import PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import ArrayObject, ByteStringObject, NameObject, TextStringObject

from .pages import LANGUAGE, PagePlan

CREATOR = "gongwen"
#: a bundle's date has no time of day: it is midnight, China Standard Time
PDF_TIME_OF_DAY = "000000+08'00'"
#: passes of identical-object merging; each shares one more level of references
MAX_SHARING_PASSES = 8


def add_page_labels(writer: PdfWriter, plan: PagePlan) -> None:
    last = plan.total - 1
    if plan.numbering == "physical" or plan.body_start == 0:
        writer.set_page_label(0, last, PageLabelStyle.DECIMAL, start=1)
        return
    writer.set_page_label(0, plan.body_start - 1, PageLabelStyle.LOWERCASE_ROMAN, start=1)
    writer.set_page_label(plan.body_start, last, PageLabelStyle.DECIMAL, start=1)


def add_metadata(
    writer: PdfWriter, *, title: str, author: str | None, subject: str | None,
    date: datetime.date,
) -> None:
    stamp = f"D:{date:%Y%m%d}{PDF_TIME_OF_DAY}"
    info = {"/Title": title, "/Creator": CREATOR, "/CreationDate": stamp, "/ModDate": stamp}
    if author:
        info["/Author"] = author
    if subject:
        info["/Subject"] = subject
    writer.add_metadata(info)
    writer.root_object[NameObject("/Lang")] = TextStringObject(LANGUAGE)


def serialize(writer: PdfWriter, file_id: bytes) -> bytes:
    """The file's bytes, with fonts and images shared by several inputs stored once and
    ``file_id`` as its identifier."""
    share_identical_objects(writer)
    digest = ByteStringObject(file_id)
    # pypdf has no public setter for the trailer /ID (it only makes random ones)
    writer._ID = ArrayObject([digest, digest])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def share_identical_objects(writer: PdfWriter) -> None:
    """Store identical objects once.  Documents split from one combined conversion carry
    the same embedded fonts; one pass merges the font files, and each further pass the
    objects that became identical because they now point at the same ones (font
    descriptor, font, resources), so repeat while it still removes objects."""
    live = len(writer._objects) + 1  # pypdf keeps no public object count
    for _ in range(MAX_SHARING_PASSES):
        writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
        now = sum(obj is not None for obj in writer._objects)
        if now >= live:
            return
        live = now
