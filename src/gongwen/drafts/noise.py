"""What a pasted draft carries that is not the document: page-number lines, a web
site's footer and share prompts, running headers, a page's truncated summary."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .read import DraftLine

_PAGE_NUMBERS = (
    re.compile(r"^\d{1,3}(\s+\d{1,3})*$"),  # 2 · 1 2 3 (a page's number row)
    re.compile(r"^[—\-–－]+\s*\d{1,3}\s*[—\-–－]+$"),  # — 3 —
    re.compile(r"^第\s*\d+\s*页(\s*[，,/]?\s*共\s*\d+\s*页)?$"),  # 第 1 页 共 2 页
    re.compile(r"^\d{1,3}\s*/\s*\d{1,3}$"),  # 1/2
    re.compile(r"^page\s*\d+(\s*of\s*\d+)?$", re.IGNORECASE),
)
_SITE = re.compile(r"[a-z0-9-]+\.(com|net|cn|org|cc|top)\b|https?://|www\.", re.IGNORECASE)
#: a web page's furniture: its metadata line, navigation, copyright and host notes
_FURNITURE = (
    re.compile(r"^(来源|发布时间|发布日期|浏览次数|阅读次数|点击数|作者|编辑)[:：].{0,60}$"),
    re.compile(r"^(上一篇|下一篇|返回顶部|返回首页|打印本页|关闭窗口|【打印】|【关闭】)"),
    re.compile(r"copyright|all rights reserved|©|ICP备|公网安备", re.IGNORECASE),
    re.compile(r"^(主办单位|承办单位|技术支持|网站地图|联系我们)[:：]?"),
)
_SITE_WORDS = ("本文档由", "收集整理", "更多优质", "免费下载", "下载地址", "扫一扫", "扫码",
               "分享到", "转载请注明", "版权所有", "责任编辑", "点击查看", "阅读原文", "关注公众号",
               "微信公众号", "打印本页", "关闭窗口", "【字体", "字号：大 中 小", "收藏本页")
#: a short line repeated this often is a running header or footer
_REPEATS = 3
_ELLIPSIS = ("...", "…", "……")


def split_noise(lines: Sequence[DraftLine]) -> tuple[list[DraftLine], list[tuple[DraftLine, str]]]:
    """The lines of the document, and the removed ones with the reason each was removed."""
    texts = [line.text.strip() for line in lines]
    repeated = {text for text, count in Counter(t for t in texts if 0 < len(t) <= 30).items()
                if count >= _REPEATS}
    kept: list[DraftLine] = []
    removed: list[tuple[DraftLine, str]] = []
    for index, (line, text) in enumerate(zip(lines, texts, strict=True)):
        reason = None
        if line.table_row or not text:
            reason = None
        elif any(pattern.match(text) for pattern in _PAGE_NUMBERS):
            reason = "a page-number line"
        elif text.endswith("。") and not _SITE.search(text):
            reason = None  # a sentence is the document's, whatever words it uses
        elif _SITE.search(text) and (len(text) < 120 or any(w in text for w in _SITE_WORDS)):
            reason = "a web site's footer or link"
        elif any(pattern.search(text) for pattern in _FURNITURE) and len(text) <= 80:
            reason = "a web page's furniture (source, navigation, copyright)"
        elif any(text.startswith(word) or len(text) <= 30 for word in _SITE_WORDS
                 if word in text):
            reason = "a web page's prompt"
        elif text in repeated and not text.endswith(("：", ":")):
            reason = f"a running header repeated {texts.count(text)} times"
        elif text.endswith(_ELLIPSIS) and index + 1 < len(texts):
            stem = text.rstrip(".…").strip()
            following = next((t for t in texts[index + 1:] if t), "")
            if len(stem) >= 10 and following.startswith(stem):
                reason = "a truncated copy of the next paragraph (a page's summary)"
        if reason is None:
            kept.append(line)
        else:
            removed.append((line, reason))
    return kept, removed
