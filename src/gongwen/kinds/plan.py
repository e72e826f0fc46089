"""公文 (通知, 报告, 请示 … and the 实施方案): data → context → the 公文 template."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc

from ..errors import InputError, Location
from ..inputs import SourceData
from ..inputs.loader import KeyPath, load_named_text
from ..layout import conventions, standard
from ..layout import rules as layout
from ..layout.letter import letter_end_block, letterhead_lines
from ..layout.official import (
    attachment_pages,
    attendance,
    joint_signature,
    signer_line,
    stacked_mark,
)
from ..layout.order import order_mark, order_signature
from ..layout.seal import joint_sealed_signature, seal_centres
from ..models import Official, Plan
from ..text import format_date, parse_body
from .attachments import attachment_blocks
from .document import Document, RenderOptions, properties, render_with, with_colon


def _body_text(plan: Official, source: SourceData, base_dir: Path) -> tuple[str, str | None, int]:
    """The body's text, the file it came from, and the line its first line is on."""
    if plan.body_file is not None:
        key = next((k for k in ("正文文件", "body_file") if k in source.data), "正文文件")
        text = load_named_text(base_dir, plan.body_file, source.where((key,)), key)
        return text, str(base_dir / plan.body_file), 1
    key = "body" if ("body",) in source.locations else "正文"
    location = source.where((key,))
    line = (location.line or 1) + (1 if "\n" in (plan.body or "") else 0)
    return plan.body or "", source.file, line


#: 主送机关 are separated by these; a 请示 names one (党政机关公文处理工作条例 §15)
_ADDRESSEE_SEPARATORS = re.compile(r"[、，,；;]")


def render_plan(plan: Official, options: RenderOptions) -> list[Document]:
    """A 公文 is one document: its 版头, body, closing, 附件 pages and 版记."""
    source, base_dir = options.source, options.base_dir
    text, body_source, first_line = _body_text(plan, source, base_dir)
    blocks = parse_body(text, source=body_source, first_line=first_line)
    pages = attachment_blocks(plan.attachments, source, base_dir)
    header = plan.header
    names = plan.attachment_names
    upward = bool(header.enabled and plan.signers and plan.doc_number)
    if plan.order and not plan.signers:
        raise InputError("a 命令 is signed by its 签发人", location=source.where(()),
                         field="签发人 (signers)",
                         hint="add 签发人: 姓名 and 签发人职务: 职务 (签名章: stamp.png for the "
                              "signature stamp)")
    sign = _closing_writer(plan, source, base_dir)
    #: a 纪要's mark is its title (「××纪要」): not printed twice
    marked_title = plan.minutes and header.enabled and header.mark is None
    if header.enabled and plan.doc_number is None and not (
            plan.minutes or plan.letter or plan.order):
        raise InputError("a document with a 版头 needs a 发文字号", location=source.where(()),
                         field="发文字号 (doc_number)",
                         hint="add 发文字号: 代字〔YYYY〕N号, or set 版头: false")

    def build_context(tpl: DocxTemplate) -> dict[str, Any]:
        return {
            "header": {
                "mark": _mark(tpl, plan),
                "copy_number": header.copy_number or "",
                "secrecy": header.secrecy or "",
                "urgency": header.urgency or "",
            } if header.enabled else None,
            "doc_number": str(plan.doc_number) if plan.doc_number else "",
            "signer_line": signer_line(str(plan.doc_number), plan.signers) if upward else "",
            "title": plan.title,
            "title_lines": [] if marked_title else layout.title_lines(plan.title),
            "addressee": with_colon(plan.addressee),
            "organ": plan.organ,
            "date": plan.date,
            "body": layout.body(tpl, blocks, keep_end_with_next=layout.has_closing(
                names, plan.signer, plan.date)),
            "closing": layout.closing(tpl, attachments=names, signature=plan.signer,
                                      date=plan.date, note=plan.note, sign=sign),
            "attachment_pages": attachment_pages(tpl, pages),
            "end_block": letter_end_block(tpl, plan.cc) if plan.letter else layout.end_block(
                tpl, cc=plan.cc, printer=plan.printer, print_date=plan.print_date),
            "letterhead": {
                "mark": layout.mark_text(tpl, header.mark or plan.organ),
                "lines": letterhead_lines(header.copy_number, header.secrecy, header.urgency,
                                          str(plan.doc_number) if plan.doc_number else None),
            } if plan.letter else None,
            "order": {
                "mark": layout.mark_text(tpl, order_mark(plan.organ, header.mark)),
                "number": plan.order_number or "",
            } if plan.order else None,
        }

    docx = render_with(
        "letter" if plan.letter else "order" if plan.order else "plan", build_context, template=options.template,
        profile=options.profile or plan.profile,
        properties=properties(plan.title, plan.organ, plan.date),
    )
    kind = "plan" if isinstance(plan, Plan) else "official"
    return [Document(kind, plan.title, docx, plan, source.file, _warnings(plan, source))]


def _warnings(plan: Official, source: SourceData) -> list[str]:
    """What renders but is likely wrong: a 版头 part with no 版头 to print it in, a
    上行文 without its 签发人, a 请示 sent to several organs."""
    def where(*keys: str) -> str:
        key = next((k for k in keys if k in source.data), keys[0])
        return str(source.where((key,)) if key in source.data else source.where(()))

    warnings = []
    header = plan.header
    if plan.order:  # its 签发人 signs under the body; no 版头 to speak of
        for keys, what in ((("印章", "seal"), "印章 (seal)"),
                           (("署名", "发文机关署名", "signature"), "署名 (signature)")):
            given = next((k for k in keys if source.data.get(k)), None)
            if given is not None:
                warnings.append(f"{where(given)}: {what}: not printed: the 命令（令）格式 is "
                                "signed by the 签发人's 职务 and 签名章 (hint: leave it out, or "
                                "give 签名章: stamp.png)")
        return warnings
    if plan.letter:
        if plan.signers:
            warnings.append(f"{where('签发人', 'signers')}: 签发人 (signers): not printed: the "
                            "信函格式 has no 签发人 line (hint: leave 签发人 out, or drop 格式: 信函)")
        return warnings
    if not header.enabled and plan.doc_number is not None:  # it is a part of the 版头
        warnings.append(f"{where('发文字号', 'doc_number')}: 发文字号 (doc_number): "
                        f"{plan.doc_number} is not printed: it belongs to the 版头, which is "
                        "off (hint: set 版头: true to print it, or leave 发文字号 out)")
    if plan.signers and not (header.enabled and plan.doc_number):
        warnings.append(f"{where('签发人', 'signers')}: 签发人 (signers): not printed: the "
                        "签发人 stands beside the 发文字号 in the 版头 (hint: set 版头: true "
                        "and give 发文字号)")
    elif plan.upward and header.enabled and not plan.signers:
        warnings.append(f"{where('文种', 'genre', '标题', 'title')}: 签发人 (signers): a "
                        f"{plan.genre} goes up to a superior and names its 签发人 beside the "
                        "发文字号 (hint: add 签发人: 姓名)")
    mark_lines = _mark_lines(plan)
    size = layout.mark_size(mark_lines)
    if header.enabled and size < conventions.MARK_SMALLEST_SIZE:
        shown = max(mark_lines, key=len)
        shown = shown if len(shown) <= 24 else f"{shown[:23]}…"
        warnings.append(f"{where('版头', 'header', '发文机关', 'organ')}: 发文机关标志: "
                        f"「{shown}」 shrinks to {round(size * 2) / 2:g} pt to stay on one line, smaller "
                        "than the title (hint: a 规范化简称 is allowed, GB/T 9704 7.2.3: "
                        "版头: {发文机关标志: 简称文件})")
    named = [o.strip() for o in _ADDRESSEE_SEPARATORS.split(plan.organ) if o.strip()]
    if len(named) > 1:
        warnings.append(f"{where('发文机关', 'organ')}: 发文机关 (organ): 「{plan.organ}」 is "
                        f"printed as one organ's name (hint: a joint document lists its "
                        f"organs, the 主办 first: 发文机关: [{', '.join(named)}])")
    signed = plan.signer_names
    if plan.co_organs and isinstance(plan.signature, list) and len(signed) < len(plan.organs):
        warnings.append(f"{where('署名', '发文机关署名', 'signature')}: 署名 (signature): "
                        f"{len(plan.organs)} 发文机关 ({'、'.join(plan.organs)}) but "
                        f"{len(signed)} 署名 ({'、'.join(signed)}): each organ of a joint "
                        "document signs it (hint: list every 发文机关 under 署名, in their "
                        "order, GB/T 9704 7.3.5; or drop the one that does not issue it)")
    organs = [o for o in _ADDRESSEE_SEPARATORS.split(plan.addressee or "") if o.strip()]
    if plan.genre == "请示" and len(organs) > 1:
        warnings.append(f"{where('主送机关', '主送', 'addressee')}: 主送机关 (addressee): a 请示 "
                        f"is sent to one organ, not {len(organs)} ({'、'.join(organs)}) (hint: "
                        "keep the one that decides; send the others a copy with 抄送)")
    return warnings


def _closing_writer(plan: Official, source: SourceData, base_dir: Path
                    ) -> Callable[[Subdoc, str, str], None] | None:
    """What follows the body and 附件说明: a 纪要's attendance lists, a sealed 署名, the
    joint 署名 lines, or (None) the plain 署名 and 成文日期."""
    if plan.order:
        key = next((k for k in ("签名章", "signature_stamp") if k in source.data), "签名章")
        stamp = (_seal_picture(plan.signature_stamp, source.where((key,)), base_dir, "签名章",
                               "签名章 (signature_stamp)") if plan.signature_stamp else None)
        return order_signature(plan.signer_title, plan.signers[0], stamp,
                               plan.signature_stamp_size)
    if plan.minutes:
        return attendance(list(zip(standard.MINUTES_LABELS,
                                   (plan.present, plan.excused, plan.attending), strict=True)))
    names = plan.signer_names
    if plan.seals:
        return _sealed(plan, names, source, base_dir)
    if len(names) > 1:
        return joint_signature(names)
    return None


def _seal_keys(plan: Official, source: SourceData, index: int) -> KeyPath:
    """Where seal ``index`` is written: in 署名's list, in 印章's, or 印章 itself."""
    signed = next((k for k in ("署名", "发文机关署名", "signature") if k in source.data), None)
    if signed is not None and isinstance(plan.signature, list):
        item = source.data[signed][index] if index < len(source.data[signed]) else {}
        key = next((k for k in ("印章", "seal") if isinstance(item, dict) and k in item), "印章")
        return (signed, index, key)
    key = next((k for k in ("印章", "seal") if k in source.data), "印章")
    return (key, index) if isinstance(plan.seal, list) else (key,)


def _sealed(plan: Official, names: list[str], source: SourceData, base_dir: Path
            ) -> Callable[[Subdoc, str, str], None]:
    """Each 署名 under its seal (7.3.5.1): as many seals as names, side by side in the 版心."""
    seals = plan.seals
    where = source.where(_seal_keys(plan, source, 0)[:1])
    if len(seals) != len(names) or not all(seals):
        given = sum(1 for seal in seals if seal)
        raise InputError(
            f"{len(names)} 署名 and {given} 印章: a joint document is sealed by each of its "
            "organs, or by none", location=where, field="印章 (seal)",
            hint="write 署名: [{机关: 甲, 印章: a.png}, {机关: 乙, 印章: b.png}], or 印章: "
                 "[a.png, b.png] in the order of 发文机关; or leave 印章 out")
    date_text = format_date(plan.date)
    left = seal_centres(len(seals), plan.seal_size, date_text)[0] - plan.seal_size / 2
    if left < 0:
        raise InputError(
            f"{len(seals)} seals of {plan.seal_size:g} mm do not fit side by side in the "
            f"{standard.TEXT_BLOCK_WIDTH_MM:g} mm 版心", location=where, field="印章 (seal)",
            hint="each row of seals stays inside the 版心 (7.3.5.1): give 印章尺寸 smaller")
    blobs = [_seal_picture(seal, source.where(_seal_keys(plan, source, index)), base_dir)
             for index, seal in enumerate(seals)]
    return joint_sealed_signature(blobs, plan.seal_size, names if len(names) > 1 else None)


def _mark_lines(plan: Official) -> list[str]:
    """The 发文机关标志's lines: the data's, or the organ's name + 文件; a joint
    document's names stacked (also a mark written over several lines); a 纪要's title."""
    if plan.header.mark is not None and "\n" in plan.header.mark:
        return [line for line in plan.header.mark.splitlines() if line.strip()]
    if plan.header.mark is None and plan.minutes:  # 「××纪要」
        return [plan.title]
    if plan.header.mark is None and plan.co_organs:
        return plan.organs
    return [plan.header.mark or f"{plan.organ}文件"]


def _mark(tpl: DocxTemplate, plan: Official) -> Any:
    lines = _mark_lines(plan)
    return stacked_mark(lines) if len(lines) > 1 else layout.mark_text(tpl, lines[0])


def _seal_picture(seal: str, where: Location, base_dir: Path, what: str = "seal",
                  field: str = "印章 (seal)") -> bytes:
    """The picture of a seal (or a 签名章), relative to the data file; a PNG or JPEG."""
    path = base_dir / seal
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the {what} {path}: {exc.strerror}", location=where,
                         field=field,
                         hint="give the path of a PNG or JPEG, relative to the data file"
                         ) from None
    if not blob.startswith((b"\x89PNG", b"\xff\xd8")):
        raise InputError(f"the {what} {path.name} is not a PNG or JPEG picture", location=where,
                         field=field,
                         hint=f"scan the {what} to a PNG with a transparent background")
    return blob


render_official = render_plan


