"""Built-in templates: where they are, what they are for, how to get their bytes.

The committed ``templates/<name>.docx`` files are the strict profile's templates; a
user opens one in Word or WPS, edits it, and passes it back with ``--template``.
Other profiles are built in memory from :mod:`gongwen.layout.standard`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ..layout.standard import STRICT, Profile
from .builder import BUILDERS, build_template


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    kind: str
    description: str
    path: Path | None


DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "plan": ("plan", "实施方案 and every 公文 (通知, 报告, 请示 …): GB/T 9704 文件格式, optional "
             "red 版头 with 签发人, 附件 pages, 版记"),
    "letter": ("plan", "a 公文 in the 信函格式 (格式: 信函): letterhead with the red double "
               "lines, no page number on page 1, 抄送 only"),
    "order": ("plan", "a 公文 in the 命令（令）格式 (格式: 命令): red 「××令」, 令号, the "
              "签发人's 职务 and 签名章"),
    "briefing": ("briefing", "简报: red 报头 with 期号, 按语, 目录, articles with photos, 报尾"),
    "pledge": ("pledge", "党员承诺书: one form per member, pledges by category, 审核意见"),
    "evaluation-ballot": ("evaluation", "民主评议党员测评表 (form: ballot): tick a grade per member"),
    "evaluation-register": ("evaluation", "民主评议党员登记表 (form: register): one per member"),
    "evaluation-summary": ("evaluation", "民主评议党员结果汇总表 (form: summary): votes, %, grades"),
}


@functools.cache
def template_dir() -> Path:
    """The folder holding the committed templates (the repository's ``templates/``)."""
    return Path(__file__).resolve().parents[3] / "templates"


def builtin_template(name: str, profile: Profile = STRICT) -> bytes:
    """Bytes of built-in template ``name``: the committed file for the strict profile
    (so a checkout's edits to it take effect), built in memory otherwise."""
    committed = committed_template(name) if profile is STRICT else None
    return committed if committed is not None else build_template(name, profile)


def committed_template(name: str) -> bytes | None:
    """Bytes of the committed ``templates/<name>.docx``, None when there is none.  Read
    again only when the file changed: a branch's members all render from it."""
    path = template_dir() / f"{name}.docx"
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=len(DESCRIPTIONS))
def _read(path: Path, mtime_ns: int, size: int) -> bytes:
    return path.read_bytes()


def list_templates() -> list[TemplateInfo]:
    infos = []
    for name in BUILDERS:
        kind, description = DESCRIPTIONS.get(name, (name, ""))
        path = template_dir() / f"{name}.docx"
        infos.append(TemplateInfo(name, kind, description, path if path.is_file() else None))
    return infos
