"""Which open faces stand in for the official 公文 fonts, and the fontconfig file that says so.

A DOCX names 仿宋_GB2312, 方正小标宋简体 and friends; none of them may be shipped.  The
LibreOffice that gongwen starts therefore gets a private fontconfig file (through the
``FONTCONFIG_FILE`` variable of that child process only) that binds each official name
strongly to a Fandol face, falls back to Noto CJK SC for the characters Fandol lacks
(it covers about GB 2312), and fixes the weight Fandol's Bold faces declare wrongly.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template
from types import MappingProxyType
from xml.sax.saxutils import escape

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import DictionaryObject, IndirectObject

from ..errors import ConversionError
from ..fileio import write_atomic
from ..layout import standard

#: environment variable naming the directory that holds the Fandol OTF files
FONT_DIR_ENV = "GONGWEN_FONT_DIR"
#: where scripts/setup-system.sh installs them, then a per-user place, then TeX Live's
FONT_DIR_CANDIDATES = (
    Path("/usr/local/share/gongwen/fonts"),
    Path("~/.local/share/gongwen/fonts"),
    Path("/usr/share/texmf/fonts/opentype/public/fandol"),
    Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"),
)
#: the six text faces gongwen uses (Fandol's Braille faces are left out on purpose)
FANDOL_FILES = (
    "FandolFang-Regular.otf",
    "FandolKai-Regular.otf",
    "FandolSong-Regular.otf",
    "FandolSong-Bold.otf",
    "FandolHei-Regular.otf",
    "FandolHei-Bold.otf",
)
SYSTEM_FONTCONFIG = "/etc/fonts/fonts.conf"
#: configurations no process has asked for in this many days are deleted
STALE_CONFIG_DAYS = 30
NOTO_SERIF_SC = "Noto Serif CJK SC"
NOTO_SANS_SC = "Noto Sans CJK SC"
#: metric-compatible stand-ins for Times New Roman, best first
TIMES_SUBSTITUTES = ("Liberation Serif", "Tinos", "TeX Gyre Termes", "Nimbus Roman")
#: a subset font's name starts with six capitals and a plus sign (ISO 32000-1, 9.6.4)
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
_TEMPLATE = "fonts.conf.in"


@dataclass(frozen=True)
class Substitution:
    """One official face and the open face that replaces it in a PDF."""

    #: the names a DOCX may use for it; the first is the one gongwen writes
    names: tuple[str, ...]
    #: fontconfig family of the open face, then the families to try for missing glyphs
    families: tuple[str, ...]
    #: PostScript name the open face carries inside a PDF (what :func:`fonts_in_pdf` reports)
    postscript: str
    bold: bool = False

    @property
    def official(self) -> str:
        return self.names[0]


SUBSTITUTIONS: tuple[Substitution, ...] = (
    Substitution(
        (standard.FANGSONG, "仿宋", "FangSong", "FangSong_GB2312", "仿宋_GBK", "方正仿宋_GBK"),
        ("FandolFang", NOTO_SERIF_SC),
        "FandolFang-Regular",
    ),
    # 小标宋 is a heavy, narrow Song: FandolSong Bold is the closer open face (Noto Serif
    # CJK SC Bold is rounder and wider); it also keeps the mark's width near Word's.
    Substitution(
        (standard.XIAOBIAOSONG, "方正小标宋_GBK", "方正小标宋", "小标宋", "FZXiaoBiaoSong-B05S"),
        ("FandolSong", NOTO_SERIF_SC),
        "FandolSong-Bold",
        bold=True,
    ),
    Substitution(
        (standard.KAITI, "楷体", "KaiTi", "KaiTi_GB2312", "楷体_GBK", "方正楷体_GBK"),
        ("FandolKai", NOTO_SERIF_SC),
        "FandolKai-Regular",
    ),
    Substitution(
        (standard.HEITI, "SimHei", "方正黑体_GBK", "方正黑体简体"),
        ("FandolHei", NOTO_SANS_SC),
        "FandolHei-Regular",
    ),
    Substitution(
        (standard.SONGTI, "SimSun", "新宋体", "NSimSun"),
        ("FandolSong", NOTO_SERIF_SC),
        "FandolSong-Regular",
    ),
    Substitution(
        (standard.LATIN_FONT, "Times"),
        (*TIMES_SUBSTITUTES, NOTO_SERIF_SC),
        "LiberationSerif",
    ),
)

#: official font name → PostScript name of the open face that replaces it in a PDF
FONT_SUBSTITUTES: MappingProxyType[str, str] = MappingProxyType(
    {name: sub.postscript for sub in SUBSTITUTIONS for name in sub.names}
)


def replaced_names(face: str) -> tuple[str, ...]:
    """The official names whose text a PDF font ``face`` (PostScript name) stands in for."""
    face = _SUBSET_PREFIX.sub("", face)
    return tuple(sub.official for sub in SUBSTITUTIONS if sub.postscript == face)


# --- locating fonts ------------------------------------------------------------------


def find_font_dir() -> Path | None:
    """The first directory holding Fandol's faces: ``$GONGWEN_FONT_DIR``, then the usual places."""
    env = os.environ.get(FONT_DIR_ENV)
    candidates = [Path(env)] if env else []
    candidates += [path.expanduser() for path in FONT_DIR_CANDIDATES]
    for path in candidates:
        if any((path / name).is_file() for name in FANDOL_FILES):
            return path
    return None


def missing_fandol_files(font_dir: Path | None) -> list[str]:
    """Which of the six Fandol text faces ``font_dir`` lacks (all of them when it is None)."""
    if font_dir is None:
        return list(FANDOL_FILES)
    return [name for name in FANDOL_FILES if not (font_dir / name).is_file()]


def cache_root() -> Path:
    """gongwen's per-user cache directory (fontconfig files, LibreOffice profile templates)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    root = Path(base) / "gongwen"
    try:
        root.mkdir(parents=True, exist_ok=True)
        if os.access(root, os.W_OK):
            return root
    except OSError:
        pass
    # A read-only home (some CI sandboxes): a per-user directory under the temp dir.
    root = Path(tempfile.gettempdir()) / f"gongwen-{os.getuid()}"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


# --- the fontconfig file -----------------------------------------------------------------


def _alias_xml(sub: Substitution) -> str:
    """One ``<match>`` per official name: strong family binding, plus weight for 小标宋."""
    families = "".join(f"<string>{escape(f)}</string>" for f in sub.families)
    weight = (
        '\n    <edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>'
        if sub.bold
        else ""
    )
    blocks = []
    for name in sub.names:
        blocks.append(
            "  <match target=\"pattern\">\n"
            f"    <test qual=\"first\" name=\"family\" ignore-blanks=\"true\"><string>{escape(name)}</string></test>\n"
            f"    <edit name=\"family\" mode=\"assign\" binding=\"strong\">{families}</edit>"
            f"{weight}\n"
            "  </match>"
        )
    return "\n".join(blocks)


def render_font_config(font_dir: Path | None, cache_dir: str, salt: str) -> str:
    """The fontconfig file's text for ``font_dir`` (None: no Fandol, Noto alone serves)."""
    template = (_DATA_DIR / _TEMPLATE).read_text("utf-8")
    dirs = f'  <dir salt="{escape(salt)}">{escape(str(font_dir))}</dir>' if font_dir else ""
    return Template(template).substitute(
        cache_dir=escape(cache_dir),
        system_config=SYSTEM_FONTCONFIG,
        font_dirs=dirs,
        aliases="\n".join(_alias_xml(sub) for sub in SUBSTITUTIONS),
    )


def _inputs_digest(font_dir: Path | None) -> str:
    """A digest of everything the config depends on, so a change yields a fresh file."""
    digest = hashlib.sha256(render_font_config(font_dir, "", "").encode())
    if font_dir is not None:
        for name in sorted(os.listdir(font_dir)):
            stat = (font_dir / name).stat()
            digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _prune_stale(root: Path, keep: Path) -> None:
    """Delete configurations (and their font caches) unused for :data:`STALE_CONFIG_DAYS`."""
    cutoff = time.time() - STALE_CONFIG_DAYS * 86400
    for old in root.glob("fontconfig-*"):
        with contextlib.suppress(OSError):
            if old != keep and (old / "fonts.conf").stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)


@lru_cache(maxsize=4)
def _font_config_for(font_dir: Path | None, cache_root_dir: Path) -> Path:
    digest = _inputs_digest(font_dir)
    home = cache_root_dir / f"fontconfig-{digest}"
    path = home / "fonts.conf"
    if path.is_file():
        with contextlib.suppress(OSError):
            os.utime(path)  # in use: keep it from being pruned as stale
        return path
    cache_dir = home / "cache"
    cache_dir.mkdir(parents=True, exist_ok=True)
    _prune_stale(cache_root_dir, keep=home)
    write_atomic(path, render_font_config(font_dir, str(cache_dir), f"gongwen-{digest}").encode())
    # Scan once now, so parallel LibreOffice workers find a ready cache with the fixed
    # weights instead of racing to build it.
    # (Without fc-cache, fontconfig builds the cache itself on first use.)
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(
            ["fc-cache", str(font_dir)] if font_dir else ["fc-cache"],
            env={**os.environ, "FONTCONFIG_FILE": str(path)},
            capture_output=True,
            timeout=120,
            check=False,
        )
    return path


def font_config_path() -> Path:
    """The fontconfig file for LibreOffice, written (atomically) when missing or outdated.

    It lives in ``~/.cache/gongwen/fontconfig-<digest>/``; the digest covers the template,
    the substitution table and the font files, so any change gives a new file.
    """
    path = _font_config_for(find_font_dir(), cache_root())
    if not path.is_file():  # someone cleaned the cache while we ran
        _font_config_for.cache_clear()
        path = _font_config_for(find_font_dir(), cache_root())
    return path


def soffice_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a LibreOffice child: the caller's plus our ``FONTCONFIG_FILE``."""
    env = dict(os.environ if base is None else base)
    env["FONTCONFIG_FILE"] = str(font_config_path())
    return env


# --- fonts inside a PDF ------------------------------------------------------------------


@dataclass(frozen=True)
class EmbeddedFont:
    """A font a PDF uses: its base name without the subset prefix, and how it is stored."""

    name: str
    subset: bool
    embedded: bool
    subtype: str

    @property
    def replaces(self) -> tuple[str, ...]:
        """The official names this face stands in for (empty for fallbacks such as Noto)."""
        return replaced_names(self.name)


def _resolve(obj: object) -> object:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _is_embedded(font: DictionaryObject) -> bool:
    descendants = _resolve(font.get("/DescendantFonts"))
    if descendants:
        font = _resolve(descendants[0])
    descriptor = _resolve(font.get("/FontDescriptor")) or {}
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _font_dicts(resources_obj: object, seen: set[int]) -> Iterator[DictionaryObject]:
    """Every font dictionary in ``resources_obj``, descending into form XObjects."""
    res = _resolve(resources_obj)
    if not isinstance(res, DictionaryObject):
        return
    fonts = _resolve(res.get("/Font")) or {}
    for ref in fonts.values():
        font = _resolve(ref)
        if isinstance(font, DictionaryObject):
            yield font
    for ref in (_resolve(res.get("/XObject")) or {}).values():
        key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
        xobject = _resolve(ref)
        if key in seen or xobject.get("/Subtype") != "/Form":
            continue
        seen.add(key)
        yield from _font_dicts(xobject.get("/Resources"), seen)


def fonts_in_pdf(pdf: Path | str) -> list[EmbeddedFont]:
    """The fonts ``pdf`` uses, sorted by name, one entry per distinct base font."""
    try:
        reader = PdfReader(str(pdf))
        found: dict[str, EmbeddedFont] = {}
        seen: set[int] = set()
        for page in reader.pages:
            for font in _font_dicts(page.get("/Resources"), seen):
                raw = str(font.get("/BaseFont", "")).lstrip("/")
                name = _SUBSET_PREFIX.sub("", raw)
                found.setdefault(
                    name,
                    EmbeddedFont(
                        name=name,
                        subset=name != raw,
                        embedded=_is_embedded(font),
                        subtype=str(font.get("/Subtype", "")).lstrip("/"),
                    ),
                )
    except (OSError, ValueError, PyPdfError) as exc:
        raise ConversionError(f"{pdf}: cannot read the PDF's fonts: {exc}") from exc
    return sorted(found.values(), key=lambda font: font.name)
