"""``gongwen check`` on folders: the folder ``batch`` writes keeps each phase, and each
member's documents, in subfolders — checking it checks all of them; a folder with no
document is an error, not a silent "0 files, no findings"."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from test_check import _a4_draft, pdf_of

from gongwen.checker import check
from gongwen.cli import main

BODY = ("全体党员认真学习，按时完成各项任务。" * 3, "body")


@pytest.fixture(scope="module")
def draft() -> tuple[bytes, bytes]:
    """A one-page draft as DOCX and as PDF."""
    docx = _a4_draft([BODY])
    return docx, pdf_of(docx, "draft")


def test_a_folder_is_checked_with_its_subfolders(tmp_path: Path, draft) -> None:
    docx, pdf = draft
    phase = tmp_path / "out" / "发动部署"
    (phase / "党员承诺书").mkdir(parents=True)
    (phase / ".cache").mkdir()
    (phase / "通知.docx").write_bytes(docx)
    (phase / "通知.pdf").write_bytes(pdf)  # the DOCX's own PDF: checked once, as the DOCX
    (phase / "党员承诺书" / "林明富.pdf").write_bytes(pdf)
    (phase / ".cache" / "old.pdf").write_bytes(pdf)
    report = check(tmp_path / "out")
    assert sorted(report.checked) == sorted([str(phase / "通知.docx"),
                                             str(phase / "党员承诺书" / "林明富.pdf")])
    assert report.unreadable == []


def test_a_folder_without_documents_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    (tmp_path / "empty" / "notes.txt").write_text("not a document", encoding="utf-8")
    report = check(tmp_path / "empty")
    assert report.checked == []
    assert [path for path, _ in report.unreadable] == [str(tmp_path / "empty")]
    assert report.exit_code() == 2
    result = CliRunner().invoke(main, ["check", str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert "no .docx or .pdf in this folder" in result.output
    assert "Traceback" not in result.output


def test_a_folder_that_is_not_there_is_no_such_file(tmp_path: Path) -> None:
    report = check(tmp_path / "ot")
    assert report.unreadable == [(str(tmp_path / "ot"), "no such file")]
    assert report.exit_code() == 2
