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
    ("notice.yaml", "标题: 关于召开创先争优活动动员大会的通知", "标题: 2024", "标题: 2024", "标题",
     "「2024」应写成文字。", '加上引号，如 "2024"', "input should be a valid string"),
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


# --- the job page: a phase's failures, its warnings and a job that failed whole --------

#: failures and warnings as a run of the broken sample leaves them in state.json (the
#: server's folders already cut), each as the library words it
PICTURE = ("briefing-1.yaml:27: 文章[1].图片[1].文件: picture 'images/dongyuan-dahui.jpg' not "
           "found (looked for images/dongyuan-dahui.jpg) (hint: paths are relative to the data "
           "file's folder; JPEG, PNG, GIF, BMP or TIFF)")
BODY_FILE = ("plan.yaml:10: 正文文件: 'plan-draft.md': file not found (looked for plan-draft.md) "
             "(hint: check the path; relative paths start at the data file's folder)")
ROSTER_ROW = ('members.csv:row 5, column E: 出生年月 (birth): "1985.13" is not a year and month: '
              "there is no month 13 (hint: expected YYYY.MM, e.g. 1985.03)")
TWO_ADDRESSEES = ("都江市实验中学党支部关于拨付创先争优活动经费的请示: request.yaml:10: 主送机关 "
                  "(addressee): a 请示 is sent to one organ, not 2 (中共都江市教育局党组、"
                  "都江市教育局) (hint: keep the one that decides; send the others a copy with 抄送)")
NO_BUNDLE = ("bundle not made: 4 failure(s) (fix them, or pass --partial for a bundle without "
             "them)")


def library_failure(tmp_path: Path, name: str, old: str, new: str) -> str:
    """The failure a run records for a data file that does not load: ``str()`` of its
    error, as :mod:`gongwen.batch.run` takes it, with the folder cut as the server does."""
    from gongwen.batch import check_phase, load_activity

    folder = broken(tmp_path, name, old, new)
    activity = load_activity(folder)
    plan = check_phase(activity, activity.phases[0])
    error = next(d.error for d in plan.documents if d.error is not None)
    return str(error).replace(f"{folder}/", "")


def test_a_jobs_failures_and_warnings_are_chinese_beside_file_and_line(
        client: TestClient, tmp_path: Path) -> None:
    from gongwen.serve.store import DONE

    number = library_failure(tmp_path / "a", "plan.yaml", "发文字号: 都实中党支〔2024〕3号",
                             "发文字号: 都实中党支[2024]3号")
    typo = library_failure(tmp_path / "b", "notice.yaml", "主送机关: 各党小组", "主送机构: 各党小组")
    store = client.app.state.store
    job = store.create(store.new_id(), "发动部署")
    store.update(job.id, state=DONE, findings=[NO_BUNDLE, TWO_ADDRESSEES], failures=[
        {"job": "plan.yaml", "member": None, "message": number},
        {"job": "notice.yaml", "member": None, "message": typo},
        {"job": "briefing-1.yaml", "member": None, "message": PICTURE},
        {"job": "plan.yaml", "member": None, "message": BODY_FILE},
        {"job": "pledge.yaml", "member": "张伟（DJS004）", "message": ROSTER_ROW}])
    page = client.get(f"/jobs/{job.id}").text
    failures = re.findall(r'<li class="error">(.*?)</li>', page, re.DOTALL)
    assert len(failures) == 5, page
    text = [html.unescape(re.sub(r"<br>", "\n", f)) for f in failures]
    assert re.match(r'plan.yaml：<span class="where">plan.yaml:7</span> 发文字号：'
                    r'<span class="message"[^>]*>「都实中党支\[2024\]3号」不是规范的发文字号', text[0])
    assert "应写作 都实中党支〔2024〕3号" in text[0] and "not a GB/T 9704 document number" in text[0]
    assert re.search(r'notice.yaml:8</span> 主送机构：<span class="message"[^>]*>没有这一项', text[1])
    assert "是不是要写「主送机关」？" in text[1]
    assert re.search(r'briefing-1.yaml:27</span> 文章\[1\]\.图片\[1\]\.文件：<span class="message"[^>]*>'
                     r"找不到图片「images/dongyuan-dahui.jpg」。", text[2])
    assert "图片可以是 JPEG、PNG、GIF、BMP 或 TIFF 格式" in text[2]
    assert re.search(r'<span class="where">plan.yaml:10</span> 正文文件：<span class="message"'
                     r"[^>]*>找不到文件「plan-draft.md」。", text[3]), text[3]
    assert re.search(r'pledge.yaml 张伟（DJS004）：<span class="where">members.csv:第 5 行 E 列'
                     r'</span> 出生年月 \(birth\)：<span class="message"[^>]*>「1985.13」不是有效的年月'
                     r"：没有 13 月。", text[4])
    for line in text:  # the English line is kept for a helper desk
        assert re.search(r'<span class="original" lang="en">[^<]*[a-z]{4}', line), line
    findings = re.search(r'<ul id="findings">(.*?)</ul>', page, re.DOTALL)
    assert findings
    items = [html.unescape(i) for i in re.findall(r"<li>(.*?)</li>", findings.group(1), re.DOTALL)]
    assert "没有生成汇编：有 4 处材料未能生成" in items[0] and "bundle not made" in items[0]
    assert items[1].startswith("都江市实验中学党支部关于拨付创先争优活动经费的请示："
                               '<span class="where">request.yaml:10</span> 主送机关 (addressee)：')
    assert "请示只能主送一个机关，这里写了 2 个（中共都江市教育局党组、都江市教育局）。" in items[1]
    assert "其他机关写在「抄送」里" in items[1]


def test_a_job_that_failed_whole_says_where_in_chinese(client: TestClient) -> None:
    from gongwen.serve.store import FAILED

    store = client.app.state.store
    job = store.create(store.new_id(), "发动部署")
    store.update(job.id, state=FAILED, error={
        "message": "dated 2024-10-08, outside phase 发动部署 (2024-09-01 – 2024-09-30)",
        "file": "notice.yaml", "line": 37, "field": "成文日期 (date)",
        "hint": "correct the date, or list the file under the phase it belongs to"})
    page = client.get(f"/jobs/{job.id}").text
    error = re.search(r'<p class="error" id="job-error">(.*?)</p>', page, re.DOTALL)
    assert error and error.group(1).startswith(
        '<span class="where">notice.yaml:37</span> 成文日期 (date)：<span class="message"')
    assert "日期 2024-10-08 不在「发动部署」阶段（2024-09-01 至 2024-09-30）之内。" in error.group(1)
    assert 'data-failures="0"' in page  # the page reloads when a failure comes in


def test_a_skipped_briefing_issue_is_said_in_chinese(client: TestClient, tmp_path: Path) -> None:
    folder = broken(tmp_path, "briefing-2.yaml", "期号: 2", "期号: 3")
    made = client.post("/activity", files={"activity": ("a.zip", folder_zip(folder))},
                       follow_redirects=False)
    page = html.unescape(client.get(made.headers["location"]).text)
    line = line_of(folder, "briefing-2.yaml", "期号: 3")
    assert re.search(rf'briefing-2.yaml:{line}</span> 期号 \(issue\)：<span class="message"[^>]*>'
                     r"跳过了第 2 期：前一期 briefing-1.yaml 是第 1 期，这里是第 3 期。", page), page
    assert "的期号按 activity.yaml 中各阶段的顺序逐期加一（发动部署 → 组织实施）" in page


def test_several_disagreeing_documents_keep_their_count() -> None:
    worded = chinese_data({"message": "dated 2024-10-08, outside phase 发动部署 (2024-09-01 – "
                                      "2024-09-30) (and 2 more, listed below)", "hint": None})
    assert worded["message"] == ("日期 2024-10-08 不在「发动部署」阶段（2024-09-01 至 2024-09-30）"
                                 "之内。（另有 2 处，见下）")
    assert "and 2 more" in worded["english"]


# --- the /plan form's rarer errors ------------------------------------------------------

PLAN_FORM = {"发文机关": "中共测试县第二小学支部委员会", "标题": "关于开展主题党日活动的实施方案",
             "正文": "为落实要求，制定本方案。", "成文日期": "2025-03-05", "版头": "on",
             "机关代字": "测二小党支", "年份": "2025", "序号": "7"}


@pytest.mark.parametrize("change, chinese, hint, english", [
    ({"年份": "25"}, "「测二小党支〔25〕7号」不是有效的发文字号。", "年份写全 4 位，如 2024",
     "is not a valid document number"),
    ({"机关代字": "测2小"}, "「测2小〔2025〕7号」不是有效的发文字号。", "机关代字只用汉字",
     "is not a valid document number"),
    ({"正文": "# 一、目标\n## 1.\n内容"}, "第 2 级标题用了「1.」，这是第 3 级标题的序号。",
     "「1.」开头的标题前写 ###，或去掉序号", "level-2 heading numbered"),
])
def test_a_plan_form_error_above_the_form_is_chinese(client: TestClient, change: dict,
                                                     chinese: str, hint: str,
                                                     english: str) -> None:
    page = client.post("/plan", data={**PLAN_FORM, **change})
    assert page.status_code == 422
    error = re.search(r'<p class="error" id="error">(.*?)</p>', page.text, re.DOTALL)
    assert error, page.text
    shown = html.unescape(error.group(1))
    assert f">{chinese}</span>" in shown and f"提示：{hint}" in shown
    assert re.search(rf'<span class="original" lang="en">[^<]*{english}', shown)
    assert "data.json" not in shown  # the form's own file is nothing its user wrote


def test_a_title_too_long_is_chinese_under_its_field(client: TestClient) -> None:
    page = client.post("/plan", data={**PLAN_FORM, "标题": "关于" * 200})
    assert page.status_code == 422
    error = re.search(r'<p class="error field-error" data-field="标题">(.*?)</p>', page.text,
                      re.DOTALL)
    assert error and error.group(1).startswith("有 400 个字，标题最多 200 个字。"), page.text
    assert "提示：请精简；说明性的文字写进正文" in error.group(1)
    assert "more than a title&#39;s 200" in error.group(1)  # English, for a helper desk
