"""What this machine will do with a DOCX: which LibreOffice, and which face each official
font name really comes out in — asked of fontconfig with gongwen's own configuration."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import ConversionError
from .fonts import (
    NOTO_SANS_SC,
    NOTO_SERIF_SC,
    SUBSTITUTIONS,
    TIMES_SUBSTITUTES,
    find_font_dir,
    font_config_path,
    missing_fandol_files,
)
from .libreoffice import GRID_OK_VERSION, find_soffice, libreoffice_version, version_warnings
from .office import find_uno_python

_FC_FORMAT = "%{family[0]}\t%{style[0]}\t%{postscriptname}\t%{file}"
_FC_TIMEOUT_S = 30


@dataclass(frozen=True)
class FaceResolution:
    """The face fontconfig picks for one official name, against the one gongwen wants."""

    official: str
    family: str
    style: str
    postscript: str
    file: str
    expected: str

    @property
    def ok(self) -> bool:
        return self.postscript == self.expected


@dataclass
class DoctorReport:
    """Everything ``gongwen doctor`` prints; ``ok`` is False when PDFs would be wrong."""

    soffice: Path | None
    version: tuple[int, ...] | None
    font_dir: Path | None
    font_config: Path | None
    faces: list[FaceResolution] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: the Python that keeps LibreOffice running between conversions (None: every
    #: conversion starts ``soffice`` anew, which works but is slower)
    uno_python: str | None = None

    @property
    def version_text(self) -> str:
        return ".".join(map(str, self.version)) if self.version else "-"

    @property
    def grid_ok(self) -> bool:
        """Whether this LibreOffice lays out the 28-characters-per-line grid correctly."""
        return self.version is not None and self.version >= GRID_OK_VERSION

    @property
    def ok(self) -> bool:
        return (self.soffice is not None and self.grid_ok and not self.missing
                and all(face.ok for face in self.faces))

    def as_dict(self) -> dict[str, object]:
        """The report as plain data (for ``--json``)."""
        return {
            "ok": self.ok,
            "soffice": str(self.soffice) if self.soffice else None,
            "libreoffice_version": self.version_text,
            "grid_ok": self.grid_ok,
            "engine": "office" if self.uno_python else "cli",
            "uno_python": self.uno_python,
            "font_dir": str(self.font_dir) if self.font_dir else None,
            "font_config": str(self.font_config) if self.font_config else None,
            "faces": [{**asdict(face), "ok": face.ok} for face in self.faces],
            "missing": list(self.missing),
            "warnings": list(self.warnings),
        }

    def lines(self) -> list[str]:
        """The report as text, one finding per line."""
        mark = {True: "ok", False: "!!"}
        out = [
            f"[{mark[self.soffice is not None]}] LibreOffice: {self.soffice or 'not found'}"
            f" {self.version_text}",
            f"[{mark[self.grid_ok]}] 28-characters grid laid out correctly (LibreOffice ≥ 24)",
            f"[{mark[self.uno_python is not None]}] LibreOffice kept running between conversions"
            f" (Python bridge: {self.uno_python or 'python3-uno not found; slower'})",
            f"[{mark[self.font_dir is not None]}] Fandol fonts: {self.font_dir or 'not found'}",
            f"     fontconfig file: {self.font_config or '-'}",
        ]
        out += [f"[{mark[f.ok]}] {f.official} → {f.postscript or '?'} ({f.file or '-'})"
                for f in self.faces]
        out += [f"[!!] missing: {item}" for item in self.missing]
        out += [f"[!!] {item}" for item in self.warnings]
        return out


def _fc(args: list[str], config: Path) -> str:
    done = subprocess.run(
        args, capture_output=True, text=True, timeout=_FC_TIMEOUT_S, check=False,
        env={**os.environ, "FONTCONFIG_FILE": str(config)},
    )
    return done.stdout.strip()


def resolve_face(official: str, config: Path | None = None) -> FaceResolution:
    """The face fontconfig gives LibreOffice for ``official`` under gongwen's config."""
    config = config or font_config_path()
    expected = next((s.postscript for s in SUBSTITUTIONS if official in s.names), "")
    line = _fc(["fc-match", "-f", _FC_FORMAT, official], config)
    family, style, postscript, path = ([*line.split("\t"), "", "", "", ""])[:4]
    return FaceResolution(official, family, style, postscript, path, expected)


def doctor_report() -> DoctorReport:
    """Check LibreOffice, the fonts and the mapping of every official name."""
    warnings: list[str] = []
    missing: list[str] = []
    try:
        soffice: Path | None = find_soffice()
        version: tuple[int, ...] | None = libreoffice_version(soffice)
        warnings += version_warnings(version)
    except ConversionError as exc:
        soffice, version = None, None
        missing.append(f"LibreOffice: {exc}")
    font_dir = find_font_dir()
    missing += [f"Fandol face {name}" for name in missing_fandol_files(font_dir)]
    report = DoctorReport(soffice, version, font_dir, None, missing=missing, warnings=warnings,
                          uno_python=find_uno_python(soffice) if soffice else None)
    if shutil.which("fc-match") is None:
        warnings.append("fontconfig's fc-match is not installed; cannot check the font mapping")
        return report
    report.font_config = config = font_config_path()
    for family in (NOTO_SERIF_SC, NOTO_SANS_SC):
        if not _fc(["fc-list", family, "family"], config):
            missing.append(f"{family} (fonts-noto-cjk): characters beyond GB 2312 will not print")
    if not any(_fc(["fc-list", name, "family"], config) for name in TIMES_SUBSTITUTES):
        warnings.append("no metric-compatible Times New Roman (install fonts-liberation2); "
                        "Latin text will be wider or narrower than in Word")
    for sub in SUBSTITUTIONS:
        face = resolve_face(sub.official, config)
        report.faces.append(face)
        if not face.ok:
            warnings.append(f"{sub.official} comes out as {face.postscript or '?'} "
                            f"instead of {face.expected}")
    return report
