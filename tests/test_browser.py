"""The pages in a real browser: Debian's headless Chromium (1366 × 768), driven by
Selenium through chromedriver, against a real ``gongwen serve`` on a free port.

A person's three errands: upload a roster with a bad row and read its message; fill the
plan form and see the page preview; generate the sample activity's first phase and
download its bundle.  Skipped only where Chromium is missing and CI is unset.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ROOT = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 1366, 768

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()) and not os.environ.get("CI"):
    pytest.skip("Chromium or chromedriver is not installed (scripts/setup-system.sh)",
                allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``gongwen serve`` as a user starts it, on a free port; its URL."""
    folder = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys, gongwen.cli; sys.exit(gongwen.cli.main())",
         "serve", "--port", str(port), "--data-dir", str(folder / "data")],
        stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/static/web.css", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("gongwen serve did not start: "
                            + (folder / "server.log").read_text(errors="replace")[-2000:])
            time.sleep(0.3)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", f"--window-size={WIDTH},{HEIGHT}", "--lang=zh-CN"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(300)
    assert driver.execute_script("return innerWidth") == WIDTH
    try:
        yield driver
    finally:
        driver.quit()


def wait(browser: webdriver.Chrome, seconds: float = 30) -> WebDriverWait:
    return WebDriverWait(browser, seconds, poll_frequency=0.25)


def no_sideways_scroll(browser: webdriver.Chrome) -> None:
    """The page fits 1366 px: nothing scrolls sideways but a wide table's own box."""
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= WIDTH, f"the page is {width} px wide"


def test_a_bad_roster_row_shows_its_message(browser: webdriver.Chrome, server: str,
                                            tmp_path: Path) -> None:
    roster = tmp_path / "党员名册.csv"
    roster.write_text("姓名,性别,出生年月,入党时间,职务,所在支部\n"
                      "张伟,男,1980.05,2005.07,书记,第一支部\n"
                      "李娜,妖,1985.06,2010.01,委员,第一支部\n"
                      "王芳,女,1990.01,2012.01,党员,第一支部\n", encoding="utf-8")
    browser.get(server + "/")
    browser.find_element(By.CSS_SELECTOR, "nav a[href='/roster']").click()
    wait(browser).until(ec.title_contains("花名册检查"))
    browser.find_element(By.CSS_SELECTOR, "input[name=file]").send_keys(str(roster))
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    row = wait(browser).until(ec.presence_of_element_located((By.ID, "row-3")))
    assert "bad" in row.get_attribute("class").split()
    problems = row.find_element(By.CSS_SELECTOR, "td.problems").text
    assert "B 列 性别 (gender)：「妖」不是「男」或「女」。" in problems
    cell = row.find_element(By.CSS_SELECTOR, "td.bad-cell")
    assert cell.text == "妖" and cell.is_displayed()
    good_colour = browser.find_element(By.CSS_SELECTOR, "#row-2 td").value_of_css_property(
        "background-color")
    assert cell.value_of_css_property("background-color") != good_colour  # marked
    assert "共 3 行：2 行正确，1 行有问题" in browser.find_element(By.ID, "summary").text
    browser.find_element(By.ID, "only-bad").click()  # 只看有问题的行
    assert not browser.find_element(By.ID, "row-2").is_displayed()
    assert browser.find_element(By.ID, "row-3").is_displayed()
    no_sideways_scroll(browser)


def test_the_plan_form_shows_its_outline_and_the_page_preview(browser: webdriver.Chrome,
                                                              server: str) -> None:
    browser.get(server + "/plan")
    fields = {"发文机关": "中共测试县第二小学支部委员会", "机关代字": "测二小党支",
              "年份": "2025", "序号": "7", "标题": "关于开展主题党日活动的实施方案",
              "主送机关": "各党小组", "成文日期": "2025-03-05"}
    for name, value in fields.items():
        browser.find_element(By.ID, f"in-{name}").send_keys(value)
    body = browser.find_element(By.ID, "in-正文")
    body.send_keys("为落实上级要求，制定本方案。\n# 工作目标\n全体党员参加主题党日。\n"
                   "## 学习安排\n每月集中学习。\n# 工作要求\n认真组织。")
    outline = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#outline li")]
    assert outline == ["一、工作目标", "（一）学习安排", "二、工作要求"]  # as typed
    browser.find_element(By.CSS_SELECTOR, "button[value=preview]").click()
    wait(browser, 180).until(lambda b: b.find_elements(By.ID, "preview")
                             or b.find_elements(By.CSS_SELECTOR, "p.error"))
    errors = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "p.error")]
    assert not errors, errors
    assert browser.find_element(By.ID, "preview").text.startswith("预览")
    images = browser.find_elements(By.CSS_SELECTOR, ".pages img")
    assert images
    for image in images:
        natural = browser.execute_script("return [arguments[0].naturalWidth, "
                                         "arguments[0].naturalHeight]", image)
        assert natural[0] > 300 and 1.3 < natural[1] / natural[0] < 1.5  # an A4 page
    assert browser.find_element(By.ID, "in-标题").get_attribute("value") == fields["标题"]
    no_sideways_scroll(browser)


def test_generate_the_sample_phase_and_download_its_bundle(browser: webdriver.Chrome,
                                                           server: str,
                                                           downloads: Path) -> None:
    browser.get(server + "/")
    browser.find_element(By.CSS_SELECTOR, "nav a[href='/activity']").click()
    wait(browser).until(ec.title_contains("活动与阶段"))
    browser.find_element(By.ID, "use-sample").click()
    phase = wait(browser, 60).until(ec.presence_of_element_located((By.ID, "phase-1")))
    activity_url = browser.current_url
    assert "发动部署" in phase.find_element(By.TAG_NAME, "h2").text
    owed = [td.text for td in phase.find_elements(By.CSS_SELECTOR, "tbody tr td:first-child")]
    assert "plan.yaml" in owed and "pledge.yaml" in owed
    no_sideways_scroll(browser)
    button = phase.find_element(By.CSS_SELECTOR, "button.generate")
    assert button.is_enabled()
    button.click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "job")))
    assert browser.find_element(By.ID, "back").get_attribute("href") == activity_url
    # the page polls the job and reloads itself when it is done
    wait(browser, 600).until(lambda b: b.find_element(By.ID, "job").get_attribute(
        "data-state") in ("done", "failed"))
    assert browser.find_element(By.ID, "state").text == "已完成", \
        browser.find_element(By.ID, "job-error").text
    previews = browser.find_elements(By.CSS_SELECTOR, ".pages img")
    assert previews and all(browser.execute_script(
        "return arguments[0].naturalWidth", image) > 100 for image in previews)
    link = browser.find_element(By.ID, "bundle")
    name = link.get_attribute("href").rsplit("/", 1)[1]
    shutil.rmtree(downloads, ignore_errors=True)
    downloads.mkdir()
    link.click()
    deadline = time.monotonic() + 60
    while True:
        done = [p for p in downloads.iterdir() if p.suffix == ".pdf"]
        if done and not list(downloads.glob("*.crdownload")):
            break
        assert time.monotonic() < deadline, f"no download of {name}: {list(downloads.iterdir())}"
        time.sleep(0.25)
    reader = PdfReader(done[0])
    assert len(reader.pages) > 10 and reader.outline  # cover, 目录, the five documents
    assert done[0].name.endswith("材料汇编.pdf")
    assert browser.find_elements(By.CSS_SELECTOR, "#files a[href$='.docx']")
