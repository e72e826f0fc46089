"""README's screenshots of the web pages, taken anew: a real ``gongwen serve`` on a free
port, Debian's headless Chromium at 1366 px wide, each page doing what a person would do
on it.  Writes docs/images/web-*.png.

    .venv/bin/python scripts/web_screenshots.py [--out docs/images]

Needs chromium and chromium-driver (scripts/setup-system.sh) and selenium (the test
extra); LibreOffice renders the previews as it does for any page.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "chuangxian"
WIDTH = 1366
ROSTER = ("序号,姓名,性别,出生年月,入党时间,职务,所在支部,编号\n"
          "1,林明富,男,1972.05,1996.07,党支部书记,第一支部,DJS001\n"
          "2,陈秀英,女,1978.11,2003.06,党支部副书记,第一支部,DJS002\n"
          "3,王建国,M,1969.03,1992.13,组织委员,第一支部,DJS003\n"
          "4,吴静,女,1985.09,2001.10,宣传委员,第一支部,DJS004\n"
          "5,张伟,男,1990.01,2015.06,党员,第一支部,DJS002\n"
          "6,李娜,女,1993.04,2018.07,党员,第一支部,DJS006\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(data: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys, gongwen.cli; sys.exit(gongwen.cli.main())",
         "serve", "--port", str(port), "--data-dir", str(data)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/static/web.css", timeout=2).close()
            return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gongwen serve did not start")


def browser(downloads: Path):  # noqa: ANN201 (selenium is imported here, not at the top)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", f"--window-size={WIDTH},768", "--hide-scrollbars"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def shoot(driver, path: Path, height: int = 768) -> None:  # noqa: ANN001
    """The page at 1366 × ``height`` (the top of a long page, as a screen shows it)."""
    driver.set_window_size(WIDTH, height)
    time.sleep(0.4)
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(path))
    print(path)


def draft_docx(path: Path) -> None:
    """A draft as Word makes one when nobody set it up: Letter paper, Calibri, no grid."""
    from docx import Document

    document = Document()
    document.add_paragraph("关于开展主题党日活动的通知")
    document.add_paragraph("各党小组：")
    document.add_paragraph("为落实上级要求，经支部委员会研究，决定开展主题党日活动。")
    document.add_paragraph("一、活动时间")
    document.add_paragraph("三、活动要求")
    document.save(path)


def broken_sample(folder: Path) -> Path:
    """The sample with a roster row and a 通知 date gone wrong, as people get them wrong."""
    target = folder / "创先争优活动"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("out", ".*"))
    roster = target / "members.csv"
    roster.write_text(roster.read_text("utf-8").replace("2,陈秀英,女", "2,陈秀英,妇"), "utf-8")
    notice = target / "notice.yaml"
    notice.write_text(notice.read_text("utf-8").replace("成文日期: 2024-09-03",
                                                        "成文日期: 2024-10-08"), "utf-8")
    packed = folder / "创先争优活动.zip"
    shutil.make_archive(str(packed.with_suffix("")), "zip", folder, target.name)
    return packed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    work = Path(tempfile.mkdtemp(prefix="gongwen-shots-"))
    server, url = start_server(work / "data")
    driver = browser(work / "downloads")
    wait = WebDriverWait(driver, 300, poll_frequency=0.3)
    try:
        driver.get(url + "/")
        shoot(driver, out / "web-home.png")

        roster = work / "党员名册.csv"
        roster.write_text(ROSTER, encoding="utf-8")
        driver.get(url + "/roster")
        driver.find_element(By.NAME, "file").send_keys(str(roster))
        driver.find_element(By.CSS_SELECTOR, "form button").click()
        wait.until(lambda d: d.find_elements(By.ID, "roster-table"))
        shoot(driver, out / "web-roster.png", 900)

        draft, plan = work / "草稿.docx", work / "实施方案.docx"
        draft_docx(draft)
        subprocess.run([sys.executable, "-c", "import sys, gongwen.cli; "
                        "sys.exit(gongwen.cli.main())", "render", str(SAMPLE / "plan.yaml"),
                        "-o", str(plan)], check=True, env={**os.environ,
                                                           "PYTHONPATH": str(ROOT / "src")},
                       stdout=subprocess.DEVNULL)
        driver.get(url + "/check")
        driver.find_element(By.NAME, "file").send_keys(f"{draft}\n{plan}")
        driver.find_element(By.CSS_SELECTOR, "form button").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "section.checked"))
        shoot(driver, out / "web-check.png", 900)

        driver.get(url + "/plan")
        fields = {"发文机关": "中共测试县第二小学支部委员会", "机关代字": "测二小党支",
                  "年份": "2025", "序号": "7", "标题": "关于开展主题党日活动的实施方案",
                  "主送机关": "各党小组", "成文日期": "2025-03-05",
                  "正文": "为落实上级要求，结合我校实际，制定本方案。\n# 工作目标\n"
                          "全体党员参加主题党日。\n## 学习安排\n每月第一周集中学习。\n"
                          "## 实践安排\n开展志愿服务。\n# 工作要求\n各党小组认真组织。"}
        for name, value in fields.items():
            driver.find_element(By.ID, f"in-{name}").send_keys(value)
        driver.find_element(By.CSS_SELECTOR, "button[value=preview]").click()
        wait.until(lambda d: d.find_elements(By.ID, "preview"))
        shoot(driver, out / "web-plan.png", 1400)

        driver.get(url + "/activity")
        driver.find_element(By.NAME, "activity").send_keys(str(broken_sample(work)))
        driver.find_element(By.CSS_SELECTOR, "#upload-form button").click()
        wait.until(lambda d: d.find_elements(By.ID, "phase-1"))
        shoot(driver, out / "web-activity.png", 1100)

        driver.get(url + "/activity")
        driver.find_element(By.ID, "use-sample").click()
        wait.until(lambda d: d.find_elements(By.ID, "phase-1"))
        driver.find_element(By.CSS_SELECTOR, "#phase-1 button.generate").click()
        wait.until(lambda d: d.find_elements(By.ID, "job") and d.find_element(
            By.ID, "job").get_attribute("data-state") in ("done", "failed"))
        shoot(driver, out / "web-job.png", 1000)
    finally:
        driver.quit()
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    for path in sorted(out.glob("web-*.png")):  # smaller files, same pixels
        from PIL import Image

        image = Image.open(path)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        path.write_bytes(buffer.getvalue())


if __name__ == "__main__":
    main()
