"""The web pages through the ASGI app: each renders with nothing external, /check's
findings and page images, /plan's preview and its errors beside the field, /jobs' run,
and the token's redirect to the login form."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from serve_helpers import PLAN, folder_zip, make_app
from starlette.testclient import TestClient
from test_check import word_draft

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "chuangxian"
HTML = {"accept": "text/html"}
PLAN_FORM = {
    "发文机关": "中共测试县第二小学支部委员会", "机关代字": "测二小党支", "年份": "2025",
    "序号": "7", "标题": "关于开展主题党日活动的实施方案", "主送机关": "各党小组",
    "正文": "为落实上级要求，制定本方案。\r\n# 工作目标\r\n全体党员参加主题党日。\r\n"
            "# 工作要求\r\n## 认真组织\r\n各党小组认真组织。",
    "成文日期": "2025-03-05", "署名": "", "抄送": "", "印发机关": "", "版头": "on",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    with TestClient(make_app(tmp_path_factory.mktemp("web"))) as client:
        yield client


def no_external_url(html: str) -> None:
    hosts = re.findall(r"https?://([^/\"'\s<>]+)", html)
    assert all(h.split(":")[0] in ("127.0.0.1", "localhost", "testserver") for h in hosts), hosts


def images_of(html: str) -> list[Image.Image]:
    """Every inline PNG of the page, decoded."""
    found = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    images = []
    for data in found:
        image = Image.open(io.BytesIO(base64.b64decode(data)))
        image.load()
        assert image.format == "PNG"
        images.append(image)
    return images


@pytest.mark.parametrize("path, headings", [
    ("/", ["gongwen 公文排版", "检查公文格式", "起草实施方案", "生成阶段材料"]),
    ("/check", ["<h1>检查公文格式</h1>", 'name="file"']),
    ("/plan", ["<h1>起草实施方案</h1>", 'name="正文"', "标题层次", "预览", 'name="机关代字"']),
    ("/jobs", ["<h1>生成阶段材料</h1>", 'name="activity"', 'name="phase"']),
])
def test_each_page_renders_with_nothing_external(client: TestClient, path: str,
                                                 headings: list[str]) -> None:
    page = client.get(path, headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for heading in headings:
        assert heading in page.text
    assert '<script src="/static/web.js"' in page.text and "/static/web.css" in page.text
    no_external_url(page.text)


def test_home_says_the_health_in_one_line(client: TestClient) -> None:
    page = client.get("/")
    line = re.search(r'<p class="health (ok|bad)" id="health">([^<]+)</p>', page.text)
    assert line and line.group(1) == "ok" and "服务正常" in line.group(2)


def test_static_files_are_served_and_nothing_else(client: TestClient) -> None:
    script = client.get("/static/web.js")
    assert script.status_code == 200 and "function outline" in script.text
    assert script.headers["content-type"].startswith("text/javascript")
    no_external_url(script.text)
    assert client.get("/static/web.css").status_code == 200
    for bad in ("../web.py", "..%2Fweb.py", "app.py"):
        assert client.get(f"/static/{bad}").status_code == 404


def test_check_a_rendered_plan_shows_no_finding(client: TestClient) -> None:
    docx = client.post("/v1/render", json=PLAN).content
    page = client.post("/check", files={"file": ("方案.docx", docx)})
    assert page.status_code == 200, page.text
    assert "方案.docx：0 处问题" in page.text and "未发现问题" in page.text
    assert len(images_of(page.text)) >= 1
    assert "下载修正稿" in page.text
    no_external_url(page.text)


def test_check_a_word_draft_lists_its_findings_over_page_images(client: TestClient) -> None:
    page = client.post("/check", files={"file": ("草稿.docx", word_draft())})
    assert page.status_code == 200, page.text
    for header in ("规则", "页", "行", "摘录", "实测", "应为", "依据"):
        assert f"<th>{header}</th>" in page.text
    rules = set(re.findall(r'<td title="[^"]*">(GW\d+)</td>', page.text))
    assert {"GW101", "GW103", "GW401", "GW404", "GW405", "GW406"} <= rules, rules
    assert "都教党组[2024]03号" in page.text
    images = images_of(page.text)
    assert images and all(200 < i.width < 800 for i in images)  # ~60 dpi
    fixed = re.search(r'href="data:application/vnd[^;]+;base64,([^"]+)" download="草稿-修正.docx"',
                      page.text)
    assert fixed, "no fixed copy to download"
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(fixed.group(1)))) as archive:
        assert "word/document.xml" in archive.namelist()
    left = re.search(r'<p class="note" id="fixed-left">修正稿复查：仍有 (\d+) 处问题（([^）]+)）',
                     page.text)
    assert left and int(left.group(1)) < len(re.findall(r"<td title=", page.text)), left
    assert "GW101" not in left.group(2) and "GW405" in left.group(2)  # paper fixed, 一、 then 三、 not
    no_external_url(page.text)


def test_check_a_pdf_has_no_fixed_copy(client: TestClient) -> None:
    pdf = client.post("/v1/render?format=pdf", json=PLAN).content
    page = client.post("/check", files={"file": ("方案.pdf", pdf)})
    assert page.status_code == 200 and "0 处问题" in page.text and "下载修正稿" not in page.text


@pytest.mark.parametrize("name, content, words", [
    ("a.txt", b"hi", "不是 .docx 或 .pdf"),
    ("坏.pdf", b"%PDF-1.4 not really", "无法读取"),
])
def test_check_a_bad_file_says_so_in_one_line(client: TestClient, name: str, content: bytes,
                                              words: str) -> None:
    page = client.post("/check", files={"file": (name, content)})
    assert 400 <= page.status_code < 500
    error = re.search(r'<p class="error" id="error">([^<\n]+)</p>', page.text)
    assert error and words in error.group(1), page.text
    assert "<h1>检查公文格式</h1>" in page.text


def test_plan_preview_shows_the_pages(client: TestClient) -> None:
    page = client.post("/plan", data={**PLAN_FORM, "action": "preview"})
    assert page.status_code == 200, page.text
    assert "预览（1 页）" in page.text
    images = images_of(page.text)
    assert len(images) == 1 and images[0].height > images[0].width  # an A4 page
    assert "关于开展主题党日活动的实施方案" in page.text  # the form keeps what was typed
    assert 'class="error' not in page.text
    assert 'name="版头" value="on" checked' in page.text
    no_external_url(page.text)


def test_plan_warnings_name_no_server_path(client: TestClient) -> None:
    """Without the 版头 the 文号 is not printed: the library's warning says so, without
    the request's folder."""
    page = client.post("/plan", data={**PLAN_FORM, "版头": "", "action": "preview"})
    assert page.status_code == 200
    warning = re.search(r'<ul class="warnings"><li>([^<]+)</li>', page.text)
    assert warning and "版头" in warning.group(1), page.text
    assert "requests/" not in page.text and "data.json" not in page.text


@pytest.mark.parametrize("fmt, magic", [("docx", b"PK"), ("pdf", b"%PDF")])
def test_plan_downloads(client: TestClient, fmt: str, magic: bytes) -> None:
    got = client.post("/plan", data={**PLAN_FORM, "action": fmt})
    assert got.status_code == 200 and got.content.startswith(magic)
    assert "attachment" in got.headers["content-disposition"]


@pytest.mark.parametrize("field, value, words", [
    ("成文日期", "2025-13-45", "不是有效日期"),
    ("序号", "七", "不是整数"),
    ("标题", "", "必填"),
])
def test_plan_shows_a_data_error_next_to_its_field(client: TestClient, field: str, value: str,
                                                   words: str) -> None:
    page = client.post("/plan", data={**PLAN_FORM, field: value, "action": "preview"})
    assert page.status_code == 422, page.text
    block = re.search(rf'<div class="field" id="field-{field}">(.*?)</div>', page.text, re.S)
    assert block, page.text
    error = re.search(r'<p class="error field-error" data-field="[^"]+">(.*?)</p>',
                      block.group(1), re.S)
    assert error and words.lower() in error.group(1).lower(), block.group(1)
    assert "<img" not in page.text


def test_jobs_page_runs_the_sample_and_lists_the_bundle(client: TestClient) -> None:
    submitted = client.post("/jobs", data={"phase": "发动部署"},
                            files={"activity": ("activity.zip",
                                                folder_zip(SAMPLE, prefix="chuangxian/"))},
                            follow_redirects=False)
    assert submitted.status_code == 303, submitted.text
    location = submitted.headers["location"]
    job_id = location.rsplit("/", 1)[1]
    page = client.get(location)
    assert page.status_code == 200 and "任务进度" in page.text
    assert f'data-job="{job_id}"' in page.text
    deadline = time.monotonic() + 240
    while (state := client.get(f"/v1/jobs/{job_id}").json())["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline, state
        time.sleep(0.5)
    assert state["state"] == "done", state
    page = client.get(location)
    assert "已完成" in page.text
    bundle = state["summary"]["bundle"]
    link = f'href="/v1/jobs/{job_id}/files/{bundle}"'
    assert link in page.text and "下载汇编" in page.text, page.text
    assert "汇编预览（共" in page.text and len(images_of(page.text)) == 6  # its first pages
    for path in state["files"]:
        assert f'href="/v1/jobs/{job_id}/files/{path}"' in page.text
    assert f'href="/v1/jobs/{job_id}/files.zip"' in page.text and "全部下载" in page.text
    assert client.get(f"/v1/jobs/{job_id}/files/{bundle}").content.startswith(b"%PDF")
    no_external_url(page.text)


def test_jobs_page_shows_a_bad_upload(client: TestClient) -> None:
    page = client.post("/jobs", data={"phase": "发动部署"},
                       files={"activity": ("a.zip", b"not a zip")})
    assert 400 <= page.status_code < 500
    assert re.search(r'<p class="error" id="error">[^<\n]+</p>', page.text), page.text
    assert client.get("/jobs/" + "0" * 32).status_code == 404


def test_pages_redirect_to_the_login_form_without_the_cookie(tmp_path: Path) -> None:
    token = "s3cret-token-of-the-test-0123456789"
    with TestClient(make_app(tmp_path, host="0.0.0.0", token=token)) as client:
        for path in ("/", "/check", "/plan", "/jobs", "/jobs/" + "0" * 32):
            got = client.get(path, headers=HTML, follow_redirects=False)
            back = "" if path == "/" else "?next=" + path
            assert got.status_code == 303 and got.headers["location"] == "/login" + back, path
        assert client.post("/plan", data=PLAN_FORM).status_code == 401
        login = client.post("/login", data={"token": token}, follow_redirects=False)
        assert login.status_code == 303 and login.headers["location"] == "/"
        page = client.get("/plan", headers=HTML)
        assert page.status_code == 200 and "起草实施方案" in page.text


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_outline_numbers_headings_as_the_body_marks_do() -> None:
    script = ROOT / "src" / "gongwen" / "serve" / "static" / "web.js"
    body = "前言\n# 总体要求\n## 目标\n## 原则\n### 甲\n#### 子\n# 工作安排\n## 第一\n一、手写\n（二）手写二\n2025.3 不算"
    program = (f"const {{outline}} = require({json.dumps(str(script))});"
               f"console.log(JSON.stringify(outline({json.dumps(body)})));")
    found = json.loads(subprocess.run(["node", "-e", program], capture_output=True, text=True,
                                      check=True, timeout=30).stdout)
    assert [(h["level"], h["text"]) for h in found] == [
        (0, "一、总体要求"), (1, "（一）目标"), (1, "（二）原则"), (2, "1.甲"), (3, "（1）子"),
        (0, "二、工作安排"), (1, "（一）第一"), (0, "一、手写"), (1, "（二）手写二")]
    assert found[0]["line"] == 2



def test_plan_with_two_bad_fields_marks_the_one_the_library_reports(client: TestClient) -> None:
    """The plan's data is read to its first error (as ``gongwen render`` does): that one is
    shown beside its field, and nothing is shown above the form."""
    page = client.post("/plan", data={**PLAN_FORM, "标题": "", "序号": "七", "action": "preview"})
    assert page.status_code == 422
    shown = dict(re.findall(r'<p class="error field-error" data-field="([^"]+)">([^<]+)',
                            page.text))
    assert len(shown) == 1 and set(shown) <= {"标题", "序号"}, shown
    assert 'id="error"' not in page.text
