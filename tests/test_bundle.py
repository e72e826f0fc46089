"""PDF bundles: build them and read them back with pypdf and pdftotext."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from docx import Document
from pdfgeom import Char, lines_of, open_pdf
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from gongwen.bundle import pages as bundle_pages
from gongwen.bundle.assemble import BundleEntry, BundleResult, build_bundle
from gongwen.convert import Converter
from gongwen.errors import BundleError
from gongwen.layout import standard

A4 = (standard.mm_to_pt(standard.PAGE_WIDTH_MM), standard.mm_to_pt(standard.PAGE_HEIGHT_MM))
DATE = datetime.date(2024, 9, 1)
TITLE = "红星小学党支部创先争优活动材料汇编"
AUTHOR = "中共红星小学支部委员会"
MEMBERS = [f"党员{n:02d}" for n in range(1, 31)]  # enough for a two-page 目录

# --- inputs ------------------------------------------------------------------------


def text_pdf(marker: str, pages: int = 1) -> bytes:
    """A PDF whose page ``n`` shows ``<marker> p<n>`` in Helvetica (no LibreOffice)."""
    writer = PdfWriter()
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
    })
    for n in range(1, pages + 1):
        page = writer.add_blank_page(*A4)
        page[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): font}),
        })
        content = DecodedStreamObject()
        content.set_data(f"BT /F1 20 Tf 72 720 Td ({marker} p{n}) Tj ET".encode())
        page.replace_contents(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def phase_entries() -> list[BundleEntry]:
    """A phase's documents: a plan, two briefings, every member's pledge."""
    entries = [
        BundleEntry(text_pdf("DOC-plan", 3), "创先争优活动实施方案"),
        BundleEntry(text_pdf("DOC-brief1", 2), "第1期简报", "简报"),
        BundleEntry(text_pdf("DOC-brief2", 1), "第2期简报", "简报"),
    ]
    entries += [
        BundleEntry(text_pdf(f"DOC-pledge{i:02d}", 1 + i % 2), name, "承诺书")
        for i, name in enumerate(MEMBERS)
    ]
    entries.append(BundleEntry(text_pdf("DOC-eval", 2), "民主评议党员测评汇总表"))
    return entries


def marker(entry: BundleEntry) -> str:
    """The text on the first page of an input made by :func:`text_pdf`."""
    return PdfReader(io.BytesIO(entry.pdf)).pages[0].extract_text().strip()


# --- reading bundles back ------------------------------------------------------------


def page_texts(path: Path) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(path).pages]


def pdftotext(path: Path, first: int, last: int) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(path), "-"],
        check=True, capture_output=True, text=True,
    ).stdout


def toc_numbers(path: Path, result: BundleResult) -> dict[str, int]:
    """Title → number as the 目录 pages print it (spaces pdftotext adds removed)."""
    first = next(b.page for b in result.bookmarks if b.title == "目录")
    text = pdftotext(path, first, result.front_pages)
    numbers = {}
    for line in text.splitlines():
        m = re.match(r"^\s*(\S.*?)\s*(?:[.·…]\s*){3,}(\d+)\s*$", line)
        if m:
            numbers["".join(m.group(1).split())] = int(m.group(2))
    return numbers


def outline(path: Path) -> list[tuple[str, int, list]]:
    """The outline as (title, 1-based page, children)."""
    reader = PdfReader(path)

    def walk(items: list) -> list:
        tree: list = []
        for item in items:
            if isinstance(item, list):
                tree[-1][2].extend(walk(item))
            else:
                tree.append((item.title, reader.get_destination_page_number(item) + 1, []))
        return tree

    return walk(reader.outline)


def assert_toc_points_at_entries(path: Path, result: BundleResult, entries: list) -> None:
    """Every entry's 目录 number is the label of the page that shows its first page."""
    labels = PdfReader(path).page_labels
    texts = page_texts(path)
    printed = toc_numbers(path, result)
    assert set(printed) == {e.title for e in entries}
    for entry, placed in zip(entries, result.entries, strict=True):
        physical = next(i for i, t in enumerate(texts) if marker(entry) in t)
        assert placed.start_page == physical + 1
        assert printed[entry.title] == int(labels[physical]) == int(placed.page_label)


# --- LibreOffice ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def to_pdf() -> Iterator[Callable[[bytes], bytes]]:
    """DOCX bytes → PDF bytes through gongwen's converter, one for the session."""
    with Converter(workers=1) as converter:
        yield lambda docx: converter.convert_bytes(docx, name="front")


@pytest.fixture(scope="session")
def phase_bundle(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, BundleResult, list[BundleEntry]]:
    """Built with the default converter; the other tests pass ``to_pdf``."""
    entries = phase_entries()
    out = tmp_path_factory.mktemp("phase") / "汇编.pdf"
    result = build_bundle(entries, out, title=TITLE, author=AUTHOR, subject="第四阶段材料",
                          date=DATE)
    return out, result, entries


def test_bundle_pages_in_order(phase_bundle) -> None:
    path, result, entries = phase_bundle
    reader = PdfReader(path)
    counts = [len(PdfReader(io.BytesIO(e.pdf)).pages) for e in entries]
    assert result.front_pages >= 3  # cover + a 目录 of at least two pages
    assert len(reader.pages) == result.page_count == result.front_pages + sum(counts)
    assert result.blank_pages == 0
    texts = page_texts(path)
    body = [t.strip() for t in texts[result.front_pages:]]
    expected = [f"{marker(e)[:-3]} p{n}" for e, c in zip(entries, counts, strict=True)
                for n in range(1, c + 1)]
    assert body == expected


def test_cover_shows_title_organ_and_date(phase_bundle) -> None:
    path, _, _ = phase_bundle
    cover = "".join(pdftotext(path, 1, 1).split())
    assert TITLE in cover
    assert AUTHOR in cover
    assert "2024年9月1日" in cover


def test_toc_numbers_match_entry_pages(phase_bundle) -> None:
    path, result, entries = phase_bundle
    assert_toc_points_at_entries(path, result, entries)
    assert result.entries[0].page_label == "1"


def test_toc_lists_groups_as_headings(phase_bundle) -> None:
    path, result, _ = phase_bundle
    lines = ["".join(x.split()) for x in pdftotext(path, 2, result.front_pages).splitlines()]
    lines = [x for x in lines if x]
    assert lines[0] == "目录"
    assert "简报" in lines and "承诺书" in lines
    assert lines.index("简报") < lines.index("承诺书")
    # entries of a group are indented further than the heading above them
    raw = pdftotext(path, 2, 2).splitlines()
    heading = next(x for x in raw if x.strip() == "简报")
    nested = next(x for x in raw if "第" in x and "期简报" in x)
    assert len(nested) - len(nested.lstrip()) > len(heading) - len(heading.lstrip())


def test_outline_nests_entries_under_groups(phase_bundle) -> None:
    path, result, entries = phase_bundle
    tree = outline(path)
    starts = {e.title: p.start_page for e, p in zip(entries, result.entries, strict=True)}
    assert [t for t, _, _ in tree] == [
        "封面", "目录", "创先争优活动实施方案", "简报", "承诺书", "民主评议党员测评汇总表"
    ]
    assert tree[0][1] == 1 and tree[1][1] == 2
    briefs, pledges = tree[3], tree[4]
    assert [(t, p) for t, p, _ in briefs[2]] == [(t, starts[t]) for t in ("第1期简报", "第2期简报")]
    assert [t for t, _, _ in pledges[2]] == MEMBERS
    assert all(p == starts[t] for t, p, _ in pledges[2])
    assert pledges[1] == starts[MEMBERS[0]]  # a group points at its first entry
    assert tree == [(b.title, b.page, [(c.title, c.page, []) for c in b.children])
                    for b in result.bookmarks]


def test_page_labels_roman_front_then_arabic(phase_bundle) -> None:
    path, result, _ = phase_bundle
    labels = PdfReader(path).page_labels
    front = result.front_pages
    assert labels[:front] == ["i", "ii", "iii", "iv", "v"][:front]
    assert labels[front:] == [str(n) for n in range(1, result.page_count - front + 1)]


def test_metadata(phase_bundle) -> None:
    path, _, _ = phase_bundle
    reader = PdfReader(path)
    meta = reader.metadata
    assert meta.title == TITLE
    assert meta.author == AUTHOR
    assert meta.subject == "第四阶段材料"
    assert meta.creator == "gongwen"
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20240901000000+08'00'"
    assert meta.creation_date.date() == DATE
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"


def test_two_builds_are_identical(tmp_path: Path, to_pdf) -> None:
    """Equal input gives equal bytes.  LibreOffice's PDFs themselves differ run to run
    (it encrypts embedded Type 1 fonts with random bytes), so the cover and 目录 are
    converted once, keyed by their DOCX: the second build must ask for the same DOCX."""
    converted: dict[bytes, bytes] = {}

    def once(docx: bytes) -> bytes:
        if docx not in converted:
            converted[docx] = to_pdf(docx)
        return converted[docx]

    entries = phase_entries()
    first, again = tmp_path / "first.pdf", tmp_path / "again.pdf"
    for target in (first, again):
        build_bundle(entries, target, title=TITLE, author=AUTHOR, subject="第四阶段材料",
                     date=DATE, to_pdf=once)
    assert len(converted) == 1  # the front matter's DOCX was the same both times
    assert again.read_bytes() == first.read_bytes()
    ids = PdfReader(again).trailer["/ID"]
    assert ids[0] == ids[1] and len(ids[0]) == 16  # derived from the content
    other = tmp_path / "other.pdf"  # other pages of the same files: another identifier
    build_bundle(entries[:-1], other, title=TITLE, author=AUTHOR, subject="第四阶段材料",
                 date=DATE, to_pdf=once)
    assert PdfReader(other).trailer["/ID"][0] != ids[0]


def test_duplex_starts_every_entry_on_a_right_hand_page(tmp_path: Path, to_pdf) -> None:
    entries = phase_entries()[:6]  # plan (3 pages), briefings (2, 1), pledges (1, 2, 1)
    out = tmp_path / "duplex.pdf"
    result = build_bundle(entries, out, title=TITLE, date=DATE, duplex=True, to_pdf=to_pdf)
    texts = page_texts(out)
    assert all(p.start_page % 2 == 1 for p in result.entries)
    toc = next(b for b in result.bookmarks if b.title == "目录")
    assert toc.page == 3 and texts[1].strip() == ""  # the cover's back is blank
    assert result.front_pages % 2 == 0
    blank = [i for i, t in enumerate(texts) if not t.strip()]
    assert len(blank) == result.blank_pages
    counts = [len(PdfReader(io.BytesIO(e.pdf)).pages) for e in entries]
    assert result.page_count == result.front_pages + sum(counts) + sum(
        1 for i in blank if i >= result.front_pages)
    assert_toc_points_at_entries(out, result, entries)
    assert [p.page_label for p in result.entries] == ["1", "5", "7", "9", "11", "13"]


def test_physical_numbers_render_again_when_the_guess_is_wrong(
    tmp_path: Path, to_pdf, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 目录 is longer than guessed: its physical numbers change, so it is rendered
    a second time and the printed numbers are those of the final layout."""
    monkeypatch.setattr(bundle_pages, "estimate_toc_pages", lambda lines: 1)
    calls = []

    def counting(docx: bytes) -> bytes:
        calls.append(docx)
        return to_pdf(docx)

    entries = phase_entries()
    out = tmp_path / "physical.pdf"
    result = build_bundle(entries, out, title=TITLE, date=DATE, numbering="physical",
                          to_pdf=counting)
    assert len(calls) == 2
    assert result.front_pages >= 3
    assert PdfReader(out).page_labels == [str(n) for n in range(1, result.page_count + 1)]
    assert_toc_points_at_entries(out, result, entries)
    assert result.entries[0].start_page == result.front_pages + 1
    assert result.entries[0].page_label == str(result.front_pages + 1)


def font_files(path: Path) -> set[int]:
    """Object numbers of the embedded font programs the pages use."""
    found = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in descriptor.get_object():
                        found.add(descriptor.get_object().raw_get(key).idnum)
    return found


def test_documents_split_from_one_conversion_share_their_fonts(tmp_path: Path, to_pdf) -> None:
    """Documents converted together and split apart (as convert_many does) each carry
    the whole embedded font; the bundle stores it once."""
    doc = Document()
    for name in ("张三", "李四", "王五"):
        paragraph = doc.add_paragraph(f"共产党员承诺书：{name}承诺做学习、服务、奉献的模范。")
        paragraph.paragraph_format.page_break_before = name != "张三"
    buffer = io.BytesIO()
    doc.save(buffer)
    combined = PdfReader(io.BytesIO(to_pdf(buffer.getvalue())))
    assert len(combined.pages) == 3
    parts = []
    for page in combined.pages:
        writer = PdfWriter()
        writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
        parts.append(out.getvalue())
    result = build_bundle([BundleEntry(pdf, f"承诺书{n}") for n, pdf in enumerate(parts)],
                          tmp_path / "b.pdf", title=TITLE, date=DATE, cover=False, toc=False)
    single = tmp_path / "one.pdf"
    single.write_bytes(parts[0])
    assert len(font_files(result.out_path)) == len(font_files(single)) > 0
    assert result.size_bytes < sum(map(len, parts)) / 2
    assert result.size_bytes == result.out_path.stat().st_size


# --- structure only: no cover, no 目录, no LibreOffice ---------------------------------


def test_plain_merge_without_front(tmp_path: Path) -> None:
    entries = [BundleEntry(text_pdf("A", 2), "甲"), BundleEntry(text_pdf("B", 1), "乙")]
    result = build_bundle(entries, tmp_path / "plain.pdf", title="汇编", date=DATE,
                          cover=False, toc=False)
    assert result.front_pages == 0 and result.start_pages == (1, 3)
    assert result.page_labels == ("1", "3")
    assert [t.strip() for t in page_texts(result.out_path)] == ["A p1", "A p2", "B p1"]
    assert PdfReader(result.out_path).page_labels == ["1", "2", "3"]
    assert outline(result.out_path) == [("甲", 1, []), ("乙", 3, [])]


def test_duplex_without_front_pads_between_entries(tmp_path: Path) -> None:
    entries = [BundleEntry(text_pdf("A", 1), "甲"), BundleEntry(text_pdf("B", 2), "乙"),
               BundleEntry(text_pdf("C", 1), "丙")]
    result = build_bundle(entries, tmp_path / "d.pdf", title="汇编", date=DATE, cover=False,
                          toc=False, duplex=True)
    assert [t.strip() for t in page_texts(result.out_path)] == ["A p1", "", "B p1", "B p2", "C p1"]
    assert result.start_pages == (1, 3, 5) and result.blank_pages == 1


def test_blank_group_means_no_group(tmp_path: Path) -> None:
    entries = [BundleEntry(text_pdf("A"), "甲", ""), BundleEntry(text_pdf("B"), "乙", " ")]
    result = build_bundle(entries, tmp_path / "g.pdf", title="汇编", cover=False, toc=False)
    assert outline(result.out_path) == [("甲", 1, []), ("乙", 2, [])]
    assert [e.group for e in result.entries] == [None, None]


def test_entries_given_as_paths(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(text_pdf("A"))
    result = build_bundle([BundleEntry(tmp_path / "a.pdf", "甲")], tmp_path / "out" / "x.pdf",
                          title="汇编", date=DATE, cover=False, toc=False)
    assert result.out_path.is_file() and result.page_count == 1


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(text_pdf("secret")))
    writer.encrypt("pw")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (Path("does-not-exist.pdf"), "cannot read"),
        (b"%PDF-1.7\nthis is not a pdf", "not a readable PDF"),
        (b"", "not a readable PDF"),
        ("encrypted", "encrypted"),
    ],
)
def test_bad_input_names_file_and_entry_and_writes_nothing(
    tmp_path: Path, bad: Path | bytes | str, expected: str
) -> None:
    if bad == "encrypted":
        bad = encrypted_pdf()
    elif isinstance(bad, Path):
        bad = tmp_path / bad
    out = tmp_path / "out" / "bundle.pdf"
    out.parent.mkdir()
    out.write_bytes(b"previous bundle")
    entries = [BundleEntry(text_pdf("A"), "甲"), BundleEntry(bad, "张三", "承诺书")]

    def no_conversion(docx: bytes) -> bytes:
        raise AssertionError("inputs are checked before anything is rendered")

    with pytest.raises(BundleError) as info:
        build_bundle(entries, out, title="汇编", date=DATE, to_pdf=no_conversion)
    message = str(info.value)
    assert expected in message
    assert "entry 2 '张三'" in message and "承诺书" in message
    if isinstance(entries[1].pdf, Path):
        assert "does-not-exist.pdf" in message
    assert list(out.parent.iterdir()) == [out]
    assert out.read_bytes() == b"previous bundle"


def test_group_must_be_consecutive(tmp_path: Path) -> None:
    entries = [BundleEntry(text_pdf("A"), "张三", "承诺书"), BundleEntry(text_pdf("B"), "简报"),
               BundleEntry(text_pdf("C"), "李四", "承诺书")]
    with pytest.raises(BundleError, match="consecutive"):
        build_bundle(entries, tmp_path / "x.pdf", title="汇编", cover=False, toc=False)
    assert not list(tmp_path.iterdir())


def test_no_entries(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="no entries"):
        build_bundle([], tmp_path / "x.pdf", title="汇编")


def test_unwritable_output_leaves_no_temp_file(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(BundleError, match="cannot write"):
        build_bundle([BundleEntry(text_pdf("A"), "甲")], tmp_path / "taken", title="汇编",
                     cover=False, toc=False)
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


# --- the cover's title and the 目录's lines, measured on the rendered page ----------------

RIGHT_MARGIN_X_MM = standard.MARGIN_LEFT_MM + standard.TEXT_BLOCK_WIDTH_MM
#: 27 一字 of 三号: the whole width of the text block, before the number
LINE_FILLING_TITLE = "都江市实验中学党支部关于深入开展创先争优活动的实施方案"


def toc_entries_on(path: Path, toc: list[bundle_pages.TocLine]
                   ) -> list[tuple[str, list[Char], list[Char], list[Char]]]:
    """Each entry of ``toc`` as the rendered pages show it: (its lines' text, title
    chars, leader dots, number digits).  An entry's lines are read until
    they hold its title; the characters after the title are the leader and number."""
    with open_pdf(path) as pdf:
        lines = [line for page in pdf.pages for line in lines_of(page)][1:]  # no heading
    found = []
    for entry in toc:
        chars: list[Char] = []
        while lines and len(chars) < len(entry.text) + (entry.page is not None):
            chars.extend(lines.pop(0).chars)
        if entry.page is None:
            assert "".join(c.text for c in chars) == entry.text
            continue
        title, rest = chars[:len(entry.text)], chars[len(entry.text):]
        digits = [c for c in rest if c.text.isdigit()]
        dots = [c for c in rest if not c.text.isdigit()]
        found.append(("".join(c.text for c in chars), title, dots, digits))
    return found


def test_toc_wraps_long_titles_beside_leaders_and_right_aligned_numbers(
    tmp_path: Path, to_pdf
) -> None:
    lines = [
        bundle_pages.TocLine(LINE_FILLING_TITLE, 1),
        bundle_pages.TocLine(LINE_FILLING_TITLE + "（第二次修订稿）", 12),
        bundle_pages.TocLine("承诺书"),
        bundle_pages.TocLine("..", 105, nested=True),
        bundle_pages.TocLine("-rf", 106, nested=True),
        bundle_pages.TocLine("1", 107, nested=True),
        bundle_pages.TocLine(LINE_FILLING_TITLE * 2, 108, nested=True),
        bundle_pages.TocLine("张三", 1234, nested=True),
        bundle_pages.TocLine("ئەخمەت", 1235, nested=True),  # right to left: a Uyghur name
    ]
    path = tmp_path / "front.pdf"
    path.write_bytes(to_pdf(bundle_pages.front_matter_docx(title=None, toc=lines)))
    found = toc_entries_on(path, lines)
    with open_pdf(path) as pdf:
        printed = [line.text for line in lines_of(pdf.pages[0])]
    # a title wraps where a word ends, in balanced lines, as a plan's title does
    assert printed[1] == "都江市实验中学党支部"
    assert printed[2].startswith("关于深入开展创先争优活动的实施方案...")
    assert printed[3] == "都江市实验中学党支部关于深入开展创先争优活动的"
    assert printed[4].startswith("实施方案（第二次修订稿）...")
    expected = [line for line in lines if line.page is not None]
    # pdfplumber reads the letters of a right-to-left name in the order they are drawn
    assert [("".join(c.text for c in title), "".join(c.text for c in digits))
            for _, title, _, digits in found] == [
        (line.text[::-1] if unicodedata.bidirectional(line.text[0]) == "AL" else line.text,
         str(line.page)) for line in expected]
    for (title, title_chars, dots, digits), line in zip(found, expected, strict=True):
        assert {c.text for c in dots} == {"."}, title
        assert digits[-1].x1 == pytest.approx(RIGHT_MARGIN_X_MM, abs=0.3), title
        assert {c.size for c in digits} == {standard.SANHAO}, title
        assert len(dots) >= 3, f"{title}: no dot leader"
        # every line of the title starts at the entry's indent: wrapped inside its column
        indent = bundle_pages.NESTED_INDENT_CHARS if line.nested else 0
        column = standard.MARGIN_LEFT_MM + indent * standard.ONE_CHAR_MM
        assert min(c.x0 for c in title_chars) == pytest.approx(column, abs=0.3), title
        # the title stays clear of the number, even where it fills its lines
        assert max(c.x1 for c in title_chars) < digits[0].x0 - standard.ONE_CHAR_MM / 2, title
        assert title_chars[-1].x1 <= dots[0].x0 + 0.1 and dots[-1].x1 <= digits[0].x0 + 0.1, title


def test_cover_title_breaks_at_word_boundaries(tmp_path: Path, to_pdf) -> None:
    """LibreOffice would fill the first line: 「…阶段材」 / 「料汇编」."""
    title = "实验中学创先争优活动发动部署阶段材料汇编"  # 20 一字 of 一号: two lines
    path = tmp_path / "front.pdf"
    path.write_bytes(to_pdf(bundle_pages.front_matter_docx(
        title=title, author=AUTHOR, date_text="2024年9月1日")))
    with open_pdf(path) as pdf:
        cover = [line for line in lines_of(pdf.pages[0])
                 if line.size == bundle_pages.COVER_TITLE_SIZE]
    assert [line.text for line in cover] == ["实验中学创先争优活动", "发动部署阶段材料汇编"]
    centre = standard.MARGIN_LEFT_MM + standard.TEXT_BLOCK_WIDTH_MM / 2
    for line in cover:
        assert (line.x0 + line.x1) / 2 == pytest.approx(centre, abs=1.0)


# --- hostile inputs: bounded before they cost time or memory ---------------------------


def test_oversized_pdf_is_refused_before_it_is_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GONGWEN_MAX_INPUT_MB", "0.001")  # → PDFs up to 256 KiB
    big = tmp_path / "big.pdf"
    big.write_bytes(text_pdf("A") + b"%" * (300 << 10))
    with pytest.raises(BundleError) as info:
        build_bundle([BundleEntry(big, "甲")], tmp_path / "x.pdf", title="汇编",
                     cover=False, toc=False)
    message = str(info.value)
    assert "big.pdf" in message and "too large" in message and "GONGWEN_MAX_INPUT_MB" in message
    assert not (tmp_path / "x.pdf").exists()


def test_too_many_pages_are_refused(tmp_path: Path, monkeypatch) -> None:
    from gongwen.bundle import assemble

    monkeypatch.setattr(assemble, "MAX_BUNDLE_PAGES", 5)
    with pytest.raises(BundleError, match="6 pages; a bundle may have at most 5"):
        build_bundle([BundleEntry(text_pdf("A", 6), "甲")], tmp_path / "x.pdf", title="汇编",
                     cover=False, toc=False)
    with pytest.raises(BundleError, match="6 pages together"):
        build_bundle([BundleEntry(text_pdf("A", 3), "甲"), BundleEntry(text_pdf("B", 3), "乙")],
                     tmp_path / "x.pdf", title="汇编", cover=False, toc=False)
    assert not (tmp_path / "x.pdf").exists()


def test_a_page_tree_nested_without_end_is_one_message(tmp_path: Path) -> None:
    depth = 5000  # /Kids inside /Kids: pypdf walks it recursively
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (level + 3))
    objects.append(b"<< /Type /Page /MediaBox [0 0 595 842] >>")
    body, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    with pytest.raises(BundleError, match="entry 1 '甲'.*not a readable PDF"):
        build_bundle([BundleEntry(bytes(body), "甲")], tmp_path / "x.pdf", title="汇编",
                     cover=False, toc=False)
