"""The HTTP API through the ASGI app: render, check, errors, hostile input, the token."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document as Docx
from pypdf import PdfReader
from serve_helpers import PLAN, assert_error, make_app, zip_bomb
from starlette.testclient import TestClient

from gongwen.errors import InputError
from gongwen.serve import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "chuangxian"


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(make_app(tmp_path))


def docx_text(content: bytes) -> str:
    document = Docx(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)


def test_render_json_to_docx_prints_data_as_written(client: TestClient) -> None:
    data = dict(PLAN, body="第一段 {{ 7*7 }} 与 <b>不是标签</b> & 𠮷。\n# 工作目标\n全体党员参加。")
    response = client.post("/v1/render", json=data)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    text = docx_text(response.content)
    assert "关于开展主题党日活动的实施方案" in text
    assert "{{ 7*7 }}" in text and "<b>不是标签</b> & 𠮷" in text and "49" not in text
    assert "一、工作目标" in text


def test_render_docx_has_its_end_block_on_an_even_page(client: TestClient) -> None:
    """A one-page plan with a 版记: the DOCX the API answers is laid out first, so its
    版记 has a page break before it (page 2), as in the PDF."""
    data = {"kind": "plan", "organ": "中共青川县第三中学支部委员会", "date": "2025-11-30",
            "title": "关于开展冬季志愿服务的实施方案", "body": "为弘扬志愿精神，制定本方案。",
            "cc": ["青川县教育局党组"], "printer": "青川县第三中学党支部办公室",
            "print_date": "2025-11-30"}
    response = client.post("/v1/render", json=data)
    assert response.status_code == 200, response.text
    document = Docx(io.BytesIO(response.content))
    assert sum(1 for p in document.paragraphs if p.paragraph_format.page_break_before) == 1
    assert "X-Gongwen-Warning" not in response.headers


def test_render_pdf(client: TestClient) -> None:
    response = client.post("/v1/render?format=pdf", json=PLAN)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    assert "主题党日" in "".join(page.extract_text() for page in reader.pages)


def test_render_multipart_pledges_with_roster_make_a_zip(client: TestClient) -> None:
    response = client.post(
        "/v1/render", params={"member": ["林明富", "吴静"]},
        files={"data": ("pledge.yaml", (SAMPLE / "pledge.yaml").read_bytes()),
               "roster": ("members.csv", (SAMPLE / "members.csv").read_bytes())})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["x-gongwen-documents"] == "2"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = sorted(archive.namelist())
        assert names == ["党员承诺书/吴静.docx", "党员承诺书/林明富.docx"]
        wu = Docx(io.BytesIO(archive.read("党员承诺书/吴静.docx")))
        cells = "".join(c.text for t in wu.tables for row in t.rows for c in row.cells)
        assert "吴静" in cells + docx_text(archive.read("党员承诺书/吴静.docx"))
        assert "林明富" not in cells


def test_bad_data_is_422_with_file_line_field_and_hint(client: TestClient) -> None:
    text = (SAMPLE / "plan.yaml").read_text("utf-8").replace("成文日期: 2024-09-02",
                                                            "成文日期: 2024-13-02")
    assert "2024-13-02" in text
    response = client.post("/v1/render", files={"data": ("plan.yaml", text.encode()),
                                                "files": ("plan.md", (SAMPLE / "plan.md").read_bytes())})
    error = assert_error(response, 422, "not a date")
    # the file is named as the client sent it (a plain name), never by a path of the server
    assert error["file"] == "plan.yaml" and error["line"] == text[:text.index("2024-13")].count("\n") + 1
    assert error["field"] and error["hint"]
    unknown = client.post("/v1/render", json=dict(PLAN, titel="x"))
    assert_error(unknown, 422, "unknown field")["hint"].startswith("did you mean")


def test_an_uploaded_data_file_keeps_its_plain_name_only() -> None:
    from gongwen.serve.render import data_file_name

    assert data_file_name("方案-2.yaml") == "方案-2.yaml"
    assert data_file_name("r2.JSON") == "r2.JSON"
    for odd in ("../x.yaml", "/etc/x.yaml", "a b.yaml", ".x.yaml", "x.txt", "activity.yaml",
                "x" * 90 + ".yaml", "a\u202eb.yaml"):
        assert data_file_name(odd) in ("data.yaml", "data.json"), odd


def test_hostile_input_is_refused_with_4xx(client: TestClient) -> None:
    bomb = "kind: plan\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a]\n" \
           "c: [*b, *b, *b, *b, *b, *b, *b, *b]\n"
    error = assert_error(client.post("/v1/render", files={"data": ("b.yaml", bomb.encode())}),
                         422, "aliases")
    assert error["line"] == 2
    deep = "[" * 100_000 + "]" * 100_000
    assert_error(client.post("/v1/render", content=b'{"kind": "plan", "x": ' + deep.encode()
                             + b"}", headers={"content-type": "application/json"}),
                 422, "nested")
    assert_error(client.post("/v1/render", files={"data": ("d.yaml", f"x: {deep}".encode())}),
                 422, "nested")
    assert_error(client.post("/v1/render", files={
        "data": ("p.json", json.dumps(PLAN).encode()),
        "template": ("t.docx", zip_bomb())}), 413, "times its packed size")
    outside = client.post("/v1/render", json=dict(PLAN, body=None, body_file="../../etc/passwd"))
    assert assert_error(outside, 400, "outside")["field"] == "body_file"
    assert_error(client.post("/v1/render", json=dict(PLAN, body=None, 正文文件="/etc/passwd")),
                 400, "outside")
    joint_seal = [{"机关": "甲", "印章": "a.png"}, {"机关": "乙", "印章": "../../seal.png"}]
    assert "印章" in assert_error(client.post("/v1/render", json=dict(PLAN, 署名=joint_seal)),
                                  400, "outside")["field"]
    order = dict(PLAN, 格式="命令", 签发人="林明富", 签名章="/etc/passwd")
    assert assert_error(client.post("/v1/render", json=order), 400, "outside")["field"] == "签名章"
    assert_error(client.post("/v1/render", content=b"[1, 2]",
                             headers={"content-type": "application/json"}), 422, "object")
    assert_error(client.post("/v1/render", content=b"{oops",
                             headers={"content-type": "application/json"}), 422, "malformed")
    assert_error(client.post("/v1/render?format=odt", json=PLAN), 422)
    control = assert_error(client.post("/v1/render", json=dict(PLAN, title="甲\x00乙")),
                           422, "U+0000")
    assert control["field"] == "title"
    quoted = 'kind: plan\ntitle: "甲\\x01乙"\n'
    assert_error(client.post("/v1/render", files={"data": ("q.yaml", quoted.encode())}),
                 422, "U+0001")
    for profile in ("../../etc/passwd", "/srv/house.yaml", "nope"):
        assert_error(client.post("/v1/render", params={"profile": profile}, json=PLAN),
                     422, "unknown profile")


def test_an_uploaded_activity_cannot_name_a_server_file(client: TestClient,
                                                         tmp_path: Path) -> None:
    """A 附件 table reads the activity.yaml beside the data: one sent among ``files``
    must not make the server print a roster of its own disk into the document."""
    secret = tmp_path / "secret.csv"
    secret.write_bytes((SAMPLE / "members.csv").read_bytes())
    activity = (f"活动名称: 甲\n党组织: 乙\n名册: {secret}\n阶段:\n  - 名称: 一\n"
                "    开始: 2024-09-01\n    结束: 2024-09-30\n")
    plan = dict(PLAN, 附件=[{"名称": "名单", "表格": "名册"}])
    response = client.post("/v1/render", files=[
        ("data", ("p.json", json.dumps(plan, ensure_ascii=False).encode())),
        ("files", ("activity.yaml", activity.encode()))])
    error = assert_error(response, 400, "outside")
    assert error["file"] == "activity.yaml" and error["field"] == "名册"
    inside = activity.replace(str(secret), "members.csv")
    response = client.post("/v1/render", files=[
        ("data", ("p.json", json.dumps(plan, ensure_ascii=False).encode())),
        ("files", ("activity.yaml", inside.encode())),
        ("files", ("members.csv", (SAMPLE / "members.csv").read_bytes()))])
    assert response.status_code == 200, response.text
    cells = [c.text for t in Docx(io.BytesIO(response.content)).tables
             for row in t.rows for c in row.cells]
    assert "林明富" in cells


def _user_template(code: str) -> bytes:
    """The built-in plan template with a paragraph 「附注：<code>」 of its own."""
    from gongwen.templating.registry import builtin_template

    document = Docx(io.BytesIO(builtin_template("plan")))
    anchor = next(p for p in document.paragraphs if p.text.startswith("{{p "))
    anchor.insert_paragraph_before("附注：" + code)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("limit", "value", "code", "words"), [
    ("MAX_RENDER_SECONDS", 0.5, "{% for i in range(100000) %}{% for j in range(100000) %}"
     "{% endfor %}{% endfor %}", "0.5 s of CPU time"),
    ("MAX_RENDER_MEMORY", 8 << 20, "{{ range(100000)|map('string')|map('center', 300)"
     "|list|length }}", "more than 8 MB of memory"),
])
def test_a_template_over_its_time_or_memory_is_a_422_naming_it(client: TestClient, monkeypatch,
                                                               limit: str, value: float,
                                                               code: str, words: str) -> None:
    from gongwen.templating import sandbox

    monkeypatch.setattr(sandbox, limit, value)
    response = client.post("/v1/render", files={"data": ("p.json", json.dumps(PLAN).encode()),
                                                "template": ("mine.docx", _user_template(code))})
    error = assert_error(response, 422, "template code stopped", words)
    assert error["file"] == "mine.docx" and "附注：" in error["hint"]
    assert client.post("/v1/render", json=PLAN).status_code == 200  # the server lives on


def test_a_huge_field_is_a_422_naming_it(client: TestClient) -> None:
    started = time.monotonic()
    error = assert_error(client.post("/v1/render", json=dict(PLAN, title="测" * 300_000)),
                         422, "300,000 characters")
    assert error["field"] == "title" and error["file"] and error["line"] and error["hint"]
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("field", ["发文机关", "主送机关", "署名", "附注", "抄送", "印发机关",
                                   "发文字号", "签发人", "正文"])
def test_a_huge_value_in_any_field_is_answered_never_a_500(client: TestClient,
                                                           field: str) -> None:
    data = {"kind": "plan", "发文机关": "中共测试支部", "成文日期": "2025-03-05", "版头": True,
            "发文字号": "测党〔2025〕1号", "标题": "关于测试的实施方案", "正文": "正文。",
            field: "测" * 100_000}
    response = client.post("/v1/render", json=data)
    assert response.status_code in (200, 422), response.text[:300]
    if response.status_code == 200:
        document = Docx(io.BytesIO(response.content))
        text = "".join(p.text for p in document.paragraphs) + "".join(
            c.text for t in document.tables for r in t.rows for c in r.cells)
        assert "测" * 1000 in text  # printed, not cut
        assert len(document.core_properties.author) <= 255
    else:
        assert response.json()["error"]["field"].startswith(field)


def test_a_render_sends_its_warnings_in_headers(client: TestClient) -> None:
    from urllib.parse import unquote

    request = {"类型": "公文", "发文机关": "中共测试支部", "成文日期": "2025-03-05", "正文": "正文。",
               "标题": "关于拨付活动经费的请示", "主送机关": "县教育局党组、县教育局机关党委"}
    response = client.post("/v1/render", json=request)
    assert response.status_code == 200
    (warning,) = [unquote(v) for v in response.headers.get_list("x-gongwen-warning")]
    assert warning.startswith("data.json:") and "请示" in warning and "not 2" in warning
    assert "县教育局党组、县教育局机关党委" in warning and "hint:" in warning
    assert str(client.app.state.settings.data_dir) not in warning  # no server path
    quiet = client.post("/v1/render", json=dict(request, 主送机关="县教育局党组"))
    assert quiet.status_code == 200 and "x-gongwen-warning" not in quiet.headers
    spec = client.get("/openapi.json").json()["paths"]["/v1/render"]["post"]
    assert "X-Gongwen-Warning" in spec["responses"]["200"]["headers"]


def test_too_large_request_is_413(tmp_path: Path) -> None:
    client = TestClient(make_app(tmp_path, limits=__import__("gongwen.serve").serve.Limits(
        max_upload_bytes=10_000)))
    response = client.post("/v1/render", files={"data": ("p.yaml", b"x" * 20_000)})
    assert_error(response, 413, "larger")

    def chunks():  # no Content-Length: the bytes are counted as they come
        for _ in range(20):
            yield b"x" * 1000

    chunked = client.post("/v1/render", content=chunks(),
                          headers={"content-type": "multipart/form-data; boundary=b"})
    assert_error(chunked, 413, "larger")


def test_check_returns_the_report(client: TestClient) -> None:
    docx = client.post("/v1/render", json=PLAN).content
    response = client.post("/v1/check", files={"file": ("方案.docx", docx)})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["profile"] == "strict" and report["unreadable"] == []
    assert report["checked"] == ["方案.docx"]  # the server's folders cut
    assert report["findings"] == []  # gongwen's own output passes
    assert_error(client.post("/v1/check", files={"file": ("a.txt", b"hi")}), 422, ".docx")
    assert_error(client.post("/v1/check", params={"profile": "../house.yaml"},
                             files={"file": ("方案.docx", docx)}), 422, "unknown profile")
    broken = client.post("/v1/check", files={"file": ("坏.pdf", b"%PDF-1.4 not really")})
    assert broken.status_code == 200 and broken.json()["unreadable"][0]["file"] == "坏.pdf"
    assert_error(client.post("/v1/check", files={"file": ("a.docx", zip_bomb())}), 413)


def test_token_guards_every_route(tmp_path: Path) -> None:
    token = "s3cret-token-of-the-test-0123456789"
    client = TestClient(make_app(tmp_path, host="0.0.0.0", token=token))
    assert_error(client.get("/v1/jobs/" + "0" * 32), 401, "token")
    page = client.get("/docs", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/docs"
    assert client.get("/openapi.json").status_code == 401
    bearer = {"Authorization": f"Bearer {token}"}
    assert_error(client.get("/v1/jobs/" + "0" * 32, headers=bearer), 404, "no such job")
    assert client.get("/openapi.json", headers=bearer).json()["paths"]["/v1/render"]
    assert client.post("/login", data={"token": "wrong"}).status_code == 401
    login = client.post("/login", data={"token": token}, follow_redirects=False)
    assert login.status_code == 303 and "gongwen_token" in login.cookies
    assert client.get("/openapi.json").status_code == 200  # the cookie now
    page = client.get("/docs")  # Swagger UI from gongwen itself, no CDN
    assert page.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing external
    script = client.get("/docs-assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000


def _routes(app: object) -> list[tuple[str, str]]:
    """(method, path) of every route of the app, routers included."""
    found = []
    for route in app.routes:  # type: ignore[attr-defined]
        for inner in getattr(getattr(route, "original_router", None), "routes", [route]):
            for method in sorted(getattr(inner, "methods", None) or {"GET"}):
                found.append((method, inner.path))
    return found


def test_no_route_answers_without_the_token(tmp_path: Path) -> None:
    """Every route, the web pages and any added later included, needs the token when
    the server listens beyond this machine; only the login form and its style sheet
    are open."""
    from gongwen.serve.app import OPEN_PATHS

    app = make_app(tmp_path, host="0.0.0.0", token="s3cret-token-of-the-test-0123456789")
    client = TestClient(app)
    values = {"job_id": "0" * 32, "activity_id": "0" * 32, "path": "a.pdf", "name": "web.js"}
    routes = _routes(app)
    assert ("GET", "/activity/{activity_id}") in routes and ("POST", "/roster") in routes
    checked = 0
    for method, path in routes:
        url = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: values[m.group(1)], path)
        if path.startswith("/docs-assets"):  # a mounted folder of files
            url += "/swagger-ui-bundle.js"
        if url in OPEN_PATHS or method == "HEAD":
            continue
        response = client.request(method, url, headers={"accept": "application/json"},
                                  follow_redirects=False)
        assert response.status_code == 401, (method, url, response.status_code)
        checked += 1
    assert checked >= 20


def test_other_hosts_need_a_token() -> None:
    with pytest.raises(InputError, match="no token"):
        Settings(data_dir=Path("x"), host="0.0.0.0").validate()
    Settings(data_dir=Path("x"), host="0.0.0.0", token="t" * 20).validate()
    Settings(data_dir=Path("x"), host="::1").validate()
    gongwen = str(Path(sys.executable).parent / "gongwen")
    done = subprocess.run([gongwen, "serve", "--host", "0.0.0.0"],
                          capture_output=True, text=True, check=False, timeout=60,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and "--token-file" in done.stderr


def test_cli_help_does_not_import_fastapi() -> None:
    code = ("import sys; from gongwen.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit: pass\n"
            "assert 'fastapi' not in sys.modules and 'uvicorn' not in sys.modules, 'imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=60, env={"PYTHONPATH": str(ROOT / "src")})
    assert done.returncode == 0, done.stderr


def test_openapi_describes_every_route_its_body_and_the_error_shape(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert {"/healthz", "/v1/render", "/v1/check", "/v1/jobs", "/v1/jobs/{job_id}",
            "/v1/jobs/{job_id}/files/{path}", "/v1/jobs/{job_id}/files.zip"} <= set(paths)

    def fields(path: str, media: str) -> set[str]:
        body = paths[path]["post"]["requestBody"]["content"][media]["schema"]
        return set(body["properties"])

    assert fields("/v1/render", "multipart/form-data") == {"data", "roster", "tallies",
                                                           "template", "files"}
    assert "application/json" in paths["/v1/render"]["post"]["requestBody"]["content"]
    assert fields("/v1/check", "multipart/form-data") == {"file"}
    assert fields("/v1/jobs", "multipart/form-data") == {"activity", "phase"}
    assert "HTTPValidationError" not in json.dumps(spec)  # a shape the server never sends
    for path, method, codes in [("/v1/render", "post", {"400", "413", "415", "422", "503"}),
                                ("/v1/check", "post", {"413", "422"}),
                                ("/v1/jobs", "post", {"413", "422", "503"}),
                                ("/v1/jobs/{job_id}", "get", {"404"}),
                                ("/v1/jobs/{job_id}/files.zip", "get", {"404", "409"})]:
        responses = paths[path][method]["responses"]
        assert codes <= set(responses), (path, sorted(responses))
        for code in codes:
            schema = responses[code]["content"]["application/json"]["schema"]
            assert set(schema["properties"]["error"]["properties"]) == {
                "message", "file", "line", "field", "hint"}
    assert "503" in paths["/healthz"]["get"]["responses"]
    job = paths["/v1/jobs/{job_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert {"state", "progress", "failures", "findings", "files"} <= set(
        job["schema"]["properties"])
    # what it says is what is sent: a bad body is that shape with those fields
    sent = client.post("/v1/render", content=b"{oops", headers={"content-type":
                                                                 "application/json"})
    assert sent.status_code == 422 and set(sent.json()["error"]) == {
        "message", "file", "line", "field", "hint"}


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    report = response.json()
    assert response.status_code == 200, report
    assert report["ok"] and report["converter"]["alive"] and report["fonts"]["ok"]
    assert report["fonts"]["faces"]["仿宋_GB2312"]


def test_gongwen_serve_answers_on_loopback(tmp_path: Path) -> None:
    """The real command: uvicorn on 127.0.0.1 and a free port, a token, stopped at the end."""
    import socket
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token_file = tmp_path / "token.txt"
    token_file.write_text("a-token-for-this-test-only-42\n", encoding="utf-8")
    gongwen = str(Path(sys.executable).parent / "gongwen")
    server = subprocess.Popen(
        [gongwen, "serve", "--port", str(port), "--data-dir", str(tmp_path / "data"),
         "--token-file", str(token_file)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    try:
        url = f"http://127.0.0.1:{port}"
        headers = {"Authorization": "Bearer a-token-for-this-test-only-42"}
        for _ in range(100):  # at most ~30 s to start
            try:
                httpx.get(url + "/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert httpx.get(url + "/openapi.json", timeout=5).status_code == 401
        response = httpx.post(url + "/v1/render", json=PLAN, headers=headers, timeout=60)
        assert response.status_code == 200
        assert "主题党日" in docx_text(response.content)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"127.0.0.1:{port}" in output
