"""Chinese wording for the refusals a web page shows most: an upload the server will not
take.  The API keeps its English messages (clients match on them); a page says the same
thing in the words of the people who use it, and falls back to the API's line for
anything not listed here."""

from __future__ import annotations

import re
from typing import Any

#: (pattern on the API's message, the Chinese sentence; groups fill in the names)
_REFUSALS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text) for pattern, text in (
        (r"^'(.+)' is not a relative path inside the job$",
         "压缩包中的「{0}」不是文件夹内的相对路径（含「..」、绝对路径、反斜杠或盘符），"
         "已拒绝，没有解压任何文件。请直接压缩活动文件夹本身。"),
        (r"^'(.+)' leads outside the job$", "「{0}」指向文件夹之外，已拒绝。"),
        (r"^'(.+)' is a symbolic link$",
         "压缩包中的「{0}」是符号链接，已拒绝。请压缩文件本身，而不是指向文件的链接。"),
        (r"^'(.+)' unpacks (\d+) times its packed size",
         "压缩包中的「{0}」解压后是压缩大小的 {1} 倍，疑似压缩炸弹，已拒绝。"),
        (r"^(.+) holds ([\d,]+) files; the server accepts ([\d,]+)$",
         "压缩包含 {1} 个文件，超过服务器允许的 {2} 个。"),
        (r"^(.+) is larger than the server accepts \(([\d,]+) bytes\)$",
         "上传的内容超过服务器允许的大小（{1} 字节）。请拆分后再上传。"),
        (r"^(.+) is not a readable zip file",
         "不是可以读取的 zip 格式文件（.zip、.docx、.xlsx 都是 zip 格式），可能已损坏。"),
        (r"^'(.+)' cannot be unpacked", "压缩包中的「{0}」无法解压，压缩包可能已损坏。"),
        (r"^the zip holds no activity\.yaml$",
         "压缩包里没有 activity.yaml。请把整个活动文件夹（gongwen init 生成的那种）压缩后上传。"),
        (r"^(?:the body )?is not UTF-8 \(byte (\d+)\)$",
         "不是 UTF-8 编码（第 {0} 字节）。请另存为 UTF-8。"),
        (r"^the job queue at (.+) cannot be reached",
         "任务队列暂时连不上，任务没有提交。请稍后再试；一直如此时，请服务器管理员启动 "
         "redis-server 或检查 --queue 设置。"),
        (r"^a worker stopped while running this job .* on each of its (\d+) tries",
         "运行任务的进程意外停止（被终止或内存不足），已尝试 {0} 次，不再重试。"
         "请重新提交；若仍如此，请服务器管理员给 worker 更多内存。"),
        (r"^(.+): font fallback: 「(.+)」 printed in (\S+), which stands in where the "
         r"official faces lack a glyph$",
         "{0}：公文字体没有「{1}」字，已用 {2} 字体代替印出，请核对。"),
    ))


_DATE_HINT = "写成 2025-03-05、2025/3/5 或 2025年3月5日"
#: a form field's error in Chinese: (pattern on the API's message, the message, the hint)
_FIELD: tuple[tuple[re.Pattern[str], str, str | None], ...] = tuple(
    (re.compile(pattern), text, hint) for pattern, text, hint in (
        (r"^is required but missing$", "必填，请填写。", None),
        (r'^"(.+)" is not a date: there is no month (\d+)$', "「{0}」不是有效日期：没有 {1} 月。",
         _DATE_HINT),
        (r'^"(.+)" is not a date: (\d+)年(\d+)月 has (\d+) days$',
         "「{0}」不是有效日期：{1}年{2}月只有 {3} 天。", _DATE_HINT),
        (r'^"(.+)" is not a date', "「{0}」不是日期。", _DATE_HINT),
        (r"^'(.*)': input should be a valid integer", "「{0}」不是整数，请只写数字。", None),
        (r"^is empty$", "为空，请填写。", None),
    ))
#: a roster row's problem in Chinese (花名册检查, 活动与阶段), as :data:`_FIELD`
_ROW: tuple[tuple[re.Pattern[str], str, str | None], ...] = tuple(
    (re.compile(pattern), text, hint) for pattern, text, hint in (
        (r"^is empty$", "姓名为空。", "填写党员姓名，或删去这一行"),
        (r"^'(.+)' does not look like a name$", "「{0}」不像姓名。",
         "合计、填表人等说明不要写在表格里，或写在备注列"),
        (r"^'(.+)' is not 男 or 女$", "「{0}」不是「男」或「女」。", None),
        (r'^"?(.+?)"? is not a year and month: there is no month (\d+)$',
         "「{0}」不是有效的年月：没有 {1} 月。", "写成 1985.03（年.月）"),
        (r'^"?(.+?)"? is not a year and month', "「{0}」不是年月。", "写成 1985.03（年.月）"),
        (r"^(\d+\.\d+) is in the future$", "{0} 还没有到。", "请核对年份"),
        (r"^(.+) is before the member turned (\d+) \(出生年月 (.+)\)$",
         "{0} 时该党员还不满 {1} 岁（出生年月 {2}）。", "请核对出生年月和入党时间是否填反"),
        (r"^编号 (.+) is also on row (\d+)$", "编号 {0} 与第 {1} 行重复。", "每位党员的编号都不相同"),
        (r"^(.+) is also on row (\d+)$", "「{0}」与第 {1} 行同名。",
         "同名的党员请在编号（工号）列各填一个不同的编号"),
    ))


def chinese_field(problem: dict[str, Any], *, row: bool = False) -> dict[str, Any]:
    """A form field's error (the API's fields), or with ``row`` a roster row's problem,
    with its message and hint in Chinese when it is one of those worded here, else as
    it is."""
    message = str(problem.get("message") or "")
    for pattern, text, hint in (*_ROW, *_FIELD) if row else _FIELD:
        match = pattern.match(message)
        if match:
            return {**problem, "message": text.format(*match.groups()), "hint": hint}
    return problem


_BYTES = re.compile(r"([\d,]+) 字节")


def _in_mib(match: re.Match[str]) -> str:
    """「52,428,800 字节」 as 「50 MB」: a size people know (bytes below 1 MiB stay)."""
    count = int(match.group(1).replace(",", ""))
    return f"{count / 1048576:g} MB" if count >= 1048576 else match.group(0)


def chinese_line(text: str) -> str:
    """A message or warning line (a job's findings, its error) in Chinese when it is
    one of those worded here, else as it is."""
    return chinese_error({"message": text}) or text


def chinese_error(body: dict[str, Any]) -> str | None:
    """The error (the API's fields) as one Chinese sentence, or None when it is not one
    of the refusals worded here."""
    message = str(body.get("message") or "")
    for pattern, text in _REFUSALS:
        match = pattern.match(message)
        if match:
            sentence = _BYTES.sub(_in_mib, text.format(*match.groups()))
            file = body.get("file")
            return f"{file}：{sentence}" if file and str(file) not in sentence else sentence
    return None
