"""``gongwen format``: a draft someone else wrote — pasted text or a Word/WPS file —
laid out as a 公文.

The reverse of :mod:`gongwen.kinds`: the draft's lines lose their noise
(:mod:`.noise`), are placed as title, 主送, body, 附件说明, 署名, 成文日期, 抄送, 印发
(:mod:`.parse`), and are written as gongwen data — a ``.yaml`` and the body's ``.md``
that the user can edit and render again — plus the rendered document.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Location
from ..fileio import writable_folder, write_atomic
from ..inputs.limits import LIMIT_VARIABLE, data_limit
from .noise import split_noise
from .parse import Draft, parse_draft
from .read import DraftLine, read_draft, read_draft_and_letterhead

#: what stands in for a part the draft does not have (listed as unsure)
MISSING_TITLE = "（标题）"
MISSING_ORGAN = "（发文机关）"


@dataclass
class Formatted:
    """What ``format_draft`` made and what the user should know about it."""

    draft: Draft
    data_file: Path
    body_file: Path
    removed: list[tuple[DraftLine, str]] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def format_draft(path: str | Path, out_dir: str | Path, *, pdf: bool = False,
                 docx: bool = True, today: dt.date | None = None) -> Formatted:
    """Read the draft ``path``, write ``<stem>.yaml`` + ``<stem>.md`` into ``out_dir``
    and render them (DOCX, and PDF when ``pdf``)."""
    source, out = Path(path), Path(out_dir)
    lines, letterhead = read_draft_and_letterhead(source)
    kept, removed = split_noise(lines)
    draft = parse_draft(kept)
    draft.letterhead = letterhead
    stem = source.stem
    body = ("\n".join(draft.body).strip() + "\n").encode("utf-8")
    if not any(line.text.strip() for line in kept):
        raise InputError("holds nothing but noise (page numbers, a site's footer)",
                         location=Location(str(source)))
    if len(body) > data_limit():
        raise InputError(f"its body is {len(body) / 2**20:.1f} MB, over the "
                         f"{data_limit() / 2**20:g} MB limit of a body",
                         location=Location(str(source)),
                         hint=f"split the draft; or set {LIMIT_VARIABLE} if it is genuine")
    writable_folder(out)  # or one line naming what is in the way, before writing
    body_file = write_atomic(out / f"{stem}.md", body)
    data_file = write_atomic(out / f"{stem}.yaml", _yaml(_data(draft, body_file.name,
                                                               today or dt.date.today())))
    result = Formatted(draft, data_file, body_file, removed)
    if docx or pdf:
        from ..kinds import render_all

        for document in render_all(data_file):
            if docx and not pdf:  # laid out all the same: its 版记 on an even page
                warning = document.place_end_block()
                result.warnings += [warning] if warning else []
            if docx:
                result.documents.append(document.save(out))
            if pdf:
                target = out / (Path(document.filename).stem + ".pdf")
                document.to_pdf(target)
                if docx:  # to_pdf may move the 版记: the DOCX follows
                    document.save(out)
                result.documents.append(target)
    return result


def _data(draft: Draft, body_name: str, today: dt.date) -> dict:
    mark = draft.letterhead or draft.mark
    organ = draft.signature or (mark.removesuffix("文件") if mark else None)
    if organ is None:
        draft.unsure.append((0, f"no 署名 found: 发文机关 is written {MISSING_ORGAN}"))
    data: dict = {"类型": "plan", "发文机关": organ or MISSING_ORGAN,
                  "标题": draft.title or MISSING_TITLE}
    header = {key: value for key, value in (("份号", draft.copy_number), ("密级", draft.secrecy),
                                            ("紧急程度", draft.urgency)) if value}
    if draft.letterhead:  # a letter stays a letter: its letterhead is laid out anew
        data["格式"] = "信函"
        data["版头"] = {"发文机关标志": draft.letterhead, **header}
        if draft.doc_number:
            data["发文字号"] = draft.doc_number
    elif draft.doc_number:
        data["发文字号"] = draft.doc_number
        if draft.mark:
            data["版头"] = {"发文机关标志": draft.mark, **header}
        else:
            data["版头"] = {"发文机关标志": f"{organ or MISSING_ORGAN}文件", **header}
            draft.changes.append((0, "a 版头 for the 发文字号: its 发文机关标志 is the 署名 + 文件"))

    if draft.addressee:
        data["主送机关"] = draft.addressee
    data["正文文件"] = body_name
    if draft.attachments:
        data["附件"] = draft.attachments
    if draft.signature:
        data["署名"] = draft.signature
    data["成文日期"] = draft.date or today
    if draft.note:
        data["附注"] = draft.note
    if draft.cc:
        data["抄送"] = draft.cc
    if draft.printer:
        data["印发机关"] = draft.printer
        data["印发日期"] = draft.print_date or draft.date or today
    return data


def _yaml(data: dict) -> bytes:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue().encode("utf-8")


__all__ = ["Draft", "Formatted", "format_draft", "parse_draft", "read_draft", "split_noise"]
