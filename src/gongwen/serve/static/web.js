// gongwen's pages: the plan form's heading outline, a job page's progress, and the
// roster table's 只看有问题的行.
"use strict";

const CN = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

function chinese(n) {
  if (n <= 10) return CN[n];
  if (n < 20) return "十" + CN[n - 10];
  return CN[Math.floor(n / 10)] + "十" + (n % 10 ? CN[n % 10] : "");
}

const LABEL = [
  (n) => chinese(n) + "、",
  (n) => "（" + chinese(n) + "）",
  (n) => n + ".",
  (n) => "（" + n + "）",
];
// headings written out by hand: 一、 （一） 1. （1）
const WRITTEN = [
  /^[一二三四五六七八九十]+、/,
  /^（[一二三四五六七八九十]+）/,
  /^\d+[.．](?!\d)/,
  /^（\d+）/,
];

// The numbered headings of a body: # marks (numbered as gongwen numbers them) and
// lines that already start with 一、（一）1.（1）.
function outline(text) {
  const counts = [0, 0, 0, 0];
  const found = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const mark = /^(#{1,4})\s*(.+)$/.exec(line);
    if (mark) {
      const level = mark[1].length - 1;
      counts[level] += 1;
      for (let deeper = level + 1; deeper < 4; deeper++) counts[deeper] = 0;
      found.push({ level, text: LABEL[level](counts[level]) + mark[2], line: index + 1 });
      return;
    }
    for (let level = 0; level < 4; level++) {
      if (WRITTEN[level].test(line)) {
        found.push({ level, text: line.slice(0, 30), line: index + 1 });
        return;
      }
    }
  });
  return found;
}

function showOutline(area, list) {
  list.replaceChildren(...outline(area.value).map((h) => {
    const item = document.createElement("li");
    item.className = "l" + (h.level + 1);
    item.textContent = h.text;
    item.title = "第 " + h.line + " 行";
    return item;
  }));
}

const STATES = { queued: "排队中", running: "生成中", done: "已完成", failed: "失败" };

function showJob(box, job) {
  const id = box.dataset.job;
  document.getElementById("state").textContent = STATES[job.state] || job.state;
  const bar = document.getElementById("bar");
  bar.max = job.progress.total || 1;
  bar.value = job.progress.done;
  document.getElementById("stage").textContent =
    (job.progress.stage || "") + " " + job.progress.done + "/" + job.progress.total;
  const tries = document.getElementById("tries");
  tries.textContent = job.attempts
    ? "　第 " + job.attempts + " 次尝试（最多 " + tries.dataset.most + " 次）" : "";
  // a new finding or failure: the server's page says it in Chinese, beside its file:line
  if (job.findings.length !== Number(box.dataset.findings || 0) ||
      job.failures.length !== Number(box.dataset.failures || 0)) {
    window.location.reload();
    return;
  }
  document.getElementById("files").replaceChildren(...job.files.map((path) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = "/v1/jobs/" + id + "/files/" + path.split("/").map(encodeURIComponent).join("/");
    link.download = "";
    link.textContent = path;
    item.append(link);
    return item;
  }));
}

function pollJob(box) {
  if (box.dataset.state === "done" || box.dataset.state === "failed") return;
  fetch("/v1/jobs/" + box.dataset.job, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((job) => {
      if (job.error && !job.state) throw new Error(job.error.message);
      if (job.state === "done" || job.state === "failed") {
        window.location.reload();  // the server's page, with the bundle and every file
        return;
      }
      box.dataset.state = job.state;
      showJob(box, job);
      setTimeout(() => pollJob(box), 1000);
    })
    .catch(() => setTimeout(() => pollJob(box), 3000));
}

if (typeof module !== "undefined") module.exports = { outline };  // node, for the tests

if (typeof document !== "undefined") document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[data-outline]").forEach((area) => {
    const list = document.getElementById(area.dataset.outline);
    area.addEventListener("input", () => showOutline(area, list));
    showOutline(area, list);
  });
  document.querySelectorAll("input[data-filter]").forEach((box) => {
    const table = document.getElementById(box.dataset.filter);
    box.addEventListener("change", () => table.classList.toggle("filtered", box.checked));
  });
  const box = document.getElementById("job");
  if (box) pollJob(box);
});
