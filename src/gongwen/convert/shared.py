"""One converter per process for callers that bring none.

``convert_many``, ``Document.to_pdf`` and a bundle's cover and 目录 use it, so a script
that converts documents and then bundles them starts LibreOffice once; it is stopped
when the process exits.
"""

from __future__ import annotations

import atexit
import os
import threading

from .converter import Converter


class _Shared:
    """The process's converter for callers that bring none (see :func:`shared_converter`)."""

    converter: Converter | None = None
    pid = 0
    lock = threading.Lock()
    registered = False


def shared_converter() -> Converter:
    """This process's converter, made on first use and kept until the process exits.

    :func:`~gongwen.convert.convert_many`, ``Document.to_pdf`` and the bundle's cover use
    it when not handed one, so a script that converts documents and then bundles them
    starts LibreOffice once.
    """
    with _Shared.lock:
        current = _Shared.converter
        if current is None or current._closed or _Shared.pid != os.getpid():
            current = _Shared.converter = Converter()
            _Shared.pid = os.getpid()  # a forked child makes its own
            if not _Shared.registered:
                atexit.register(close_shared_converter)
                _Shared.registered = True
        return current


def close_shared_converter() -> None:
    """Stop the shared converter's LibreOffice (a later call starts a new one)."""
    with _Shared.lock:
        current, _Shared.converter = _Shared.converter, None
    if current is not None and _Shared.pid == os.getpid():
        current.close()
