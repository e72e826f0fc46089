"""Atomic file writes: a reader sees the old file or the whole new one, never a part."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: the mode a plainly created file gets (mkstemp alone would give 0600)
FILE_MODE = 0o666 & ~_umask()


def write_atomic(
    path: str | os.PathLike[str], data: bytes | Callable[[BinaryIO], object],
    *, sync: bool = True,
) -> Path:
    """Write ``data`` (bytes, or a function writing to a binary handle) to ``path``
    through a temporary file in the same folder and :func:`os.replace`.  ``sync=False``
    skips flushing to disk first: still never a partial file for a reader, but after a
    power cut the file may be lost; for files that are cheap to make again (one PDF of
    many split from a combined conversion, where the flushes cost more than the work)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes | bytearray):
                handle.write(data)
            else:
                data(handle)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
