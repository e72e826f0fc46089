"""``GET /healthz``: is LibreOffice answering, and are the fonts there?

The converter is asked for a real conversion of a one-line document (a process can be
up and still not answer), and ``gongwen doctor``'s report says whether the fonts map as
they should.  The answer is kept for a short while: a monitor polling every few seconds
does not keep two cores busy.
"""

from __future__ import annotations

import io
import threading
import time
from typing import Any

KEEP_S = 30.0
_cache: dict[str, Any] = {}
_lock = threading.Lock()


def _probe_converter() -> dict[str, Any]:
    from docx import Document

    from ..convert import shared_converter

    started = time.perf_counter()
    try:
        converter = shared_converter()
        buffer = io.BytesIO()
        document = Document()
        document.add_paragraph("健康检查")
        document.save(buffer)
        pdf = converter.convert_bytes(buffer.getvalue(), name="healthz")
        alive = pdf.startswith(b"%PDF")
        return {"alive": alive, "engine": converter.engine, "workers": converter.workers,
                "seconds": round(time.perf_counter() - started, 3)}
    except Exception as error:  # whatever broke, the answer is "not alive" and why
        return {"alive": False, "error": f"{type(error).__name__}: {error}"}


def health() -> dict[str, Any]:
    """``{"ok", "converter": {...}, "fonts": {...}}``, at most ``KEEP_S`` seconds old."""
    from ..convert import doctor_report

    with _lock:
        if _cache and time.monotonic() - _cache["at"] < KEEP_S:
            return _cache["report"]
        converter = _probe_converter()
        doctor = doctor_report()
        fonts = {"ok": not doctor.missing and all(f.ok for f in doctor.faces),
                 "missing": doctor.missing,
                 "faces": {f.official: f.postscript for f in doctor.faces},
                 "libreoffice": doctor.version_text, "warnings": doctor.warnings}
        report = {"ok": bool(converter["alive"]) and fonts["ok"], "converter": converter,
                  "fonts": fonts}
        _cache.update(at=time.monotonic(), report=report)
        return report
