"""附件: the 附件说明's names and the attachment pages, which must agree.

The 附件说明 numbers the names as they are listed; a page is labelled 「附件N」 with the
same N and carries the same title.  An attachment that gives its own 序号 or 标题 is
checked against that, so a list reordered or a title retyped is an error naming the
file and line rather than a page that contradicts the 附件说明.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError, Location
from ..inputs import SourceData
from ..inputs.loader import load_named_text
from ..layout.official import attachment_label
from ..layout.rules import attachment_name
from ..models.plan import Attachment
from ..text import Block, parse_body
from .attachment_tables import attachment_table

ATTACHMENTS_KEYS = ("附件", "attachments")


def _where(source: SourceData, index: int, *names: str) -> tuple[Location, str]:
    """The location of attachment ``index``'s field (its first spelling present)."""
    top = next((k for k in ATTACHMENTS_KEYS if k in source.data), ATTACHMENTS_KEYS[0])
    item = source.data.get(top)
    entry = item[index] if isinstance(item, list) and index < len(item) else item
    key = next((n for n in names if isinstance(entry, dict) and n in entry), names[0])
    path = (top, index, key) if isinstance(item, list) else (top, key)
    return source.where(path), f"{top}[{index + 1}].{key}"


def check_agreement(attachments: Sequence[Attachment], source: SourceData) -> None:
    """Every attachment's own 序号 and 标题 match its place and name in the 附件说明."""
    for index, attachment in enumerate(attachments):
        number = index + 1
        if attachment.number is not None and attachment.number != number:
            where, field = _where(source, index, "序号", "number")
            raise InputError(
                f"附件{attachment.number} is listed as number {number} in the 附件说明",
                location=where, field=field,
                hint=f"write 序号: {number}, or move the attachment to place {attachment.number}")
        name = attachment_name(attachment.name)
        if attachment.title is not None and attachment_name(attachment.title) != name:
            where, field = _where(source, index, "标题", "title")
            raise InputError(
                f"the page's title {attachment.title!r} differs from the 附件说明's name "
                f"{name!r}", location=where, field=field,
                hint="an attachment's title repeats its name in the 附件说明 exactly")


def attachment_blocks(attachments: Sequence[Attachment], source: SourceData, base_dir: Path
                      ) -> list[tuple[str, str, Sequence[Block]]]:
    """(label, title, body blocks) of each attachment that has pages, numbered by its
    place in the 附件说明 (its agreement checked first)."""
    check_agreement(attachments, source)
    pages = []
    for index, attachment in enumerate(attachments):
        if not attachment.has_pages:
            continue
        blocks: list[Block] = []
        if attachment.body_file is not None:
            where, field = _where(source, index, "正文文件", "body_file")
            text = load_named_text(base_dir, attachment.body_file, where, field)
            blocks += parse_body(text, source=str(base_dir / attachment.body_file), first_line=1)
        elif attachment.body is not None:
            where, _ = _where(source, index, "正文", "body")
            text = attachment.body
            line = (where.line or 1) + (1 if "\n" in text else 0)
            blocks += parse_body(text, source=source.file, first_line=line)
        if attachment.table is not None:
            blocks.append(attachment_table(
                attachment, base_dir, lambda *names, i=index: _where(source, i, *names)))
        title = attachment_name(attachment.title or attachment.name)
        pages.append((attachment_label(index + 1, len(attachments)), title, blocks))
    return pages
