"""`--help` that teaches: what a newcomer reads first names what the command does."""

from __future__ import annotations

from click.testing import CliRunner

from gongwen.cli import main


def help_of(*command: str) -> str:
    result = CliRunner().invoke(main, [*command, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_serve_help_sends_you_to_the_web_pages() -> None:
    text = help_of("serve")
    assert "Serve the web pages (Chinese, at /)" in text
    assert "# open http://127.0.0.1:8000/" in text


def test_render_help_names_every_kind() -> None:
    text = help_of("render")
    for kind in ("plan (实施方案)", "official (公文:", "briefing (简报)", "pledge (承诺书)",
                 "evaluation (民主评议)"):
        assert kind in text


def test_bundle_of_a_missing_pdf_is_bad_input(tmp_path) -> None:
    result = CliRunner().invoke(main, ["bundle", str(tmp_path / "无.pdf"), "-o",
                                       str(tmp_path / "汇编.pdf"), "--title", "汇编"])
    assert result.exit_code == 2
    assert "无.pdf' does not exist" in result.output
    assert not (tmp_path / "汇编.pdf").exists()


def test_render_of_a_folder_says_it_is_a_folder(tmp_path) -> None:
    result = CliRunner().invoke(main, ["render", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output.strip() == (f"error: {tmp_path}: is a folder, not a data file (hint: "
                                     "name a .yaml or .json file in it; for an activity folder, "
                                     "run `gongwen batch FOLDER --phase <名称>`)")
