"""Atomic file writes: a reader sees the old file or the whole new one, never a part."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .errors import OutputError


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
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        exc.filename = str(target)  # the file asked for, not the temporary one
        raise
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
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename == tmp:
            exc.filename = str(target)
        raise
    return target


#: errno values that say "you may not write here"
_NOT_ALLOWED = (errno.EACCES, errno.EPERM, errno.EROFS)


def writable_folder(folder: str | os.PathLike[str]) -> Path:
    """Make ``folder`` (and its parents) and check that files can be written in it
    (a file is made and removed: permission bits do not tell for root, a read-only
    mount or an immutable folder), so that a run fails before any work, with the
    path to blame; raises :class:`~gongwen.errors.OutputError`."""
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".gongwen-probe-", dir=target)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise output_error(target, exc) from None
    return target


def output_error(path: Path, exc: OSError) -> OutputError:
    """The one-line error for ``exc``, met writing ``path`` (a file, or a folder to
    write into): names the file that stands where a folder should be, if one does."""
    blocker = next((p for p in (path, *path.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        where = str(path) if blocker == path else f"{path}: {blocker}"
        return OutputError(f"{where} is a file, not a folder "
                           "(hint: write into a folder, or move the file away)")
    hint = " (hint: choose a folder you may write to)" if exc.errno in _NOT_ALLOWED else ""
    return OutputError(f"{path}: cannot write there ({exc.strerror or exc}){hint}")
