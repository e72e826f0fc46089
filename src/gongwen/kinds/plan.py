"""实施方案: data → context → the plan template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from ..errors import InputError
from ..inputs import SourceData, load_text
from ..layout import rules as layout
from ..models import Plan
from ..text import parse_body
from .document import Document, RenderOptions, properties, render_with, with_colon


def _body_text(plan: Plan, source: SourceData, base_dir: Path) -> tuple[str, str | None, int]:
    """The body's text, the file it came from, and the line its first line is on."""
    if plan.body_file is not None:
        path = base_dir / plan.body_file
        return load_text(path), str(path), 1
    key = "body" if ("body",) in source.locations else "正文"
    location = source.where((key,))
    line = (location.line or 1) + (1 if "\n" in (plan.body or "") else 0)
    return plan.body or "", source.file, line


def render_plan(plan: Plan, options: RenderOptions) -> list[Document]:
    """A plan is one document."""
    source, base_dir = options.source, options.base_dir
    text, body_source, first_line = _body_text(plan, source, base_dir)
    blocks = parse_body(text, source=body_source, first_line=first_line)
    header = plan.header
    if header.enabled and plan.doc_number is None:
        raise InputError("a document with a 版头 needs a 发文字号", location=source.where(()),
                         field="发文字号 (doc_number)",
                         hint="add 发文字号: 代字〔YYYY〕N号, or set 版头: false")

    def build_context(tpl: DocxTemplate) -> dict[str, Any]:
        return {
            "header": {
                "mark": layout.mark_text(tpl, header.mark or f"{plan.organ}文件"),
                "copy_number": header.copy_number or "",
                "secrecy": header.secrecy or "",
                "urgency": header.urgency or "",
            } if header.enabled else None,
            "doc_number": str(plan.doc_number) if plan.doc_number else "",
            "title": plan.title,
            "title_lines": layout.title_lines(plan.title),
            "addressee": with_colon(plan.addressee),
            "organ": plan.organ,
            "date": plan.date,
            "body": layout.body(tpl, blocks, keep_end_with_next=layout.has_closing(
                plan.attachments, plan.signer, plan.date)),
            "closing": layout.closing(tpl, attachments=plan.attachments,
                                      signature=plan.signer, date=plan.date, note=plan.note),
            "end_block": layout.end_block(tpl, cc=plan.cc, printer=plan.printer,
                                          print_date=plan.print_date),
        }

    docx = render_with(
        "plan", build_context, template=options.template,
        profile=options.profile or plan.profile,
        properties=properties(plan.title, plan.organ, plan.date),
    )
    warnings = []
    if not header.enabled and plan.doc_number is not None:  # it is a part of the 版头
        key = next((k for k in ("发文字号", "doc_number") if k in source.data), "发文字号")
        warnings.append(f"{source.where((key,))}: 发文字号 (doc_number): {plan.doc_number} is "
                        "not printed: it belongs to the 版头, which is off (hint: set 版头: "
                        "true to print it, or leave 发文字号 out)")
    return [Document("plan", plan.title, docx, plan, source.file, warnings)]


