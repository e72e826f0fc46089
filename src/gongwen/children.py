"""Worker processes that do not outlive the gongwen process that started them, and
Ctrl-C that ends a run at once.

gongwen forks workers for rendering, merging and splitting.  When a run is killed
outright (``kill -9``, the OOM killer), forked workers would otherwise wait forever for
work, and keep open the pipes that tell a running LibreOffice to quit.

A terminal's Ctrl-C sends SIGINT to the whole foreground process group.  A worker that
got it too would die mid-task with a traceback, possibly holding its pool's queue lock
(the others then wait on it forever), so workers ignore SIGINT and the parent decides:
:func:`handling_interrupts` kills LibreOffice at once and raises
:class:`~gongwen.errors.Interrupted`, and the pools it unwinds through kill their
workers rather than wait for their queued work; a watchdog ends the process if
unwinding stalls.  Pools stay forked (a worker starts at once and shares what the
parent read without pickling): :data:`SPAWN_LOCK` keeps a fork from copying a
half-started child, SIGINT is held off across the fork, and no worker can now die
holding a lock its pool shares.
"""

from __future__ import annotations

import _thread
import contextlib
import ctypes
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from . import INTERRUPTED_MESSAGE
from .errors import Interrupted

#: held while this process starts a child or forks a pool of workers: a fork in one
#: thread while another starts a child copies the half-started child's status pipe into
#: the fork, and the start then waits for the forked worker to end
SPAWN_LOCK = threading.Lock()
#: Linux prctl(2) option: the signal a process gets when its parent dies
PR_SET_PDEATHSIG = 1
#: seconds an interrupted run gets to unwind (staging removed, pools joined) before the
#: watchdog ends the process itself
INTERRUPT_GRACE_S = 2.0
#: seconds after Python dropped an Interrupted (in a finalizer) until it is raised again
REDELIVER_S = 0.01

#: process groups this process started (a LibreOffice with its UNO script, one
#: ``soffice --convert-to`` run), by their leader's pid
_groups: set[int] = set()
#: the pools of forked workers now open
_pools: set[ProcessPoolExecutor] = set()
_interrupted = threading.Event()
_reported = threading.Lock()


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


# --- children in their own process groups --------------------------------------------

def start_group(cmd: Sequence[str], **popen_args: Any) -> subprocess.Popen:
    """Start ``cmd`` as the leader of its own process group (so that one kill takes
    LibreOffice and whatever it starts along), known to the interrupt handler until
    :func:`forget_group`.  Raises :class:`Interrupted` once Ctrl-C was pressed: a
    conversion thread that retries must not start a LibreOffice the handler missed."""
    with SPAWN_LOCK:
        check_interrupted()
        proc = subprocess.Popen(cmd, start_new_session=True, **popen_args)
        _groups.add(proc.pid)
    if _interrupted.is_set():  # the handler ran while it started
        kill_group(proc.pid)
    return proc


def forget_group(proc: subprocess.Popen) -> None:
    _groups.discard(proc.pid)


def kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


# --- pools of forked workers ------------------------------------------------------------

def _start_worker(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    """A worker's first act: leave Ctrl-C to the parent (the signal was held off across
    the fork, so none can have arrived yet), die with the parent, then ``initializer``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    die_with_parent()
    if initializer is not None:
        initializer(*initargs)


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """SIGINT blocked in this thread, so that a process forked here starts with it
    blocked (until its initializer ignores it)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def worker_processes(workers: int, initializer: Callable[..., None] | None = None,
                     initargs: tuple = ()) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes, forked where the platform forks (every one is
    started before this returns, and what the parent holds reaches them without
    pickling).  Workers ignore SIGINT and die with the parent; leaving the block by an
    exception (Ctrl-C above all) kills them rather than waiting for the queued work."""
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else None)
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                               initargs=(initializer, initargs))
    _pools.add(pool)
    try:
        with SPAWN_LOCK, _sigint_held():
            pool.submit(int)  # forks every worker now
        check_interrupted()
        yield pool
    except BaseException:
        _kill_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        _pools.discard(pool)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.kill()


# --- Ctrl-C -----------------------------------------------------------------------------

def interrupted() -> bool:
    """Ctrl-C was pressed (in a process that handles it with :func:`handling_interrupts`)."""
    return _interrupted.is_set()


def check_interrupted() -> None:
    """Raise :class:`Interrupted` when Ctrl-C was pressed: for threads, and for steps
    that must not start once it was (a LibreOffice, a commit of outputs)."""
    if _interrupted.is_set():
        raise Interrupted


def _stop_children(workers: bool) -> None:
    for pid in list(_groups):
        kill_group(pid)
    for pool in list(_pools) if workers else ():
        _kill_workers(pool)


class _Handler:
    """The SIGINT handler of :func:`handling_interrupts`, and its guard thread.

    The handler itself only kills LibreOffice, sets flags and raises: starting a thread
    there could deadlock (the main thread it interrupts may hold the lock a thread's
    start takes), so the guard is started beforehand, and waits to raise a dropped
    interrupt again and to end a run that has not ended in time."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        #: Interrupted is still to be raised in the main thread
        self.pending = False
        #: Python dropped one: the guard is to signal the main thread again
        self.redeliver = False
        self.wake = threading.Event()
        threading.Thread(target=self._guard, name="gongwen-interrupt", daemon=True).start()

    def __call__(self, signum: int, frame: Any) -> None:
        if os.getpid() != self.owner:  # a child forked without the signal held off
            return
        if not _interrupted.is_set():
            _interrupted.set()
            self.pending = True
            _stop_children(workers=False)  # LibreOffice is in sessions of its own
            self.wake.set()
        if self.pending:  # the first time, or again where the first was dropped
            self.pending = False
            raise Interrupted

    def unraisable(self, previous: Callable[[Any], object]) -> Callable[[Any], None]:
        """A ``sys.unraisablehook``: Python drops an exception raised inside a finalizer
        or a fork hook (``Exception ignored in: … KeyboardInterrupt``), and the run would
        go on; have it raised again, from a signal sent a moment later, outside of it."""
        def hook(info: Any) -> None:
            if not _interrupted.is_set():
                previous(info)
            elif isinstance(info.exc_value, Interrupted):
                self.pending = self.redeliver = True
                self.wake.set()
            # else: a finalizer failing on what Ctrl-C tore down (a closed file, a killed
            # child): the run is ending and has said why in one line
        return hook

    def leave(self) -> None:
        """The block is left: without Ctrl-C the guard ends, after it the guard still
        ends the process if it does not end by itself."""
        self.wake.set()

    def _guard(self) -> None:
        self.wake.wait()
        if not _interrupted.is_set():
            return
        deadline = time.monotonic() + INTERRUPT_GRACE_S
        while (left := deadline - time.monotonic()) > 0:
            self.wake.clear()
            if self.redeliver:
                self.redeliver = False
                time.sleep(REDELIVER_S)
                _signal_main()
            self.wake.wait(left)
        _stop_children(workers=True)  # a pool or a thread that does not finish
        report_interrupted(lambda line: os.write(2, line.encode() + b"\n"))
        os._exit(Interrupted.exit_code)


def _signal_main() -> None:
    if hasattr(signal, "pthread_kill"):  # a real signal: it also wakes a blocked wait
        with contextlib.suppress(OSError):
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
    else:
        _thread.interrupt_main()


def report_interrupted(write: Callable[[str], object]) -> bool:
    """Write the interrupted run's one line, once per process (the watchdog and the
    command may both get there); returns whether this call wrote it."""
    if not _reported.acquire(blocking=False):
        return False
    write(INTERRUPTED_MESSAGE)
    return True


@contextlib.contextmanager
def handling_interrupts() -> Iterator[None]:
    """Within the block, the first Ctrl-C (SIGINT) kills this process's LibreOffice at
    once and raises :class:`Interrupted` (a second one does not interrupt the
    cleanup); the process is ended :data:`INTERRUPT_GRACE_S` later if it is still there
    (so the block is for a command, whose process ends after it).  For the main
    thread; elsewhere it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handler = _Handler()
    previous = signal.signal(signal.SIGINT, handler)
    previous_hook = sys.unraisablehook
    sys.unraisablehook = handler.unraisable(previous_hook)
    try:
        yield
    finally:  # once interrupted, the process is ending: a second Ctrl-C changes nothing
        signal.signal(signal.SIGINT, signal.SIG_IGN if interrupted() else previous)
        sys.unraisablehook = _silent if interrupted() else previous_hook
        handler.leave()  # after the handler is gone: it sets the same event


def _silent(info: Any) -> None:
    """The ``sys.unraisablehook`` after Ctrl-C: the process is ending and has said why in
    one line, so a finalizer that fails now (``Exception ignored in: <ZipFile.__del__>``,
    an interrupt landing in it or a file Ctrl-C closed under it) is not news."""
