"""The 花名册检查, 活动与阶段 and multi-file 检查 pages through the ASGI app, read as
HTML: a bad roster row marked with its message in the row, an activity's phases and
what each owes, refusals in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from serve_helpers import make_app
from starlette.testclient import TestClient
from test_roster import HEADER, xlsx_file
from test_web import no_external_url

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "chuangxian"
HTML = {"accept": "text/html"}
BAD_ROSTER = (HEADER + ",编号\n"
              "张伟,男,1980.05,2005.07,书记,第一支部,01\n"
              "李娜,妖,1985.13,2010.01,委员,第一支部,02\n"
              "王芳,女,1990.01,2012.01,党员,第一支部,03\n")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    with TestClient(make_app(tmp_path_factory.mktemp("pages"))) as client:
        yield client


def row_html(html: str, number: int) -> str:
    found = re.search(rf'<tr id="row-{number}" class="(\w+)">(.*?)</tr>', html, re.DOTALL)
    assert found, f"no row {number}"
    return found.group(1) + "|" + found.group(2)


def test_home_links_to_the_new_pages(client: TestClient) -> None:
    page = client.get("/", headers=HTML)
    for link in ('href="/roster"', 'href="/activity"'):
        assert page.text.count(link) >= 2  # the menu and the card
    assert "花名册检查" in page.text and "活动与阶段" in page.text


def test_roster_form_renders_with_nothing_external(client: TestClient) -> None:
    page = client.get("/roster", headers=HTML)
    assert page.status_code == 200 and "<h1>花名册检查</h1>" in page.text
    assert 'name="file"' in page.text and 'accept=".xlsx,.xlsm,.csv"' in page.text
    no_external_url(page.text)


def test_a_bad_roster_row_is_marked_with_its_message_beside_it(client: TestClient) -> None:
    page = client.post("/roster", files={"file": ("党员名册.csv", BAD_ROSTER.encode())})
    assert page.status_code == 200, page.text
    assert "共 3 行：2 行正确，1 行有问题" in page.text
    good, bad = row_html(page.text, 2), row_html(page.text, 3)
    assert good.startswith("good|") and "张伟" in good and "提示" not in good
    assert bad.startswith("bad|")
    assert "B 列 性别 (gender)：&#39;妖&#39; is not 男 or 女" in bad
    assert "C 列 出生年月 (birth)" in bad
    cells = re.findall(r'<td class="bad-cell">([^<]*)</td>', bad)
    assert cells == ["妖", "1985.13"]
    assert row_html(page.text, 4).startswith("good|")
    assert 'id="only-bad"' in page.text
    assert "/work/" not in page.text and "requests/" not in page.text  # no server path
    no_external_url(page.text)


def test_an_xlsx_roster_shows_every_row_and_the_sheet(client: TestClient) -> None:
    page = client.post("/roster", files={"file": (
        "members.xlsx", (SAMPLE / "members.xlsx").read_bytes())})
    assert page.status_code == 200, page.text
    assert "共 13 行：13 行正确，0 行有问题" in page.text
    assert len(re.findall(r'<tr id="row-\d+" class="good">', page.text)) == 13
    assert 'class="bad"' not in page.text and 'id="only-bad"' not in page.text


def test_a_roster_without_a_name_column_is_one_error(client: TestClient, tmp_path) -> None:
    path = xlsx_file(tmp_path, [["名字甲", "性别"], ["张伟", "男"]])
    page = client.post("/roster", files={"file": ("表.xlsx", path.read_bytes())})
    assert page.status_code == 422
    error = re.search(r'<p class="error" id="error">([^<]+)</p>', page.text)
    assert error and "no 姓名 column" in error.group(1) and "表.xlsx" in error.group(1)
    assert "/work/" not in error.group(1)


@pytest.mark.parametrize("name, content, words", [
    ("名册.xls", b"\xd0\xcf\x11\xe0", "不是 .xlsx 或 .csv 文件"),
    ("名册.xlsx", b"PK\x03\x04 not a zip", "不是可以读取的 zip 格式文件"),
])
def test_a_file_that_is_no_roster_is_refused_in_chinese(client: TestClient, name: str,
                                                         content: bytes, words: str) -> None:
    page = client.post("/roster", files={"file": (name, content)})
    assert 400 <= page.status_code < 500
    error = re.search(r'<p class="error" id="error">([^<]+)</p>', page.text)
    assert error and words in error.group(1), page.text
