"""Findings and the report that holds them: what a reviewer reads, or a tool parses."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

SEVERITIES = ("warning", "error")


@dataclass(frozen=True)
class Rule:
    """A check with a stable id, how serious breaking it is, and where it comes from."""

    id: str
    name: str
    severity: str
    source: str


@dataclass(frozen=True)
class Finding:
    """One place where a document breaks a rule, with what was measured and expected."""

    rule: Rule
    file: str
    page: int | None
    line: int | None
    excerpt: str
    measured: str
    expected: str
    hint: str = ""
    #: where on the page (x0, top, x1, bottom, mm), for drawing it
    box: tuple[float, float, float, float] | None = None

    def as_dict(self) -> dict:
        data = asdict(self)
        data["rule"] = self.rule.id
        data["name"] = self.rule.name
        data["severity"] = self.rule.severity
        data["source"] = self.rule.source
        return data

    def describe(self) -> str:
        where = f"p{self.page}" if self.page else ""
        if self.line:
            where += f" l{self.line}"
        text = (f"{where:<8} {self.rule.severity:<7} {self.rule.id} {self.rule.name}: "
                f"{self.excerpt!r}: {self.measured}, expected {self.expected} "
                f"({self.rule.source})")
        return text + (f" (hint: {self.hint})" if self.hint else "")


@dataclass
class Report:
    """Every finding of one check run, the files checked and those that could not be read."""

    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    #: files that are not one document (a bundle), with what they are
    skipped: list[tuple[str, str]] = field(default_factory=list)
    profile: str = "strict"
    #: each checked document's PDF, by label (for drawing the findings on it)
    pdfs: dict[str, bytes] = field(default_factory=dict, repr=False)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def exit_code(self, fail_on: str = "warning") -> int:
        """0 clean, 1 findings at or above ``fail_on``, 2 a file could not be read."""
        if self.unreadable:
            return 2
        floor = SEVERITIES.index(fail_on)
        if any(SEVERITIES.index(f.rule.severity) >= floor for f in self.findings):
            return 1
        return 0

    def to_json(self) -> str:
        return json.dumps({"profile": self.profile, "checked": self.checked,
                           "unreadable": [{"file": f, "error": e} for f, e in self.unreadable],
                           "skipped": [{"file": f, "reason": r} for f, r in self.skipped],
                           "findings": [f.as_dict() for f in self.findings]},
                          ensure_ascii=False, indent=2)

    def to_sarif(self) -> str:
        """SARIF 2.1.0, for code-review and CI tools: one result per finding; the page and
        line on the page are properties (a rendered page has no source line)."""
        rules = {f.rule.id: f.rule for f in self.findings}
        results = [{
            "ruleId": f.rule.id,
            "level": f.rule.severity,
            "message": {"text": f"{f.excerpt!r}: {f.measured}, expected {f.expected}"
                                + (f" (hint: {f.hint})" if f.hint else "")},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": f.file.split("#")[0]}}}],
            "properties": {"page": f.page, "line": f.line, "box_mm": f.box},
        } for f in self.findings]
        driver = {"name": "gongwen check", "informationUri": "https://pypi.org/project/gongwen/",
                  "rules": [{"id": r.id, "name": r.name,
                             "shortDescription": {"text": f"{r.name} ({r.source})"},
                             "defaultConfiguration": {"level": r.severity},
                             "properties": {"source": r.source}}
                            for r in sorted(rules.values(), key=lambda r: r.id)]}
        return json.dumps({"version": "2.1.0",
                           "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
                           "runs": [{"tool": {"driver": driver}, "results": results}]},
                          ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        """Findings grouped by file and page, then a one-line summary."""
        out: list[str] = []
        for name in self.checked:
            mine = [f for f in self.findings if f.file == name]
            out.append(f"{_shown(name)}: " + (f"{len(mine)} finding(s)" if mine else "no findings"))
            out.extend("  " + f.describe() for f in
                       sorted(mine, key=lambda f: (f.page or 0, f.line or 0, f.rule.id)))
        for name, reason in self.skipped:
            out.append(f"skipped: {_shown(name)}: {reason}")
        for name, error in self.unreadable:
            out.append(f"error: {_shown(name)}: {error}")
        errors = sum(f.rule.severity == "error" for f in self.findings)
        out.append(f"{len(self.checked)} file(s) checked ({self.profile}): {errors} error(s), "
                   f"{len(self.findings) - errors} warning(s)"
                   + (f", {len(self.unreadable)} unreadable" if self.unreadable else ""))
        return "\n".join(out)


def _shown(name: str) -> str:
    """A file name as one printable line: one with control characters is quoted."""
    return repr(name) if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in name) else name
