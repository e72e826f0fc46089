"""The committed templates are exactly what the builder makes from standard.py."""

from __future__ import annotations

import io
import zipfile

import pytest

from gongwen.templating.builder import BUILDERS, build_template
from gongwen.templating.registry import template_dir


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_committed_template_matches_the_builder(name: str):
    committed = template_dir() / f"{name}.docx"
    assert committed.is_file(), f"run: python -m gongwen.templating.builder templates ({name}.docx missing)"
    built = build_template(name)
    if committed.read_bytes() != built:
        old = zipfile.ZipFile(committed)
        new = zipfile.ZipFile(io.BytesIO(built))
        changed = [n for n in new.namelist()
                   if n not in old.namelist() or old.read(n) != new.read(n)]
        pytest.fail(f"templates/{name}.docx is stale in {changed}; "
                    "run: python -m gongwen.templating.builder templates")


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_template_build_is_deterministic(name: str):
    assert build_template(name) == build_template(name)


def _out_of_order(blob: bytes) -> list[str]:
    from lxml import etree

    from gongwen.layout.ooxml import _RANKS

    found = []
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        for name in archive.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                for element in etree.fromstring(archive.read(name)).iter(*_RANKS):
                    rank = _RANKS[element.tag]
                    ranks = [rank.get(c.tag, len(rank)) for c in element]
                    if ranks != sorted(ranks):
                        found.append(f"{name}: {element.tag}")
    return found


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_templates_keep_schema_order_word_requires(name: str):
    assert _out_of_order(build_template(name)) == []


def test_rendered_documents_keep_schema_order():
    from conftest import SAMPLE

    import gongwen

    for data in ("plan.yaml", "briefing-2.yaml", "evaluation-summary.yaml", "pledge.yaml"):
        document = gongwen.render_all(SAMPLE / data, members=["吴静"] if "pledge" in data else ())[0]
        assert _out_of_order(document.docx) == [], data


def test_undated_pledge_is_deterministic_and_never_dated_today(sample_dir):
    """A pledge left for a handwritten date takes a fixed epoch in its metadata."""
    import datetime as dt

    import docx

    import gongwen

    path = sample_dir / "pledge.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith("承诺日期")) + "\n",
                    encoding="utf-8")
    first = gongwen.render_all(path, members=["吴静"])[0].docx
    assert first == gongwen.render_all(path, members=["吴静"])[0].docx
    created = docx.Document(io.BytesIO(first)).core_properties.created
    assert created.date() == dt.date(2000, 1, 1)


def test_core_properties_stay_in_their_namespaces():
    """docxcompose (under docxtpl) remaps python-docx's "cp" prefix; rendered documents
    must still write docProps/core.xml in the OPC core-properties namespaces only, each
    property once — Word refuses a core.xml that fails its schema."""
    import zipfile as zf

    from conftest import SAMPLE
    from lxml import etree

    import gongwen

    allowed = {"http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
               "http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/"}
    for source in ("plan.yaml", "pledge.yaml", "evaluation-summary.yaml"):
        for document in gongwen.render_all(SAMPLE / source)[:2]:
            with zf.ZipFile(io.BytesIO(document.docx)) as archive:
                root = etree.fromstring(archive.read("docProps/core.xml"))
            tags = [etree.QName(el).localname for el in root]
            assert {etree.QName(el).namespace for el in root} <= allowed, source
            assert len(tags) == len(set(tags)), tags
            title = root.find("{http://purl.org/dc/elements/1.1/}title")
            assert title is not None and title.text == document.title


def test_tags_in_a_users_footer_and_properties_still_render(tmp_path):
    """Parts without a tag are left as they are (faster); parts with one are rendered."""
    from docx import Document

    import gongwen

    doc = Document(io.BytesIO(build_template("plan")))
    doc.sections[0].footer.paragraphs[0].add_run("{{ title }}·页脚")
    doc.core_properties.subject = "{{ organ }}的方案"
    template = tmp_path / "mine.docx"
    doc.save(template)
    data = {"kind": "plan", "organ": "中共测试支部", "title": "关于测试的方案", "body": "正文。",
            "date": "2025-01-02"}
    rendered = Document(io.BytesIO(gongwen.render(data, template=template).docx))
    assert "关于测试的方案·页脚" in rendered.sections[0].footer.paragraphs[0].text
    assert rendered.core_properties.subject == "中共测试支部的方案"
    untouched = Document(io.BytesIO(gongwen.render(data).docx))
    assert "{{" not in untouched.sections[0].footer.paragraphs[0].text


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_templates_carry_only_the_styles_they_use(name):
    """No latent styles, stylesWithEffects.xml or thumbnail from python-docx's default
    template; every style the template names is still defined."""
    import re

    with zipfile.ZipFile(io.BytesIO(build_template(name))) as archive:
        names = set(archive.namelist())
        styles = archive.read("word/styles.xml").decode()
        used = set(re.findall(r'w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"',
                              archive.read("word/document.xml").decode()))
    assert "word/stylesWithEffects.xml" not in names and "docProps/thumbnail.jpeg" not in names
    assert "latentStyles" not in styles
    defined = set(re.findall(r'w:styleId="([^"]+)"', styles))
    assert used <= defined and all(s.startswith("Gw") or s in ("Normal", "DefaultParagraphFont",
                                   "TableNormal", "NoList") for s in defined), defined


def test_an_edited_committed_template_takes_effect_in_the_same_process(tmp_path, monkeypatch):
    from gongwen.templating import registry as templates

    monkeypatch.setattr(templates, "template_dir", lambda: tmp_path)
    assert templates.committed_template("pledge") is None
    path = tmp_path / "pledge.docx"
    path.write_bytes(b"first")
    assert templates.committed_template("pledge") == b"first"
    path.write_bytes(b"edited, and longer")
    assert templates.committed_template("pledge") == b"edited, and longer"
    assert templates.builtin_template("pledge") == b"edited, and longer"
