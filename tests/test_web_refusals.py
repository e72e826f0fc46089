"""What a person on a web page sees when the server refuses: a Chinese sentence on the
page they came from (never the API's JSON), and a job's tries and warnings in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from serve_helpers import folder_zip, make_app, zip_bytes
from starlette.testclient import TestClient

from gongwen.serve import Limits, Settings, create_app
from gongwen.serve.queue.worker import GAVE_UP, GAVE_UP_HINT
from gongwen.serve.runner import Busy
from gongwen.serve.store import FAILED, JobStore

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "chuangxian"
HTML = {"accept": "text/html"}


def error_line(html: str) -> str:
    found = re.search(r'<p class="error" id="error">([^<]+)</p>', html)
    assert found, html
    return found.group(1)


class DownQueue:
    """A runner whose Redis does not answer, as the queue runner reports it."""

    def submit(self, job_id: str) -> None:
        raise Busy("the job queue at redis://127.0.0.1:6399/0 cannot be reached "
                   "(OperationalError)", hint="try again shortly")

    def recover(self, store: JobStore) -> None:
        pass

    def close(self) -> None:
        pass

    def health(self) -> dict:
        return {"url": "redis://127.0.0.1:6399/0", "ok": False,
                "error": "Redis cannot be reached (OperationalError)"}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    """A server that takes requests of at most 4 KiB."""
    app = make_app(tmp_path_factory.mktemp("small"), limits=Limits(max_upload_bytes=4096))
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("path, field, title", [
    ("/roster", "file", "花名册检查"),
    ("/check", "file", "检查公文格式"),
    ("/jobs", "activity", "生成阶段材料"),
    ("/activity", "activity", "活动与阶段"),
    ("/plan", "正文", "起草实施方案"),
])
def test_an_upload_over_the_limit_is_the_page_in_chinese(small: TestClient, path: str,
                                                         field: str, title: str) -> None:
    page = small.post(path, files={field: ("big.zip", b"x" * 10_000)}, data={"phase": "发动部署"})
    assert page.status_code == 413
    assert page.headers["content-type"].startswith("text/html")
    assert f"<h1>{title}</h1>" in page.text
    assert error_line(page.text) == "上传的内容超过服务器允许的大小（4,096 字节）。请拆分后再上传。"


def test_the_api_over_the_limit_still_answers_json(small: TestClient) -> None:
    response = small.post("/v1/jobs", files={"activity": ("big.zip", b"x" * 10_000)},
                          data={"phase": "发动部署"})
    assert response.status_code == 413
    assert "larger than the server accepts" in response.json()["error"]["message"]


@pytest.fixture(scope="module")
def down(tmp_path_factory: pytest.TempPathFactory):
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("down")), runner=DownQueue())
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.mark.parametrize("content, words", [
    (zip_bytes({"activity.yaml": b"x: 1\n", "../x": b"boom"}), "压缩包中的「../x」不是文件夹内的相对路径"),
    (b"not a zip", "不是可以读取的 zip 格式文件"),
    (zip_bytes({"readme.txt": b"x"}), "压缩包里没有 activity.yaml"),
])
def test_a_bad_zip_on_the_jobs_page_is_refused_in_chinese(down: TestClient, content: bytes,
                                                          words: str) -> None:
    page = down.post("/jobs", files={"activity": ("活动.zip", content)}, data={"phase": "发动部署"})
    assert 400 <= page.status_code < 500
    assert words in error_line(page.text)
    assert "<h1>生成阶段材料</h1>" in page.text


def test_a_queue_that_does_not_answer_is_said_in_chinese(down: TestClient) -> None:
    page = down.post("/jobs", files={"activity": ("活动.zip", folder_zip(SAMPLE))},
                     data={"phase": "发动部署"})
    assert page.status_code == 503
    assert error_line(page.text).startswith("任务队列暂时连不上，任务没有提交。")
    home = down.get("/", headers=HTML)
    health = re.search(r'<p class="health[^"]*" id="health">([^<]+)</p>', home.text)
    assert health and health.group(1).startswith("服务异常：")
    assert "任务队列（Redis）连不上" in health.group(1)


def test_a_job_page_shows_its_tries_and_says_its_warnings_in_chinese(down: TestClient) -> None:
    store = down.app.state.store
    job = store.create(store.new_id(), "发动部署")
    store.update(job.id, state=FAILED, attempts=2, findings=[
        "党员承诺书/周𠮷安: font fallback: 「𠮷」 printed in NotoSerifCJKsc-Regular, which "
        "stands in where the official faces lack a glyph"],
        error={"message": GAVE_UP.format(n=2), "file": None, "line": None, "field": None,
               "hint": GAVE_UP_HINT})
    page = down.get(f"/jobs/{job.id}", headers=HTML)
    assert page.status_code == 200
    tries = re.search(r'<span id="tries"[^>]*>([^<]*)</span>', page.text)
    assert tries and tries.group(1).strip() == "第 2 次尝试（最多 2 次）"
    assert "党员承诺书/周𠮷安：公文字体没有「𠮷」字，已用 NotoSerifCJKsc-Regular 字体代替印出" \
        in page.text
    error = re.search(r'<p class="error" id="job-error">([^<]*)</p>', page.text)
    assert error and error.group(1).startswith("运行任务的进程意外停止"), page.text


def test_a_job_run_in_the_server_shows_no_tries(down: TestClient) -> None:
    store = down.app.state.store
    job = store.create(store.new_id(), "发动部署")
    page = down.get(f"/jobs/{job.id}", headers=HTML)
    tries = re.search(r'<span id="tries"[^>]*>([^<]*)</span>', page.text)
    assert tries and tries.group(1) == ""


TOKEN = "s3cret-token-of-the-test-0123456789"


@pytest.fixture
def guarded(tmp_path: Path):
    with TestClient(make_app(tmp_path, host="0.0.0.0", token=TOKEN),
                    follow_redirects=False) as client:
        yield client


def test_the_login_form_says_what_a_token_is_and_comes_back_to_the_page(guarded) -> None:
    asked = guarded.get("/roster?x=1", headers=HTML)
    assert asked.status_code == 303 and asked.headers["location"] == "/login?next=/roster%3Fx%3D1"
    form = guarded.get(asked.headers["location"], headers=HTML)
    assert form.status_code == 200 and "<h1>登录</h1>" in form.text
    assert "请向管理员索取" in form.text and 'name="next" value="/roster?x=1"' in form.text
    assert guarded.get("/static/web.css").status_code == 200  # the form has its style
    wrong = guarded.post("/login", data={"token": "nope", "next": "/roster"}, headers=HTML)
    assert wrong.status_code == 401 and error_line(wrong.text).startswith("令牌不对。")
    assert 'name="next" value="/roster"' in wrong.text
    right = guarded.post("/login", data={"token": TOKEN, "next": "/roster?x=1"}, headers=HTML)
    assert right.status_code == 303 and right.headers["location"] == "/roster?x=1"
    assert guarded.get("/roster", headers=HTML).status_code == 200


@pytest.mark.parametrize("elsewhere", ["https://example.com/", "//example.com/", "/\\example.com"])
def test_the_login_form_never_sends_a_browser_elsewhere(guarded, elsewhere: str) -> None:
    right = guarded.post("/login", data={"token": TOKEN, "next": elsewhere}, headers=HTML)
    assert right.status_code == 303 and right.headers["location"] == "/"


def test_a_page_form_sent_without_the_cookie_goes_to_the_login_form(guarded) -> None:
    sent = guarded.post("/roster", files={"file": ("名册.csv", b"x")}, headers=HTML)
    assert sent.status_code == 303 and sent.headers["location"] == "/login?next=/roster"
    run = guarded.post("/activity/" + "0" * 32 + "/run", data={"phase": "1"}, headers=HTML)
    assert run.headers["location"] == "/login?next=/activity/" + "0" * 32
    api = guarded.post("/v1/render", json={}, headers=HTML)  # the API answers JSON
    assert api.status_code == 401 and api.json()["error"]["field"] == "Authorization"


def test_the_activity_page_names_each_kind_in_chinese(down: TestClient) -> None:
    made = down.post("/activity", data={"source": "sample"})
    page = down.get(made.headers["location"], headers=HTML)
    first = page.text.split("<h2>2. ")[0]
    kinds = re.findall(r'<tr class="good"><td>[^<]+</td><td>([^<]+)</td>', first)
    assert kinds == ["实施方案", "通知", "请示", "简报", "承诺书"]  # a 公文 by its 文种


def test_a_size_is_said_in_mb_once_it_is_one() -> None:
    from gongwen.serve.web_text import chinese_error

    big = {"message": "the request is larger than the server accepts (52,428,800 bytes)"}
    assert chinese_error(big) == "上传的内容超过服务器允许的大小（50 MB）。请拆分后再上传。"
    half = {"message": "the upload is larger than the server accepts (1,572,864 bytes)"}
    assert chinese_error(half) == "上传的内容超过服务器允许的大小（1.5 MB）。请拆分后再上传。"


def field_errors(html: str) -> dict[str, str]:
    """Each form field's error as shown under it: field → 'message|hint'."""
    found = re.findall(r'<p class="error field-error" data-field="([^"]+)">([^<]*)'
                       r'(?:<br><span class="hint">提示：([^<]*)</span>)?</p>', html)
    return {field: f"{message}|{hint}" for field, message, hint in found}


@pytest.mark.parametrize("changes, field, shown", [
    ({"标题": ""}, "标题", "必填，请填写。|"),
    ({"成文日期": "2025-13-01"}, "成文日期",
     "「2025-13-01」不是有效日期：没有 13 月。|写成 2025-03-05、2025/3/5 或 2025年3月5日"),
    ({"成文日期": "2025-02-30"}, "成文日期",
     "「2025-02-30」不是有效日期：2025年2月只有 28 天。|写成 2025-03-05、2025/3/5 或 2025年3月5日"),
    ({"成文日期": "下周一"}, "成文日期", "「下周一」不是日期。|写成 2025-03-05、2025/3/5 或 2025年3月5日"),
    ({"年份": "20x4", "机关代字": "测党支", "序号": "3"}, "年份", "「20x4」不是整数，请只写数字。|"),
])
def test_a_plan_field_error_is_said_in_chinese_under_its_field(down: TestClient, changes: dict,
                                                               field: str, shown: str) -> None:
    form = {"发文机关": "中共测试县第二小学支部委员会", "标题": "关于开展主题党日活动的实施方案",
            "正文": "# 工作目标\n全体党员参加。", "成文日期": "2025-03-05", **changes}
    page = down.post("/plan", data=form, headers=HTML)
    assert page.status_code == 422, page.text
    assert field_errors(page.text)[field] == shown


ROSTER = ("姓名,性别,出生年月,入党时间,编号\n"
          "张三,男,1985.13,2010.06,01\n"      # row 2
          ",女,1990.01,2015.07,02\n"          # row 3
          "李四,X,abc,2015.07,03\n"          # row 4
          "王五,男,1990.01,2001.07,04\n"      # row 5: joined at 11
          "赵六,女,2990.01,,05\n"            # row 6: born in the future
          "孙七,男,1980.01,2005.01,07\n"      # row 7
          "周八,女,1981.01,2006.01,07\n"      # row 8: 编号 of row 7
          "孙七,男,1982.01,2007.01,\n")       # row 9: 孙七 again, without 编号


def test_a_roster_rows_problems_are_said_in_chinese(down: TestClient) -> None:
    page = down.post("/roster", files={"file": ("名册.csv", ROSTER.encode())}, headers=HTML)
    assert page.status_code == 200

    def problems(number: int) -> list[str]:
        row = re.search(rf'<tr id="row-{number}"[^>]*>(.*?)</tr>', page.text, re.S)
        assert row, number
        return [re.sub(r"<[^>]+>", "|", item)
                for item in re.findall(r"<li>(.*?)</li>", row.group(1), re.S)]

    assert problems(2) == ["C 列 出生年月 (birth)：「1985.13」不是有效的年月：没有 13 月。|"
                           "|提示：写成 1985.03（年.月）|"]
    assert problems(3) == ["A 列 姓名 (name)：姓名为空。||提示：填写党员姓名，或删去这一行|"]
    assert problems(4) == ["B 列 性别 (gender)：「X」不是「男」或「女」。",
                           "C 列 出生年月 (birth)：「abc」不是年月。||提示：写成 1985.03（年.月）|"]
    assert problems(5) == ["D 列 入党时间 (joined)：2001.07 时该党员还不满 18 岁（出生年月 1990.01）。"
                           "||提示：请核对出生年月和入党时间是否填反|"]
    assert problems(6) == ["C 列 出生年月 (birth)：2990.01 还没有到。||提示：请核对年份|"]
    assert problems(7) == []
    assert problems(8) == ["E 列 编号 (id)：编号 07 与第 7 行重复。||提示：每位党员的编号都不相同|"]
    assert problems(9) == ["A 列 姓名 (name)：「孙七」与第 7 行同名。||"
                           "提示：同名的党员请在编号（工号）列各填一个不同的编号|"]
