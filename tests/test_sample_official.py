"""The sample activity's 公文 (issue #14, item 7): `gongwen batch` makes each one in the
phase that owes it, without a warning, and bundles it under its title."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from gongwen.cli import main

#: phase → (data file, the document's title) of each 公文 that phase hands in
OWED = {
    "发动部署": [("notice.yaml", "关于召开创先争优活动动员大会的通知"),
                 ("request.yaml", "都江市实验中学党支部关于拨付创先争优活动经费的请示")],
    "组织实施": [("minutes.yaml", "都江市实验中学党支部支委会会议纪要"),
                 ("letter.yaml", "关于商请联合开展创先争优活动经验交流的函")],
    "总结提高": [("summary.yaml", "都江市实验中学党支部关于创先争优活动开展情况的报告")],
}


@pytest.mark.parametrize("phase", list(OWED))
def test_batch_makes_and_bundles_each_sample_document_in_its_phase(sample_dir, tmp_path,
                                                                   phase):
    result = CliRunner().invoke(main, ["batch", str(sample_dir), "--phase", phase,
                                       "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / phase
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    made = {document["job"]: document for document in manifest["documents"]}
    reader = PdfReader(folder / manifest["bundle"]["file"]["path"])
    bookmarks = [item.title for item in reader.outline if not isinstance(item, list)]
    for job, title in OWED[phase]:
        document = made[job]
        assert document["kind"] == "official" and document["title"] == title
        assert document["warnings"] == [], document["warnings"]
        assert (folder / document["pdf"]["path"]).is_file() and document["pages"] >= 1
        assert title in bookmarks, bookmarks
