"""gongwen.text: numerals, dates, 发文字号, heading numbers and body blocks."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from gongwen.errors import InputError, Location
from gongwen.layout import standard
from gongwen.text import (
    Heading,
    ListItem,
    Paragraph,
    Table,
    chinese_numeral,
    format_date,
    format_doc_number,
    format_year_month,
    format_year_month_dotted,
    heading_number,
    match_heading_number,
    parse_body,
    parse_chinese_numeral,
    parse_date,
    parse_doc_number,
    parse_year_month,
)

# --- Chinese numerals -------------------------------------------------------------------

NUMERALS = [
    (1, "一"),
    (9, "九"),
    (10, "十"),
    (11, "十一"),
    (19, "十九"),
    (20, "二十"),
    (21, "二十一"),
    (99, "九十九"),
    (100, "一百"),
    (101, "一百零一"),
    (110, "一百一十"),
    (111, "一百一十一"),
    (200, "二百"),
    (1000, "一千"),
    (1001, "一千零一"),
    (1010, "一千零一十"),
    (1100, "一千一百"),
    (2024, "二千零二十四"),
    (9999, "九千九百九十九"),
]


@pytest.mark.parametrize(("n", "text"), NUMERALS)
def test_chinese_numeral(n: int, text: str) -> None:
    assert chinese_numeral(n) == text
    assert parse_chinese_numeral(text) == n


def test_numeral_round_trip_over_the_whole_range() -> None:
    for n in range(1, 10000):
        assert parse_chinese_numeral(chinese_numeral(n)) == n


@pytest.mark.parametrize("n", [0, -1, 10000])
def test_chinese_numeral_out_of_range(n: int) -> None:
    with pytest.raises(ValueError):
        chinese_numeral(n)


def test_chinese_numeral_rejects_non_int() -> None:
    with pytest.raises(TypeError):
        chinese_numeral(True)
    with pytest.raises(TypeError):
        chinese_numeral(1.0)  # type: ignore[arg-type]


def test_parse_accepts_yi_shi() -> None:
    assert parse_chinese_numeral("一十一") == 11


@pytest.mark.parametrize(
    "text", ["", "零", "十十", "一二", "两", "一万", "百一", "一百一", "一零一", "1"]
)
def test_parse_chinese_numeral_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_chinese_numeral(text)


# --- dates ------------------------------------------------------------------------------


def test_format_date_is_unpadded() -> None:
    assert format_date(dt.date(2024, 9, 1)) == "2024年9月1日"
    assert format_date(dt.date(2024, 12, 31)) == "2024年12月31日"
    assert format_date(dt.datetime(2024, 1, 5, 13, 0)) == "2024年1月5日"


@pytest.mark.parametrize(
    "value",
    [
        "2024-09-01",
        "2024-9-1",
        "2024/9/1",
        "2024/09/01",
        "2024.9.1",
        "2024年9月1日",
        " 2024-09-01 ",
        "2024 年 9 月 1 日",
        "２０２４-０９-０１",
    ],
)
def test_parse_date_forms(value: str) -> None:
    assert parse_date(value) == dt.date(2024, 9, 1)


def test_parse_date_objects() -> None:
    assert parse_date(dt.date(2024, 9, 1)) == dt.date(2024, 9, 1)
    parsed = parse_date(dt.datetime(2024, 9, 1, 8, 30))
    assert parsed == dt.date(2024, 9, 1)
    assert type(parsed) is dt.date


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2024-13-01", "there is no month 13"),
        ("2024-02-30", "2024年2月 has 29 days"),
        ("2023-02-29", "2023年2月 has 28 days"),
        ("2024-04-31", "2024年4月 has 30 days"),
        ("2024-00-10", "there is no month 0"),
    ],
)
def test_parse_date_impossible(value: str, reason: str) -> None:
    where = Location(file="activity.yaml", line=7)
    with pytest.raises(InputError) as info:
        parse_date(value, field="date", location=where)
    err = info.value
    assert err.message.startswith(f'"{value}" is not a date')
    assert reason in err.message
    assert err.hint == "expected YYYY-MM-DD"
    assert err.field == "date"
    assert err.location == where
    assert str(err).startswith("activity.yaml:7: date: ")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "tomorrow",
        "2024-09",
        "24-9-1",
        "2024-9/1",
        "2024.09.01.",
        "9/1/2024",
        "2024年9月1",
        "20240901",
    ],
)
def test_parse_date_rejects(value: str) -> None:
    with pytest.raises(InputError, match=re.escape(f'"{value}" is not a date')):
        parse_date(value)


@pytest.mark.parametrize("value", [None, 20240901, 45536.0, True, ["2024-09-01"]])
def test_parse_date_rejects_other_types(value: object) -> None:
    with pytest.raises(InputError, match="is not a date"):
        parse_date(value, field="date")


@pytest.mark.parametrize(
    "value",
    [
        "1985.03",
        "1985.3",
        "1985-03",
        "1985-3",
        "1985/03",
        "1985年3月",
        "1985年03月",
        "1985年3",
        "198503",
        "1985-03-15",
        "1985/3/15",
        "1985.3.15",
        "1985年3月15日",
        dt.date(1985, 3, 15),
        dt.datetime(1985, 3, 1),
        198503,
        1985.03,
        198503.0,
    ],
)
def test_parse_year_month(value: object) -> None:
    assert parse_year_month(value) == (1985, 3)


def test_year_month_float_keeps_the_dropped_zero() -> None:
    # a spreadsheet stores 1985.10 as the number 1985.1
    assert parse_year_month(1985.1) == (1985, 10)
    assert parse_year_month(1985.12) == (1985, 12)
    assert parse_year_month("1985.1") == (1985, 1)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1985.13", "no month 13"),
        ("1985-00", "no month 0"),
        ("198513", "no month 13"),
        ("1985-02-30", "1985年2月 has 28 days"),
        ("0000.01", "no year 0"),
    ],
)
def test_parse_year_month_impossible(value: str, reason: str) -> None:
    with pytest.raises(InputError) as info:
        parse_year_month(value, field="出生年月", location=Location(file="roster.xlsx", row=4))
    err = info.value
    assert err.message.startswith(f'"{value}" is not a year and month')
    assert reason in err.message
    assert err.hint == "expected YYYY.MM, e.g. 1985.03"
    assert str(err).startswith("roster.xlsx:row 4: 出生年月: ")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1985",
        "85.03",
        "1985.003",
        "March 1985",
        None,
        1985,
        1985.0,
        True,
        float("nan"),
        "1985-03-01-02",
    ],
)
def test_parse_year_month_rejects(value: object) -> None:
    with pytest.raises(InputError, match="is not a year and month"):
        parse_year_month(value)


def test_format_year_month() -> None:
    assert format_year_month((1985, 3)) == "1985年3月"
    assert format_year_month((1985, 11)) == "1985年11月"
    assert format_year_month_dotted((1985, 3)) == "1985.03"
    assert format_year_month_dotted((1985, 11)) == "1985.11"


# --- 发文字号 ----------------------------------------------------------------------------


def test_format_doc_number() -> None:
    text = format_doc_number("都教党组", 2024, 11)
    assert text == "都教党组〔2024〕11号"
    assert re.match(standard.DOC_NUMBER_PATTERN, text)
    assert format_doc_number(" 都教党组 ", 2024, 1) == "都教党组〔2024〕1号"


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (("都教党组", 24, 11), "4 digits"),
        (("都教党组", 20245, 11), "4 digits"),
        (("都教党组", 2024, 0), "from 1"),
        (("都教党组", 2024, -3), "from 1"),
        (("", 2024, 1), "Chinese characters only"),
        (("都教 党组", 2024, 1), "Chinese characters only"),
        (("DJ党组", 2024, 1), "Chinese characters only"),
        (("都教党组〔", 2024, 1), "Chinese characters only"),
    ],
)
def test_format_doc_number_rejects(args: tuple, hint: str) -> None:
    with pytest.raises(InputError) as info:
        format_doc_number(*args, field="doc_number")
    assert hint in info.value.hint
    assert info.value.field == "doc_number"
    assert "is not a valid document number" in info.value.message


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("都教党组〔2024〕11号", ("都教党组", 2024, 11)),
        ("国办发〔2012〕1号", ("国办发", 2012, 1)),
        (" 中发〔2024〕105号 ", ("中发", 2024, 105)),
    ],
)
def test_parse_doc_number(text: str, parts: tuple) -> None:
    assert parse_doc_number(text) == parts


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("都教党组[2024]11号", "the year goes in 〔〕, not []: write 都教党组〔2024〕11号"),
        ("都教党组【2024】11号", "the year goes in 〔〕, not 【】: write 都教党组〔2024〕11号"),
        ("都教党组（2024）11号", "not （）: write 都教党组〔2024〕11号"),
        ("都教党组〔2024〕第11号", "no 第 before the serial number: write 都教党组〔2024〕11号"),
        ("都教党组〔2024〕011号", "no leading zeros: write 都教党组〔2024〕11号"),
        ("都教党组〔2024〕11", "ends with 号: write 都教党组〔2024〕11号"),
        (
            "都教党组 〔2024〕 11号",
            "no spaces inside a document number: write 都教党组〔2024〕11号",
        ),
        ("都教党组〔24〕11号", "4 digits"),
        ("都教党组〔2024〕0号", "from 1"),
        ("DJ〔2024〕11号", "Chinese characters only"),
        ("都教党组[2024]第011", "not []; no 第"),
    ],
)
def test_parse_doc_number_rejects_with_hint(text: str, hint: str) -> None:
    with pytest.raises(InputError) as info:
        parse_doc_number(text, field="doc_number", location=Location(file="a.yaml", line=3))
    err = info.value
    assert hint in err.hint
    assert "GB/T 9704" in err.message
    assert err.location.line == 3


@pytest.mark.parametrize("text", ["", "随便写", "2024年11号", "都教党组11号"])
def test_parse_doc_number_rejects_garbage(text: str) -> None:
    with pytest.raises(InputError, match="is not a document number") as info:
        parse_doc_number(text)
    assert "都教党组〔2024〕11号" in info.value.hint


# --- heading numbers --------------------------------------------------------------------


def test_heading_number_forms_follow_the_standard() -> None:
    assert tuple(heading_number(level, 1) for level in (1, 2, 3, 4)) == standard.HEADING_NUMBERS
    assert [heading_number(level, 12) for level in (1, 2, 3, 4)] == [
        "十二、",
        "（十二）",
        "12.",
        "（12）",
    ]


@pytest.mark.parametrize(("level", "n"), [(0, 1), (5, 1), (1, 0)])
def test_heading_number_rejects(level: int, n: int) -> None:
    with pytest.raises(ValueError):
        heading_number(level, n)


@pytest.mark.parametrize(
    ("text", "level", "value", "rest"),
    [
        ("一、总体要求", 1, 1, "总体要求"),
        ("十一、其他", 1, 11, "其他"),
        ("（三）步骤", 2, 3, "步骤"),
        ("(三) 步骤", 2, 3, "步骤"),
        ("2.做法", 3, 2, "做法"),
        ("2、做法", 3, 2, "做法"),
        ("2．做法", 3, 2, "做法"),
        ("(4)细则", 4, 4, "细则"),
        ("（4）细则", 4, 4, "细则"),
    ],
)
def test_match_heading_number(text: str, level: int, value: int, rest: str) -> None:
    found = match_heading_number(text)
    assert found is not None
    assert (found.level, found.value, found.rest) == (level, value, rest)


@pytest.mark.parametrize(
    "text", ["一是加强学习", "十分重要", "1.5倍", "一二、", "2024年", "（注）"]
)
def test_match_heading_number_ignores(text: str) -> None:
    assert match_heading_number(text) is None


# --- body: headings ---------------------------------------------------------------------


def headings(blocks: list) -> list[str]:
    return [b.full_text for b in blocks if isinstance(b, Heading)]


def test_auto_numbering_and_restart_under_new_parent() -> None:
    blocks = parse_body(
        "# 总体要求\n## 指导思想\n## 目标\n### 第一\n### 第二\n#### 细一\n#### 细二\n"
        "### 第三\n#### 又细一\n## 原则\n### 新一\n# 步骤\n## 部署\n### 重一\n"
    )
    assert headings(blocks) == [
        "一、总体要求",
        "（一）指导思想",
        "（二）目标",
        "1.第一",
        "2.第二",
        "（1）细一",
        "（2）细二",
        "3.第三",
        "（1）又细一",
        "（三）原则",
        "1.新一",
        "二、步骤",
        "（一）部署",
        "1.重一",
    ]
    first = blocks[0]
    assert first == Heading(level=1, number="一、", text="总体要求", line=1)
    assert [b.level for b in blocks] == [1, 2, 2, 3, 3, 4, 4, 3, 4, 2, 3, 1, 2, 3]


def test_heading_lines_are_one_based_with_first_line() -> None:
    blocks = parse_body("\n\n# 甲\n\n## 乙\n", first_line=10)
    assert [b.line for b in blocks] == [12, 14]


def test_manual_numbers_are_kept_and_normalised() -> None:
    blocks = parse_body(
        "# 一、总体要求\n## (一)思想\n### 1、要点\n### 2． 要点\n#### (1)细\n#### （2） 细\n"
        "### 3.要点\n"
    )
    assert headings(blocks) == [
        "一、总体要求",
        "（一）思想",
        "1.要点",
        "2.要点",
        "（1）细",
        "（2）细",
        "3.要点",
    ]


def test_pasted_plain_headings() -> None:
    text = "一、统一思想\n正文第一段。\n（一）发动部署\n正文第二段。\n（二）学习\n二、突出重点\n（一）再来\n"
    blocks = parse_body(text)
    assert [type(b).__name__ for b in blocks] == [
        "Heading",
        "Paragraph",
        "Heading",
        "Paragraph",
        "Heading",
        "Heading",
        "Heading",
    ]
    assert headings(blocks) == [
        "一、统一思想",
        "（一）发动部署",
        "（二）学习",
        "二、突出重点",
        "（一）再来",
    ]
    assert blocks[1] == Paragraph("正文第一段。", 2)


def test_mixed_auto_and_manual_numbers() -> None:
    blocks = parse_body("# 甲\n二、乙\n# 丙\n## 子\n## （二）丑\n## 寅\n# 四、丁\n")
    assert headings(blocks) == [
        "一、甲",
        "二、乙",
        "三、丙",
        "（一）子",
        "（二）丑",
        "（三）寅",
        "四、丁",
    ]


def test_yi_shi_is_not_a_heading() -> None:
    blocks = parse_body("一是加强学习；二是改进作风。\n三是完善机制。\n")
    assert blocks == [Paragraph("一是加强学习；二是改进作风。三是完善机制。", 1)]


def test_arabic_numbers_in_plain_text_are_not_headings() -> None:
    blocks = parse_body("1、全体党员要深刻领会。\n2、要准确把握。\n")
    assert blocks == [Paragraph("1、全体党员要深刻领会。2、要准确把握。", 1)]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "# 甲\n\n（一）子\n（二）丑\n（四）卯\n",
            5,
            "heading number skipped: expected （三）, found （四）",
        ),
        ("一、甲\n正文\n二、乙\n四、丁\n", 4, "heading number skipped: expected 三、, found 四、"),
        ("一、甲\n二、乙\n二、乙又\n", 3, "heading number repeated: expected 三、, found 二、"),
        ("# 甲\n### 1. 一\n### 1. 又一\n", 3, "heading number repeated: expected 2., found 1."),
        ("#### （2）细\n", 1, "heading number skipped: expected （1）, found （2）"),
        (
            "# 甲\n## （一）子\n# 乙\n## （二）丑\n",
            4,
            "heading number skipped: expected （一）, found （二）",
        ),
    ],
)
def test_bad_manual_numbers_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_body(text, source="plan.md", first_line=1)
    err = info.value
    assert err.message == message
    assert err.location == Location(file="plan.md", line=line)
    assert str(err).startswith(f"plan.md:{line}: {message}")
    assert err.hint


def test_error_line_counts_from_first_line() -> None:
    with pytest.raises(InputError) as info:
        parse_body("一、甲\n三、丙\n", source="activity.yaml", first_line=40)
    assert info.value.location.line == 41


def test_seed_like_text_with_missing_phases() -> None:
    text = (
        "四、主要步骤\n（一）发动部署阶段（2024年9月下旬前）\n成立领导小组。\n（四）总结提高阶段\n"
    )
    with pytest.raises(InputError, match=re.escape("expected （二）, found （四）")) as info:
        parse_body("一、甲\n二、乙\n三、丙\n" + text)
    assert info.value.location.line == 7


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("## 一、错级\n", "a level-1 number"),
        ("# （一）错级\n", "a level-2 number"),
        ("# 1. 错级\n", "a level-3 number"),
        ("##### 太深\n", "heading level 5 does not exist"),
        ("#\n", "heading has no text"),
        ("# 一、\n", "heading has no text"),
    ],
)
def test_malformed_headings(text: str, fragment: str) -> None:
    with pytest.raises(InputError, match=re.escape(fragment)) as info:
        parse_body(text, source="x.md")
    assert info.value.location.line == 1


def test_heading_text_that_only_looks_numeric() -> None:
    blocks = parse_body("### 1.5倍工作量\n## 一是加强\n")
    assert headings(blocks) == ["1.1.5倍工作量", "（一）一是加强"]


# --- body: paragraphs, lists, tables ----------------------------------------------------


def test_paragraph_lines_join_without_space() -> None:
    blocks = parse_body("为了进一步巩固\n学习成果，\n制定本方案。\n\n第二段。\n")
    assert blocks == [
        Paragraph("为了进一步巩固学习成果，制定本方案。", 1),
        Paragraph("第二段。", 5),
    ]


def test_latin_words_keep_a_space() -> None:
    assert parse_body("使用 LibreOffice\nheadless 转换，\n2024\n年")[0].text == (
        "使用 LibreOffice headless 转换，2024年"
    )


def test_pasted_indentation_is_removed_and_starts_a_paragraph() -> None:
    blocks = parse_body("　　第一段第一行\n第一段第二行\n　　第二段。\n  第二段续。\t \n")
    assert blocks == [Paragraph("第一段第一行第一段第二行", 1), Paragraph("第二段。第二段续。", 3)]


def test_whitespace_inside_is_kept_trailing_stripped() -> None:
    blocks = parse_body("甲  乙\t丙　丁   \r\n\r\n戊\r己\r\n\r庚")
    assert blocks == [Paragraph("甲  乙\t丙　丁", 1), Paragraph("戊己", 3), Paragraph("庚", 6)]


def test_empty_and_blank_bodies() -> None:
    assert parse_body("") == []
    assert parse_body("\n　　\n \t\n") == []


def test_lists() -> None:
    blocks = parse_body(
        "要求如下：\n- 第一项\n* 第二项\n  接续\n\n1. 学习\n2) 讨论\n10. 总结\n\n正文。\n"
    )
    assert blocks == [
        Paragraph("要求如下：", 1),
        ListItem("第一项", False, None, 2),
        ListItem("第二项接续", False, None, 3),
        ListItem("学习", True, 1, 6),
        ListItem("讨论", True, 2, 7),
        ListItem("总结", True, 10, 8),
        Paragraph("正文。", 10),
    ]


@pytest.mark.parametrize("text", ["-5℃以下停课", "**重点**", "1.5倍", "2024.9.1召开", "--分隔"])
def test_list_markers_need_a_space(text: str) -> None:
    assert parse_body(text) == [Paragraph(text, 1)]


def test_table() -> None:
    blocks = parse_body(
        "前文\n| 姓名 | 职务 | 分工 |\n|---|:---:|---:|\n| 张三 | 组长 | 全面 |\n"
        "|李四|副组长| |\n后文\n"
    )
    assert blocks == [
        Paragraph("前文", 1),
        Table(["姓名", "职务", "分工"], [["张三", "组长", "全面"], ["李四", "副组长", ""]], 2),
        Paragraph("后文", 6),
    ]


def test_table_without_outer_pipes_and_escaped_pipe() -> None:
    (table,) = parse_body("a | b\n--- | ---\n1 \\| 2 | 3\n")
    assert table == Table(["a", "b"], [["1 | 2", "3"]], 1)


def test_table_header_only() -> None:
    assert parse_body("| a |\n| --- |\n") == [Table(["a"], [], 1)]


def test_pipe_without_rule_is_text() -> None:
    assert parse_body("甲 | 乙\n丙") == [Paragraph("甲 | 乙丙", 1)]


@pytest.mark.parametrize(
    ("text", "line", "counts"),
    [
        ("| a | b |\n|---|---|\n| 1 | 2 |\n| 3 |\n", 4, "1 cells, the header has 2"),
        ("| a | b |\n|---|---|\n| 1 | 2 | 3 |\n", 3, "3 cells, the header has 2"),
        ("| a | b |\n|---|\n", 2, "1 cells, the header has 2"),
    ],
)
def test_ragged_table_rows(text: str, line: int, counts: str) -> None:
    with pytest.raises(InputError, match=counts) as info:
        parse_body("\n" + text, source="body.md")
    assert info.value.location == Location(file="body.md", line=line + 1)


# --- hostile text -----------------------------------------------------------------------

HOSTILE = [
    "<w:p>标签</w:p> & &amp; &lt;",
    "{{ secret }} 与 {% for x in y %}{% endfor %} {# 注释 #}",
    "生僻字𠮷𡈼𪚥与表情😀",
    "\\n 反斜杠 \\ 与 `code` *星* _下划线_ [链接](http://x)",
    "'单引号' \"双引号\" ‘’“”",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_literal(text: str) -> None:
    assert parse_body(text) == [Paragraph(text, 1)]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_every_block(text: str) -> None:
    cell = text.replace("|", "\\|")
    body = f"# {text}\n\n{text}\n\n- {text}\n1. {text}\n\n| h |\n|---|\n| {cell} |\n"
    heading, paragraph, bullet, ordered, table = parse_body(body)
    assert heading.text == text
    assert heading.full_text == "一、" + text
    assert paragraph.text == text
    assert bullet.text == ordered.text == text
    assert table.rows == [[text]]


def test_bom_is_dropped() -> None:
    assert parse_body("\ufeff# 甲\n") == [Heading(1, "一、", "甲", 1)]


def test_blocks_are_frozen() -> None:
    (paragraph,) = parse_body("甲")
    with pytest.raises(AttributeError):
        paragraph.text = "乙"  # type: ignore[misc]
