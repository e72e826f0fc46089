"""The data errors a secretary most often makes, read in Chinese on the pages: each beside
its file:line and field, the English line kept in grey (and as a title) for a helper desk
to search.  The sample activity is broken the way a person would break it."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from serve_helpers import folder_zip, make_app
from starlette.testclient import TestClient

from gongwen.serve.web_text import chinese_cli_line, chinese_data, chinese_line

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "chuangxian"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    with TestClient(make_app(tmp_path_factory.mktemp("zh"))) as client:
        yield client


def broken(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "sample"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("out", ".*"))
    path = folder / name
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")
    return folder


def line_of(folder: Path, name: str, words: str) -> int:
    return next(n for n, text in enumerate((folder / name).read_text("utf-8").splitlines(), 1)
                if words in text)


#: (file, what it says, what a secretary writes instead, the line's words, field, Chinese,
#: Chinese hint, English kept)
CASES = [
    ("notice.yaml", "成文日期: 2024-09-03", "成文日期: 2024年9月31日", "成文日期", "成文日期",
     "「2024年9月31日」不是有效日期：2024年9月只有 30 天。", "2025-03-05",
     '"2024年9月31日" is not a date'),
    ("notice.yaml", "成文日期: 2024-09-03", "成文日期: 二〇二四年九月三日", "成文日期", "成文日期",
     "「二〇二四年九月三日」不是日期。", "2025年3月5日", "is not a date"),
    ("notice.yaml", "成文日期: 2024-09-03", "成文日期: 2024-10-08", "成文日期", "成文日期 (date)",
     "日期 2024-10-08 不在「发动部署」阶段（2024-09-01 至 2024-09-30）之内。",
     "改正日期，或把这个文件移到它所属的阶段下", "outside phase 发动部署"),
    ("plan.yaml", "发文字号: 都实中党支〔2024〕3号", "发文字号: 都实中党支[2024]3号", "发文字号",
     "发文字号", "「都实中党支[2024]3号」不是规范的发文字号（GB/T 9704）。",
     "年份要用六角括号〔〕，不能用 []，应写作 都实中党支〔2024〕3号",
     "is not a GB/T 9704 document number"),
    ("notice.yaml", "主送机关: 各党小组", "主送机构: 各党小组", "主送机构", "主送机构",
     "没有这一项（名称可能写错了）。", "是不是要写「主送机关」？", "unknown field"),
    ("notice.yaml", "附注: 联系人", "\t附注: 联系人", "附注", None,
     "YAML 格式错误：有制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成空格。", "只用空格",
     "malformed YAML: found character"),
    ("request.yaml", "  发文机关标志: 中共", "   发文机关标志: 中共\n  签发: 林明富\n  发文机关标志2: 中共",
     "  签发: 林明富", None, "YAML 格式错误：缩进没有对齐。", "同一层对齐", "expected <block end>"),
    ("notice.yaml", "附注: 联系人：陈秀英", "附注: 联系人: 陈秀英", "附注", None,
     "YAML 格式错误：内容中有英文冒号「: 」。", "加上引号", "mapping values are not allowed here"),
    ("notice.yaml", "成文日期: 2024-09-03", "成文日期:", "成文日期", "成文日期 (date)",
     "冒号后没有内容。", "删去这一行", "is empty"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[2].strip()[:14] for c in CASES])
def test_a_data_error_is_chinese_beside_its_file_and_line(client: TestClient, tmp_path: Path,
                                                          case: tuple) -> None:
    name, old, new, words, field, chinese, hint, english = case
    folder = broken(tmp_path, name, old, new)
    made = client.post("/activity", files={"activity": ("活动.zip", folder_zip(folder))},
                       follow_redirects=False)
    page = client.get(made.headers["location"])
    assert page.status_code == 200
    line = line_of(folder, name, words)
    shown = re.search(rf'<span class="where">{re.escape(name)}:{line}</span>'
                      rf'(?: (?P<field>[^<：]+))?：<span class="message" title="(?P<title>[^"]+)">'
                      rf'(?P<message>[^<]+)</span><br><span class="hint">提示：(?P<hint>[^<]+)</span>'
                      rf'<br><span class="original" lang="en">(?P<english>[^<]+)</span>',
                      page.text)
    assert shown, page.text
    assert shown["field"] == field
    assert html.unescape(shown["message"]).startswith(chinese)
    assert hint in html.unescape(shown["hint"])
    assert english in html.unescape(shown["english"])
    assert html.unescape(shown["title"]) == html.unescape(shown["english"])


def test_a_missing_title_names_the_field_in_chinese(client: TestClient, tmp_path: Path) -> None:
    folder = broken(tmp_path, "notice.yaml", "标题: 关于召开创先争优活动动员大会的通知\n", "")
    made = client.post("/activity", files={"activity": ("a.zip", folder_zip(folder))},
                       follow_redirects=False)
    page = client.get(made.headers["location"]).text
    assert re.search(r'<span class="where">notice\.yaml:1</span> 标题 \(title\)：'
                     r'<span class="message"[^>]*>缺少这一必填项。</span><br>'
                     r'<span class="hint">提示：在文件中加上这一项</span>', page), page


def test_a_misspelt_file_in_a_phase_is_said_in_chinese(client: TestClient,
                                                       tmp_path: Path) -> None:
    folder = broken(tmp_path, "activity.yaml", "      - letter.yaml", "      - leter.yaml")
    made = client.post("/activity", files={"activity": ("a.zip", folder_zip(folder))},
                       follow_redirects=False)
    page = client.get(made.headers["location"]).text
    line = line_of(folder, "activity.yaml", "leter.yaml")
    row = re.search(r'<tr class="bad"><td>leter\.yaml</td>(.*?)</tr>', page, re.DOTALL)
    assert row and f'<span class="where">activity.yaml:{line}</span>' in row.group(1)
    assert "找不到文件「leter.yaml」。" in row.group(1)
    assert "路径从活动文件夹" in row.group(1) and "file not found" in row.group(1)


def test_an_activity_yaml_typo_is_the_page_in_chinese(client: TestClient, tmp_path: Path) -> None:
    folder = broken(tmp_path, "activity.yaml", "名册: members.csv", "花名册: members.csv")
    made = client.post("/activity", files={"activity": ("a.zip", folder_zip(folder))},
                       follow_redirects=False)
    page = client.get(made.headers["location"]).text
    line = line_of(folder, "activity.yaml", "花名册: members.csv")
    error = re.search(r'<p class="error" id="error">(.*?)</p>', page, re.DOTALL)
    assert error and f'<span class="where">activity.yaml:{line}</span> 花名册：' in error.group(1)
    assert "没有这一项（名称可能写错了）。" in error.group(1) and "是不是要写「名册」？" in error.group(1)


def test_a_message_not_worded_here_stays_as_it_is() -> None:
    fields = {"message": "something new went wrong", "hint": "do this", "file": "a.yaml"}
    assert chinese_data(fields) is fields
    assert chinese_cli_line("a.yaml:3: something new went wrong") is None
    assert chinese_line("no such line anywhere") == "no such line anywhere"
