"""Worker processes that do not outlive the gongwen process that started them.

gongwen forks workers for rendering, merging and splitting.  When a run is killed
outright (``kill -9``, the OOM killer), forked workers would otherwise wait forever for
work, and keep open the pipes that tell a running LibreOffice to quit.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading

#: held while this process starts a child or forks a pool of workers: a fork in one
#: thread while another starts a child copies the half-started child's status pipe into
#: the fork, and the start then waits for the forked worker to end
SPAWN_LOCK = threading.Lock()
#: Linux prctl(2) option: the signal a process gets when its parent dies
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a freshly forked worker: be killed when the parent dies (Linux; elsewhere
    nothing happens).  Meant as a process pool's initializer."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)  # this process's own symbols: libc's
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
