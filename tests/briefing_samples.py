"""The briefing tests' data and probes: sample files, hostile values, DOCX readers."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

from conftest import SAMPLE
from convert_samples import png_bytes
from docx import Document as open_docx
from docx.image.image import Image
from docx.oxml.ns import qn

import gongwen

#: the sample activity's phases (samples/chuangxian/plan.md)
PHASES = {
    "发动部署": (dt.date(2024, 9, 1), dt.date(2024, 9, 30)),
    "组织实施": (dt.date(2024, 10, 1), dt.date(2025, 6, 30)),
    "评选表彰": (dt.date(2025, 7, 1), dt.date(2026, 3, 31)),
    "总结提高": (dt.date(2026, 4, 1), dt.date(2026, 7, 31)),
}
SAMPLES = sorted(SAMPLE.glob("briefing-*.yaml"))
HOSTILE = {
    "name": "<创先>&争优{{ x }}简报",
    "editor": "A&B<编>{% if %}",
    "title": "关于<b>&amp;{{ name }}的报道𠮷",
    "body": "正文含有<b>、&amp;、{% for %}、{{ issue }}、𠮷和㛃。",
    "caption": "图注<i>&{{ caption }}𠮷",
    "note": "按语{{ note }}&<注>",
    "report": "<上级>&机关𠮷",
}

HOSTILE_YAML = f"""\
kind: briefing
name: '{HOSTILE["name"]}'
issue: 7
editor: '{HOSTILE["editor"]}'
date: 2025-03-01
note: '{HOSTILE["note"]}'
articles:
  - title: '{HOSTILE["title"]}'
    body: '{HOSTILE["body"]}'
    pictures:
      - file: wide.png
        caption: '{HOSTILE["caption"]}'
report_to: ['{HOSTILE["report"]}']
copies: 5
"""

SHAPES_YAML = """\
类型: 简报
密级: 内部资料　注意保存
简报名称: 都江市实验中学创先争优活动工作简报汇编专刊
期号: 第三期
总期号: 15
年度: 2025
期号写法: 汉字
编印单位: 党支部办公室
日期: 2025年9月1日
文章:
  - 标题: 只有图片的文章
    图片:
      - 文件: tall.png
        说明: 一张很高的图
      - 文件: wide.png
        宽度: 50%
发: [各党小组]
印数: 30份
"""


GOOD = """\
kind: briefing
name: 工作简报
issue: 2
editor: 党支部办公室
date: 2024-10-15
articles:
  - title: 标题
    body: 正文。
    pictures:
      - file: photo.png
"""


def make_workdir(folder: Path) -> Path:
    """A folder with the hostile and odd-shaped briefings and their pictures."""
    (folder / "wide.png").write_bytes(png_bytes(400, 100, (0, 90, 160)))
    (folder / "tall.png").write_bytes(png_bytes(60, 600, (160, 90, 0)))
    (folder / "hostile.yaml").write_text(HOSTILE_YAML, encoding="utf-8")
    (folder / "shapes.yaml").write_text(SHAPES_YAML, encoding="utf-8")
    return folder


def render_documents(folder: Path) -> dict[str, gongwen.Document]:
    """The samples by file stem, plus "hostile" and "shapes" from :func:`make_workdir`."""
    docs = {path.stem: gongwen.render(path) for path in SAMPLES}
    docs["hostile"] = gongwen.render(folder / "hostile.yaml")
    docs["shapes"] = gongwen.render(folder / "shapes.yaml")
    return docs


def docx_of(document: gongwen.Document):
    return open_docx(io.BytesIO(document.docx))


def paragraphs(document: gongwen.Document, style_id: str) -> list:
    return [p for p in docx_of(document).paragraphs if p.style.style_id == style_id]


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True)
    return "".join(done.stdout.decode("utf-8").split())


def line_with(lines, text: str):
    return next(line for line in lines if text in line.text)


def tail_rows(document: gongwen.Document) -> list[tuple[str, str | None]]:
    """The floating 报尾 table's rows: (text, w:jc)."""
    for table in docx_of(document).tables:
        if table._tbl.tblPr.find(qn("w:tblpPr")) is not None:
            rows = []
            for row in table.rows:
                paragraph = row.cells[0].paragraphs[0]
                jc = paragraph._p.pPr.find(qn("w:jc"))
                rows.append((paragraph.text, jc.get(qn("w:val")) if jc is not None else None))
            return rows
    raise AssertionError("no 报尾")


def pixel_size(blob: bytes) -> tuple[int, int]:
    image = Image.from_blob(blob)
    return image.px_width, image.px_height
