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
    it is (a form field's other errors as :func:`chinese_data` words them)."""
    message = str(problem.get("message") or "")
    for pattern, text, hint in (*_ROW, *_FIELD) if row else _FIELD:
        match = pattern.match(message)
        if match:
            return {**problem, "message": text.format(*match.groups()), "hint": hint}
    return problem if row else chinese_data(problem)


#: a data file's problem in Chinese (活动与阶段, a job's failures), as :data:`_FIELD`; a
#: hint of None is the English hint put in Chinese by :data:`_HINTS` when it can be
_DATA: tuple[tuple[re.Pattern[str], str, str | None], ...] = tuple(
    (re.compile(pattern), text, hint) for pattern, text, hint in (
        (r"^dated (\S+), outside phase (.+) \((\S+) – (\S+)\)$",
         "日期 {0} 不在「{1}」阶段（{2} 至 {3}）之内。", None),
        (r"^listed in phase (.+), which ends (\S+) before its date (\S+)$",
         "列在「{0}」阶段下，但该阶段 {1} 就结束了，早于本文件的日期 {2}。",
         "改正日期，或把这个文件移到它所属的阶段下"),
        (r'^"(.+)" is not a GB/T 9704 document number \(发文字号\)$',
         "「{0}」不是规范的发文字号（GB/T 9704）。", None),
        (r'^"(.+)" is not a document number \(发文字号\)$', "「{0}」不是发文字号。", None),
        (r"^is required but missing$", "缺少这一必填项。", None),
        (r"^unknown field$", "没有这一项（名称可能写错了）。", None),
        (r"^given twice: as (.+) and as (.+)$", "写了两次：「{0}」和「{1}」是同一项。", None),
        (r"^is empty$", "冒号后没有内容。", None),
        (r"^(.+): file not found$", "找不到文件「{0}」。", None),
        (r"^'(.+)': file not found \(looked for .+\)$", "找不到文件「{0}」。", None),
        (r"^file not found$", "找不到这个文件。", None),
        (r"^picture '(.+)' not found \(looked for .+\)$", "找不到图片「{0}」。", None),
        (r"^a 请示 is sent to one organ, not (\d+) \((.+)\)$",
         "请示只能主送一个机关，这里写了 {0} 个（{1}）。", None),
        (r"^is not UTF-8 text \(byte (\d+)\)$", "不是 UTF-8 编码的文本（第 {0} 字节起）。", None),
        (r"^expected a mapping of field: value at the top level$",
         "文件内容应是一行一项的「名称: 内容」。", None),
        (r"^is a folder, not a (?:data )?file$", "是文件夹，不是文件。", None),
        (r"^repeats or goes back: (\d+) after (\d+) in (.+)$",
         "期号 {0} 重复或倒退了：前一期 {2} 已是第 {1} 期。", None),
        (r"^skips (.+): (\d+) follows (\d+) of (.+)$",
         "跳过了第 {0} 期：前一期 {3} 是第 {2} 期，这里是第 {1} 期。", None),
        (r"^(.+) is already the 发文字号 of (.+)$", "{0} 已是 {1} 的发文字号。", None),
        (r"^(.+) is not in the roster (.+)$", "「{0}」不在花名册 {1} 中。", None),
        (r"^unknown document kind '(.+)'$", "不认识的材料种类「{0}」。", None),
        (r'^"(.+)" is not a valid document number \(发文字号\)$', "「{0}」不是有效的发文字号。", None),
        (r"^'?(.+?)'?: input should be a valid string$", "「{0}」应写成文字。", None),
        (r"^'?(.+?)'?: input should be a valid dictionary",
         "「{0}」处应是下一级的各项（缩进写「名称: 内容」），不是一段文字。", None),
        (r"^'?(.+?)'?: input should be a valid list", "「{0}」处应是列表（每行一项，以「- 」开头）。", None),
        (r"^'?(.+?)'?: input should be a valid boolean", "「{0}」应写 true 或 false。", None),
        (r"^unsupported file type (.+)$", "不能读取 {0} 文件。", None),
        (r"^is (\d+) characters long, more than a title's (\d+)$",
         "有 {0} 个字，标题最多 {1} 个字。", "请精简；说明性的文字写进正文"),
        (r'^level-(\d) heading numbered "(.+)", a level-(\d) number$',
         "第 {0} 级标题用了「{1}」，这是第 {2} 级标题的序号。", None),
    ))
#: what the YAML reader found (after "malformed YAML: "), in Chinese
_YAML: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text) for pattern, text in (
        (r"^found character '\\t' that cannot start any token",
         "有制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成空格"),
        (r"^could not find expected ':'",
         "缺少英文冒号。每一项写成「名称: 内容」，冒号用英文的「:」，后面空一格"),
        (r"^mapping values are not allowed here",
         "内容中有英文冒号「: 」。请改成中文冒号「：」，或给整段内容加上引号"),
        (r"^expected <block end>, but found", "缩进没有对齐。同一层的各项要缩进同样多的空格"),
        (r'^found duplicate key "(.+?)"', "「{0}」写了两次，请只保留一个"),
        (r"^found unexpected end of stream", "引号没有配对：有开头的引号，没有结尾的引号"),
        (r"^expected ',' or '\]', but got", "方括号 [ ] 中的列表写错了：检查是否缺少「]」或逗号"),
    ))
#: one part of a hint (the parts are joined by "; "), in Chinese
_HINTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text) for pattern, text in (
        (r"^correct the date, or list the file under the phase it belongs to$",
         "改正日期，或把这个文件移到它所属的阶段下"),
        (r"^expected YYYY-MM-DD$", _DATE_HINT),
        (r"^add it to the file$", "在文件中加上这一项"),
        (r"^did you mean '(.+)'\?$", "是不是要写「{0}」？"),
        (r"^keep one of them$", "只保留其中一个"),
        (r"^write its value after the colon, or leave the line out if the field is optional$",
         "在冒号后写上内容；这一项可以不填时，删去这一行"),
        (r"^check indentation and quote values that contain ':' or '#'$",
         "检查缩进（只用空格，同一层对齐）；内容中有「:」或「#」时，给它加上引号"),
        (r"^check the path$", "核对文件名"),
        (r"^relative paths start at the data file's folder$", "路径从数据文件所在的文件夹算起"),
        (r"^paths are relative to the activity folder\b.*$",
         "核对文件名；路径从活动文件夹（activity.yaml 所在处）算起"),
        (r"^paths are relative to the data file's folder$", "路径从数据文件所在的文件夹算起"),
        (r"^JPEG, PNG, GIF, BMP or TIFF$", "图片可以是 JPEG、PNG、GIF、BMP 或 TIFF 格式"),
        (r"^keep the one that decides; send the others a copy with 抄送$",
         "只保留负责批复的那个机关，其他机关写在「抄送」里"),
        (r"^save the file as UTF-8$", "用记事本或 WPS「另存为」UTF-8 编码"),
        (r"^the year goes in 〔〕, not (.+)$", "年份要用六角括号〔〕，不能用 {0}"),
        (r"^no 第 before the serial number$", "序号前不加「第」"),
        (r"^the serial number has no leading zeros$", "序号不编虚位（1 不写作 01）"),
        (r"^the number ends with 号$", "末尾要有「号」字"),
        (r"^the year has (\d) digits, e\.g\. (\d+)$", "年份写全 {0} 位，如 {1}"),
        (r"^the serial number is a whole number from 1$", "序号是从 1 起的整数"),
        (r"^机关代字 is Chinese characters only, e\.g\. (.+)$", "机关代字只用汉字，如 {0}"),
        (r"^no spaces inside a document number$", "发文字号中不要有空格"),
        (r"^expected 机关代字〔年份〕序号号, e\.g\. (.+)$", "格式为 机关代字〔年份〕序号号，如 {0}"),
        (r"^start the file with 'kind: …'$", "文件第一行写「类型: ……」"),
        (r"^(.+): numbers go up by one across phases, in the order activity\.yaml lists the "
         r"issues \((.+) → (.+)\)$",
         "{0}的期号按 activity.yaml 中各阶段的顺序逐期加一（{1} → {2}）"),
        (r"^each document gets its own 序号$", "每份公文的序号各不相同"),
        (r"^add the member to the roster first$", "先把这位党员加入花名册"),
        (r"^one of: (.+)$", "可以是：{0}"),
        (r"^write it as text \(quote it if it looks like a number or date\)$",
         "像数字或日期的文字，请给它加上引号，如 \"2024\""),
        (r"^write a whole number$", "请写整数"),
        (r"^write true or false$", "请写 true 或 false"),
        (r"^write a list: one '- item' per line$", "写成列表：每行一项，以「- 」开头"),
        (r"^write a mapping of field: value lines under it$", "在它下面缩进写「名称: 内容」各行"),
        (r"^use a \.yaml, \.yml or \.json file$", "请用 .yaml、.yml 或 .json 文件"),
        (r"^write (#+) for (.+), or drop the number$", "「{1}」开头的标题前写 {0}，或去掉序号"),
    ))
#: a job's whole-line findings, in Chinese
_LINES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text) for pattern, text in (
        (r"^bundle not made: (\d+) failure\(s\) \(fix them, or pass --partial",
         "没有生成汇编：有 {0} 处材料未能生成（见下方红字）。改正数据后重新生成即可。"),
        (r"^bundle not made: no documents$", "没有生成汇编：本阶段没有生成任何材料。"),
        (r"^partial bundle: made without the failed documents$",
         "汇编不完整：不含生成失败的材料。"),
    ))
_MORE = re.compile(r" \(and (\d+) more, listed below\)$")
_WRITE = re.compile(r"^(.*): write (\S+)$")


def chinese_hint(hint: str | None) -> str | None:
    """A library hint in Chinese when every part of it is worded here, else None."""
    if not hint:
        return None
    write = _WRITE.match(hint)
    said = write.group(1) if write else hint
    parts = [said] if any(p.match(said) for p, _ in _HINTS) else said.split("; ")
    words = []
    for part in parts:
        found = next(((m, text) for p, text in _HINTS if (m := p.match(part))), None)
        if found is None:
            return None
        words.append(found[1].format(*found[0].groups()))
    return "；".join(words) + (f"，应写作 {write.group(2)}" if write else "")


def _data_message(message: str, *, row: bool) -> tuple[str, str | None] | None:
    """(the Chinese message, its fixed hint or None), or None when not worded here."""
    if message.startswith("malformed YAML: "):
        problem = message.removeprefix("malformed YAML: ")
        for pattern, text in _YAML:
            match = pattern.match(problem)
            if match:
                return f"YAML 格式错误：{text.format(*match.groups())}。", None
        return "YAML 格式错误。", None
    more = _MORE.search(message)  # several documents disagree: the first, and a count
    if more:
        found = _data_message(message[:more.start()], row=row)
        return (found[0] + f"（另有 {more.group(1)} 处，见下）", found[1]) if found else None
    for pattern, text, hint in (*_ROW, *_DATA, *_FIELD) if row else (*_DATA, *_FIELD):
        match = pattern.match(message)
        if match:
            return text.format(*match.groups()), hint
    return None


def chinese_data(fields: dict[str, Any]) -> dict[str, Any]:
    """A data file's problem (the API's fields) with its message and hint in Chinese and
    ``english``, the line as the CLI says it (for a helper desk to search), when it is
    one of those worded here; else the fields as they are."""
    message, hint = str(fields.get("message") or ""), fields.get("hint")
    found = _data_message(message, row=bool(fields.get("row")))
    if found is None:
        return fields
    text, fixed = found
    english = message + (f" (hint: {hint})" if hint else "")
    return {**fields, "message": text, "hint": fixed or chinese_hint(hint), "english": english}


_CLI = re.compile(r"^(?P<file>[^:\n]+?)(?::(?P<line>\d+)|:row (?P<row>\d+)"
                  r"(?:, column (?P<column>\w+))?)?: (?P<rest>.+)$", re.DOTALL)
#: a field as an error names it: 成文日期, 成文日期 (date), 文章.0.图片.0.文件
_FIELD_NAME = re.compile(r"^[^\s\"':]+(?: \([a-z_ ]+\))?$")
_HINTED = re.compile(r"^(?P<message>.*?) \(hint: (?P<hint>.*)\)$", re.DOTALL)


def chinese_cli_line(text: str) -> dict[str, Any] | None:
    """A library error as the CLI prints it (``file:line: field: message (hint: …)``, a
    job's failure) split into fields and put in Chinese by :func:`chinese_data`, or None
    when it is not worded here."""
    parts = _CLI.match(text)
    if parts is None:
        return None
    rest = parts["rest"]
    hinted = _HINTED.match(rest)
    message, hint = (hinted["message"], hinted["hint"]) if hinted else (rest, None)
    fields: dict[str, Any] = {"file": parts["file"], "line": int(parts["line"] or 0) or None,
                              "row": int(parts["row"] or 0) or None, "column": parts["column"],
                              "hint": hint}
    tries: list[tuple[str | None, str]] = [(None, message)]
    if ": " in message:  # 「出生年月 (birth): …」: a field first, then the message
        field, said = message.split(": ", 1)
        tries.insert(1 - bool(_FIELD_NAME.match(field)), (field, said))
    for field, said in tries:
        asked = {**fields, "field": field, "message": said}
        worded = chinese_data(asked)
        if worded is not asked:
            return {**worded, "english": rest}
    return None


def chinese_finding(line: str) -> dict[str, Any]:
    """A job's finding for its page: ``text`` in Chinese (with ``english``, the line as
    it is), or ``document`` and ``problem`` (:func:`chinese_cli_line`'s fields) for a
    document's warning about its data, or only ``text``, the line as it is."""
    for pattern, text in _LINES:
        match = pattern.match(line)
        if match:
            return {"text": text.format(*match.groups()), "english": line}
    worded = chinese_line(line)
    if worded != line:
        return {"text": worded, "english": line}
    start = 0
    while (cut := line.find(": ", start)) > 0:  # 「请示的标题: request.yaml:10: …」
        problem = chinese_cli_line(line[cut + 2:])
        if problem is not None:
            return {"document": line[:cut], "problem": problem}
        start = cut + 2
    return {"text": line}


def where(fields: dict[str, Any]) -> str:
    """``file:line`` (or ``file:第 N 行``) of an error's fields."""
    place = str(fields.get("file") or "")
    if fields.get("line"):
        place += f":{fields['line']}"
    elif fields.get("row"):
        place += f":第 {fields['row']} 行" + (f" {fields['column']} 列"
                                              if fields.get("column") else "")
    return place


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
