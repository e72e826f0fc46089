"""The Jinja/docxtpl side: shared environments, Chinese filters, and errors that name
the template and the missing key instead of a blank.

Data is always autoescaped: docxtpl writes it into XML, and a bare ``<`` or ``&``
in user data would otherwise corrupt or silently truncate the paragraph.
User templates (``--template``) render in a bounded sandbox (:mod:`.sandbox`):
an error of a template's own code is a TemplateError that names the template and the
paragraph, never a traceback.

A template renders once per member of a branch, so everything that depends on the
template alone is done once per process: its package is read once
(:func:`gongwen.layout.ooxml.package_template`), its XML patched and compiled by Jinja once,
and its unchanged parts compressed once.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import re
import traceback
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import jinja2
from docx.document import Document as DocxDocument
from docx.oxml.ns import nsmap, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table as DocxTable
from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc
from lxml import etree
from markupsafe import Markup, escape

from ..errors import GongwenError, InputError, TemplateError
from ..inputs.limits import binary_limit, check_size, check_zip
from ..layout.ooxml import TEMPLATE_CACHE_SIZE, Memo, PackageTemplate, order_properties
from ..text import chinese_numeral, format_date, format_doc_number
from .sandbox import GuardedSandbox, TemplateLimitError, printable, render_budget

#: docxtpl imports docxcompose, which points python-docx's "cp" prefix at the custom
#: properties namespace: core properties (author, revision …) would then be written in
#: the wrong namespace, and docProps/core.xml would fail the OPC schema.  Put it back.
CORE_PROPERTIES_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
nsmap["cp"] = CORE_PROPERTIES_NS

ContextBuilder = Callable[[DocxTemplate], dict[str, Any]]
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")
#: compiled template sources an environment keeps (a template's body, headers and
#: footers, its core properties)
COMPILED_CACHE_SIZE = 64
#: characters docxtpl turns into tabs, breaks and page breaks after rendering
_LISTING_CHARACTERS = ("\t", "\a", "\n", "\f")

#: Word's limit for a core property (title, author …), which python-docx enforces
CORE_PROPERTY_MAX_CHARS = 255


def _cn_date(value: Any) -> str:
    return format_date(value) if value else ""


FILTERS: dict[str, Callable[..., Any]] = {
    "cn_date": _cn_date,
    "cn_number": chinese_numeral,
    "doc_number": format_doc_number,
}


class _CompilingOnce:
    """Environment mixin: :meth:`from_string` compiles a source once.  docxtpl asks for
    the same template XML for every document it renders; a compiled template renders
    any number of contexts."""

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None
                    ) -> jinja2.Template:
        parent = super().from_string  # type: ignore[misc]
        if globals is not None or template_class is not None or not isinstance(source, str):
            return parent(source, globals, template_class)
        memo = self.__dict__.setdefault("_compiled", Memo(COMPILED_CACHE_SIZE))
        return memo.get_or_make(source, lambda: parent(source))


class _Environment(_CompilingOnce, jinja2.Environment):
    pass


class _SandboxedEnvironment(_CompilingOnce, GuardedSandbox):
    pass


#: docxtpl turns ``{_{ }_} {_% %_}`` into ``{{ }} {% %}`` after rendering (a template's
#: way to print them); data must stay as typed, so such an "_" goes out as a character
#: reference, which the XML parser reads back as "_"
_TEMPLATE_ESCAPE_UNDERSCORE = re.compile(r"(?<=\{)_(?=[{%])|(?<=[}%])_(?=\})")


def keep_literal(xml: str) -> str:
    """``xml`` (data, escaped for XML) safe from docxtpl's ``{_{`` replacement."""
    if "{_" not in xml and "_}" not in xml:
        return xml  # the usual case, found without the regular expression's lookarounds
    return _TEMPLATE_ESCAPE_UNDERSCORE.sub("&#95;", xml)


def _finalize(value: Any) -> Any:
    """Every ``{{ value }}``: escaped here (autoescape would do it next) and kept literal."""
    if hasattr(value, "__html__"):
        return value  # a sub-document or markup: it says what it is
    return Markup(keep_literal(str(escape(value))))


def make_environment(*, sandboxed: bool = False) -> jinja2.Environment:
    """An environment with autoescape, strict undefined and gongwen's filters."""
    if not sandboxed:
        env: jinja2.Environment = _Environment(
            autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
            finalize=_finalize)
        env.filters.update(FILTERS)
        return env
    sandbox = _SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined,
                                    keep_trailing_newline=True,
                                    finalize=lambda value: _finalize(printable(value)))
    sandbox.filters.update(FILTERS)
    sandbox.guard_filters()
    return sandbox


@functools.cache
def environment(*, sandboxed: bool = False) -> jinja2.Environment:
    """The process's shared environment (it keeps what it compiled)."""
    return make_environment(sandboxed=sandboxed)


def check_docx(data: bytes, name: str) -> None:
    """Refuse a file that is not a Word document before docxtpl fails obscurely on it,
    and one whose parts would inflate far beyond any real template's
    (:func:`~gongwen.inputs.limits.check_zip`) before any part is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise TemplateError("is not a .docx file (not a zip archive)", template=name,
                            hint="save the template from Word or WPS as .docx") from None
    if "word/document.xml" not in names:
        raise TemplateError("is not a .docx file (no word/document.xml)", template=name,
                            hint="save the template from Word or WPS as .docx")
    try:
        check_zip(data, name, "template")
    except InputError as exc:
        raise TemplateError(exc.message, template=name, hint=exc.hint) from None


@functools.cache
def _blank_document() -> BaseOxmlElement:
    """The element of python-docx's default document, which docxtpl sub-documents have
    always been made of: an empty body and its page (the width new tables get)."""
    return docx.Document().element


class SubDocument(Subdoc):
    """A docxtpl sub-document (``{{p name }}`` in a template) on a fresh blank body.

    docxtpl's own opens python-docx's default template for every sub-document only to
    keep its body; this one copies that body, parsed once.
    """

    def __init__(self, tpl: DocxTemplate) -> None:
        self.tpl = tpl
        self.docx = tpl.get_docx()
        self.subdocx = DocxDocument(copy.deepcopy(_blank_document()), self.docx.part)

    def _get_xml(self) -> str:
        return keep_literal(super()._get_xml())

    def add_table(self, rows: int, cols: int) -> DocxTable:
        """A table as python-docx adds one without a style, but without reading the
        template's styles part to find that there is no style to set."""
        table = self.subdocx._body.add_table(rows, cols, self.subdocx._block_width)
        table._tbl.tblStyle_val = None
        return table


class _Template(DocxTemplate):
    """A DocxTemplate over a :class:`PackageTemplate`: its document, sub-documents and
    XML come from what was prepared once for the template."""

    def __init__(self, package: PackageTemplate, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.package = package

    def init_docx(self, reload: bool = True) -> None:
        if not self.docx or (self.is_rendered and reload):
            self.docx = self.package.open()
            self.is_rendered = False

    def new_subdoc(self, docpath: Any = None) -> Subdoc:
        if docpath is not None:
            return super().new_subdoc(docpath)
        self.init_docx()
        return SubDocument(self)

    def patch_xml(self, src_xml: str) -> str:
        return _PATCHED.get_or_make(src_xml, lambda: super(_Template, self).patch_xml(src_xml))

    # A part without a "{" has no tag to render: docxtpl would still parse, patch,
    # render and re-parse it for every document (the footers, the core properties).

    def build_headers_footers_xml(self, context: Any, uri: str, jinja_env: Any = None
                                  ) -> Any:
        if any(b"{" in part.blob for _, part in self.get_headers_footers(uri)):
            yield from super().build_headers_footers_xml(context, uri, jinja_env)

    def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        core = self.docx.core_properties
        if any("{" in (getattr(core, name) or "") for name in _TEMPLATED_PROPERTIES):
            super().render_properties(context, jinja_env)

    def render_footnotes(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        if any(part.content_type == _FOOTNOTES and b"{" in part.blob
               for part in self.docx.part.package.iter_parts()):
            super().render_footnotes(context, jinja_env)

    def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None
                        ) -> str:
        """docxtpl's rendering of one part; an error carries the text of the template
        paragraph whose code raised it (``gongwen_paragraph``), for the message."""
        try:
            return super().render_xml_part(src_xml, part, context, jinja_env)
        except Exception as exc:
            if getattr(exc, "gongwen_paragraph", None) is None:
                with contextlib.suppress(AttributeError):  # an exception without __dict__
                    exc.gongwen_paragraph = _failing_paragraph(exc, src_xml)  # type: ignore[attr-defined]
            raise

    def resolve_listing(self, xml: str) -> str:
        if not any(character in xml for character in _LISTING_CHARACTERS):
            return xml  # nothing to resolve: docxtpl's regular expressions would copy it
        return super().resolve_listing(xml)

    def fix_tables(self, xml: str) -> Any:
        """docxtpl's repair of tables whose rows have more or fewer cells than their
        grid, done only when a table needs it: checking a table of a thousand rows
        cell by cell in Python took longer than rendering it."""
        tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
        if tree.nsmap.get("w") == nsmap["w"] and all(map(_grid_fits, tree.iter(_TBL))):
            return tree
        return super().fix_tables(xml)


#: the core properties docxtpl renders as templates
_TEMPLATED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_TBL, _TBL_GRID, _GRID_COL, _TR = (qn(f"w:{tag}") for tag in ("tbl", "tblGrid", "gridCol", "tr"))
_ROW_CELLS = etree.XPath("count(w:tc)", namespaces={"w": nsmap["w"]})
_ROW_SPANS = etree.XPath("w:tc/w:tcPr[1]/w:gridSpan[1]", namespaces={"w": nsmap["w"]})
_VAL = qn("w:val")


def _grid_fits(table: Any) -> bool:
    """Whether no row of ``table`` has more cells than its grid has columns, and the
    widest row spans them all (what docxtpl's ``fix_tables`` would leave as it is)."""
    try:
        columns = len(table.find(_TBL_GRID).findall(_GRID_COL))
        widest = 0
        for row in table.iter(_TR):
            cells = int(_ROW_CELLS(row))
            if cells > columns:
                return False
            spans = _ROW_SPANS(row)
            widest = max(widest, cells - len(spans) + sum(int(s.get(_VAL)) for s in spans))
    except (AttributeError, TypeError, ValueError):
        return False  # docxtpl's own code says what is wrong
    return widest >= columns


_PATCHED = Memo(COMPILED_CACHE_SIZE)
_PARAGRAPH_START = re.compile(r"<w:p([ >])")
_TAG = re.compile(r"<[^>]+>")


def _failing_paragraph(exc: BaseException, src_xml: str) -> str | None:
    """The text of the template paragraph a rendering error came from: Jinja rewrites
    a traceback so that a template's frames carry its line, and docxtpl starts every
    paragraph on a line of its own."""
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == "<template>":
            line = lineno
    if line is None:
        return None
    lines = _PARAGRAPH_START.sub(r"\n<w:p\1", src_xml).splitlines()
    if not 0 < line <= len(lines):
        return None
    paragraph = lines[line - 1].split("</w:p>", 1)[0]  # a {{p}} part may follow it
    text = " ".join(_TAG.sub("", paragraph).split())
    return text[:60] + ("…" if len(text) > 60 else "")


#: what an exception of a template's own code says, by its type
_FAILURES: tuple[tuple[type[BaseException], str], ...] = (
    (MemoryError, "ran out of memory"),
    (RecursionError, "nests or calls itself too deeply (a macro that never stops?)"),
)


def render_docx(
    template: bytes,
    name: str,
    build_context: ContextBuilder,
    *,
    sandboxed: bool = False,
    properties: dict[str, Any] | None = None,
) -> bytes:
    """Render ``template`` with the context ``build_context`` makes for it.

    ``build_context`` receives the :class:`DocxTemplate` because sub-documents
    (body, closing block) must be created from the template they go into.
    ``properties`` set the DOCX core properties (title, author, dates).
    """
    package = _package(template, name)
    try:
        tpl = _Template(package, template)
        context = build_context(tpl)
        with render_budget() if sandboxed else contextlib.nullcontext():
            tpl.render(context, jinja_env=environment(sandboxed=sandboxed), autoescape=True)
    except jinja2.UndefinedError as exc:
        missing = _missing_name(str(exc))
        raise TemplateError(
            f"uses {{{{ {missing} }}}}, which the data does not provide",
            template=name,
            hint="remove the tag from the template, or check its spelling against "
            "the fields listed by 'gongwen templates --fields'",
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        snippet = " ".join(line.strip() for line in getattr(exc, "docx_context", []) if line)
        raise TemplateError(f"template syntax error: {exc.message}", template=name,
                            hint=f"near: {snippet[:80]}" if snippet else None) from None
    except TemplateLimitError as exc:
        raise TemplateError(f"template code stopped: {exc}", template=name,
                            hint=_where(exc, "a template renders one document; simplify "
                                        "the loop or expression there")) from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"unsafe template operation: {exc}", template=name,
                            hint=_where(exc)) from None
    except GongwenError:
        raise
    except Exception as exc:
        if not sandboxed:
            raise  # a built-in template's failure is gongwen's bug: keep its traceback
        what = next((text for kind, text in _FAILURES if isinstance(exc, kind)),
                    f"failed: {type(exc).__name__}: {exc}")
        raise TemplateError(f"the template's code {what}", template=name,
                            hint=_where(exc)) from None
    for key, value in (properties or {}).items():
        if isinstance(value, str) and len(value) > CORE_PROPERTY_MAX_CHARS:
            value = value[:CORE_PROPERTY_MAX_CHARS - 1] + "…"  # metadata only: the page has it all
        setattr(tpl.docx.core_properties, key, value)  # get_docx() would reload
    order_properties(tpl.docx.element)
    return package.save(tpl.docx)


@functools.lru_cache(maxsize=TEMPLATE_CACHE_SIZE)
def _package(template: bytes, name: str) -> PackageTemplate:
    """The template read once per process, checked first so that a bad file says
    what it is."""
    check_docx(template, name)
    try:
        return PackageTemplate(template)
    except (SyntaxError, KeyError, ValueError, zipfile.BadZipFile) as exc:  # lxml's too
        raise TemplateError(f"is not a readable .docx file: {exc}", template=name,
                            hint="open it in Word or WPS and save it again as .docx"
                            ) from None


def _where(exc: BaseException, advice: str | None = None) -> str | None:
    """The hint of a template error: the paragraph it came from, and ``advice``."""
    paragraph = getattr(exc, "gongwen_paragraph", None)
    place = f"in the paragraph 「{paragraph}」" if paragraph else None
    return "; ".join(part for part in (place, advice) if part) or None


def _missing_name(message: str) -> str:
    match = _UNDEFINED_NAME.search(message)
    if not match:
        return message
    return match.group(1) or match.group(2)


def read_template(path: str | Path) -> bytes:
    """Bytes of a user template; a missing or oversized file is a TemplateError."""
    try:
        check_size(Path(path), binary_limit(), "template")
    except InputError as exc:
        raise TemplateError(exc.message, template=str(path), hint=exc.hint) from None
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise TemplateError(f"cannot read template: {exc.strerror}", template=str(path)) from None
