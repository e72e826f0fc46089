"""Bidi controls (U+202A–202E, U+2066–2069) and marks (U+200E, U+200F, U+061C) are
dropped wherever data enters: YAML/JSON and body files, CSV and XLSX sheets, data given
from Python, names typed on the command line; and no file name keeps one."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import PLAN_YAML
from openpyxl import Workbook
from pypdf import PdfReader
from test_bundle import text_pdf

from gongwen.batch.steps import safe_name
from gongwen.bundle import BundleEntry, build_bundle
from gongwen.inputs import load_data
from gongwen.inputs.roster import clean_name, load_roster
from gongwen.kinds import render_all
from gongwen.kinds.document import safe_filename
from gongwen.models.member import Member
from gongwen.text import BIDI_CONTROLS, strip_bidi_controls

RLO, RLI, PDI, RLM, LRM = "\u202e", "\u2067", "\u2069", "\u200f", "\u200e"
CONTROLS = sorted(BIDI_CONTROLS)
ALL = "".join(CONTROLS)


def spiked(text: str) -> str:
    """``text`` with every control, one after each character."""
    return "".join(ch + CONTROLS[i % len(CONTROLS)] for i, ch in enumerate(text))


def docx_text(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return "".join(package.read(name).decode() for name in package.namelist()
                       if name.startswith("word/") and name.endswith(".xml"))


def test_every_control_and_mark_is_dropped_and_nothing_else() -> None:
    assert len(CONTROLS) == 12
    assert strip_bidi_controls(f"李{ALL}四 15\u200b\u3000ئەخمەت") == "李四 15\u200b\u3000ئەخمەت"


def test_file_names_hold_no_control() -> None:
    for name in (safe_filename(spiked("李四的承诺书")), safe_name(spiked("李四")),
                 safe_name(f"{ALL}李四{ALL}.pdf"), safe_filename("公示\u202efdp.exe")):
        assert not set(name) & BIDI_CONTROLS, repr(name)
    assert safe_name(spiked("李四")) == "李四"


def test_yaml_fields_and_the_body_file(tmp_path: Path) -> None:
    plan = PLAN_YAML.replace("title: 关于开展主题党日活动的实施方案",
                             f"title: {spiked('关于开展主题党日活动的实施方案')}")
    plan = plan.replace("body: |\n", "正文文件: body.md\n__body: |\n")
    plan = "\n".join(line for line in plan.splitlines()
                     if not line.startswith(("__body", "  ")))  # the inline body goes
    (tmp_path / "plan.yaml").write_text(plan.replace("addressee: 各党小组",
                                                     f"addressee: {RLO}各党小组"),
                                        encoding="utf-8")
    (tmp_path / "body.md").write_text(f"# 工作{RLO}目标\n全体党员参加{RLI}第15次{PDI}主题党日。\n",
                                      encoding="utf-8")
    assert load_data(tmp_path / "plan.yaml").data["title"] == "关于开展主题党日活动的实施方案"
    document, = render_all(tmp_path / "plan.yaml")
    assert document.title == "关于开展主题党日活动的实施方案"
    text = docx_text(document.docx)
    assert not set(text) & BIDI_CONTROLS
    assert "全体党员参加第15次主题党日。" in text and "各党小组" in text


def test_data_given_from_python(tmp_path: Path) -> None:
    from gongwen.inputs.loader import load_data as load

    (tmp_path / "plan.yaml").write_text(PLAN_YAML, encoding="utf-8")
    data = load(tmp_path / "plan.yaml").data
    data["title"] = spiked(data["title"])
    data["cc"] = [spiked(item) for item in data["cc"]]
    document, = render_all(data)
    assert document.title == "关于开展主题党日活动的实施方案"
    assert not set(docx_text(document.docx)) & BIDI_CONTROLS
    assert not set(document.filename) & BIDI_CONTROLS
    member = Member(name=spiked("李四"), note=f"{RLM}备注", extra={spiked("籍贯"): spiked("四川")})
    assert (member.name, member.note, member.extra) == ("李四", "备注", {"籍贯": "四川"})


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_roster_cells(tmp_path: Path, suffix: str) -> None:
    rows = [["姓名", "性别", "出生年月", "职务", "备注"],
            [spiked("李四"), f"{RLO}女", f"{LRM}1985.03", spiked("教研组长"), f"{RLO}共15人"]]
    path = tmp_path / f"members{suffix}"
    if suffix == ".csv":
        path.write_text("".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    else:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
    member, = load_roster(path)
    assert (member.name, member.gender, member.birth.format(), member.position, member.note) \
        == ("李四", "女", "1985.03", "教研组长", "共15人")


def test_a_name_typed_on_the_command_line() -> None:
    assert clean_name(f" 李{RLO}四 ") == "李四"


def test_bundle_titles_and_bookmarks(tmp_path: Path) -> None:
    """Titles handed to build_bundle from Python: the bookmarks (and the 目录, which
    prints the same titles) hold none."""
    out = tmp_path / "b.pdf"
    result = build_bundle([BundleEntry(text_pdf("A"), spiked("李四"), spiked("承诺书"))],
                          out, title=spiked("汇编"), cover=False, toc=False)
    reader = PdfReader(out)
    group, children = reader.outline
    assert (group.title, children[0].title) == ("承诺书", "李四")
    assert [(e.title, e.group) for e in result.entries] == [("李四", "承诺书")]
    assert reader.metadata.title == "汇编"

