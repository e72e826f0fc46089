"""Keeps one LibreOffice running and converts documents in it on request, over UNO.

This file is a script, not part of gongwen's import graph: gongwen runs it with a Python
that has LibreOffice's ``uno`` module (Debian's ``python3-uno`` belongs to the system
Python, not to a virtualenv) and talks to it through stdin/stdout, one JSON object per
line.  Starting LibreOffice costs about 0.35 s; a document converted in a running one
costs tens of milliseconds, so a converter that stays up pays the start once.

    python3 uno_worker.py SOFFICE PROFILE_URL [WARM_UP_DOCX]

Replies: first ``{"ready": true, "version": "25.2.3.2"}`` (or ``{"error": …}`` and exit
status 3 when ``uno`` cannot be imported, 4 when LibreOffice does not come up).  Then,
per request ``{"inputs": [...], "outputs": [...], "filter_data": {...}}``, one
``{"errors": [null | "message", ...]}``, in input order.  End of input stops LibreOffice.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

EXIT_NO_UNO = 3
EXIT_NO_OFFICE = 4
EXIT_OFFICE_LOST = 5
#: how long LibreOffice may take to accept the connection
CONNECT_TIMEOUT_S = 60.0
CONNECT_POLL_S = 0.02
#: how often the script checks that gongwen is still there
PARENT_POLL_S = 0.5
#: how long a LibreOffice that stopped answering has to exit before we say how it ended
EXIT_WAIT_S = 2.0


def reply(message: dict) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


try:
    import uno
    from com.sun.star.beans import PropertyValue
    from com.sun.star.connection import NoConnectException
    from com.sun.star.lang import DisposedException
except ImportError as exc:  # not a Python with LibreOffice's bridge
    reply({"error": f"no uno module in {sys.executable}: {exc}"})
    sys.exit(EXIT_NO_UNO)


def prop(name: str, value: object) -> PropertyValue:
    item = PropertyValue()
    item.Name = name
    item.Value = value
    return item


def start_office(soffice: str, profile_url: str) -> tuple[subprocess.Popen, object]:
    """Start LibreOffice listening on a private pipe; returns it and its component context."""
    pipe = f"gongwen-{os.getpid()}-{time.monotonic_ns()}"
    office = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile_url}", "--headless", "--invisible",
         "--norestore", "--nologo", "--nodefault", "--nolockcheck",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while True:
        try:
            return office, resolver.resolve(
                f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                reply({"error": f"LibreOffice did not start ({how_it_ended(office)})"})
                office.kill()
                sys.exit(EXIT_NO_OFFICE)
            time.sleep(CONNECT_POLL_S)


def how_it_ended(office: subprocess.Popen) -> str:
    """How LibreOffice ended, in words: a process that is still there has no exit status
    yet (it may be dying), which "exit status None" would not tell anyone."""
    try:
        status = office.wait(timeout=EXIT_WAIT_S)
    except subprocess.TimeoutExpired:
        return f"it stopped answering and was still running after {EXIT_WAIT_S:g} s"
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        return f"it was killed by {name}"
    return f"exit status {status}"


def office_version(context: object) -> str:
    provider = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", context)
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationAccess",
        (prop("nodepath", "/org.openoffice.Setup/Product"),))
    return str(access.getByName("ooSetupVersionAboutBox"))


def warm_up(desktop: object, docx: str, profile_url: str) -> None:
    """Convert a small document once: the first costs far more than the next."""
    target = uno.fileUrlToSystemPath(profile_url) + "-warm-up.pdf"
    with contextlib.suppress(Exception):  # only time is lost if it fails
        convert_one(desktop, docx, target, {})
        os.unlink(target)


def filter_data(options: dict) -> object:
    values = tuple(prop(key, value) for key, value in options.items())
    return uno.Any("[]com.sun.star.beans.PropertyValue", values)


def convert_one(desktop: object, source: str, target: str, options: dict) -> None:
    load = (prop("Hidden", True), prop("ReadOnly", True), prop("MacroExecutionMode", 0),
            prop("UpdateDocMode", 0))
    source, target = os.path.abspath(source), os.path.abspath(target)  # URLs need them
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, load)
    if doc is None:
        raise ValueError("LibreOffice could not open it")
    try:
        store = (prop("FilterName", "writer_pdf_Export"), prop("Overwrite", True),
                 prop("FilterData", filter_data(options)))
        uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(target), store))
    finally:
        doc.close(True)


def watch_parent() -> None:
    """Stop LibreOffice and this script when gongwen is gone, however it ended (a killed
    gongwen never closes our input if a process it forked still holds the pipe)."""
    parent = os.getppid()
    while True:
        time.sleep(PARENT_POLL_S)
        if os.getppid() != parent:  # our process group is LibreOffice's and ours alone
            os.killpg(os.getpgrp(), signal.SIGKILL)


def serve(desktop: object, office: subprocess.Popen) -> None:
    for line in sys.stdin:
        request = json.loads(line)
        errors: list[str | None] = []
        pairs = zip(request["inputs"], request["outputs"])  # noqa: B905 - Pythons < 3.10
        for source, target in pairs:
            try:
                convert_one(desktop, source, target, request.get("filter_data", {}))
                errors.append(None)
            except Exception as exc:  # noqa: BLE001 - a UNO failure belongs to the file
                lost = isinstance(exc, DisposedException) or office.poll() is not None
                if lost:
                    left = len(request["inputs"]) - len(errors)
                    errors.extend([f"LibreOffice stopped ({how_it_ended(office)})"] * left)
                    reply({"errors": errors, "lost": True})
                    sys.exit(EXIT_OFFICE_LOST)
                errors.append(f"{type(exc).__name__}: {getattr(exc, 'Message', '') or exc}")
        reply({"errors": errors})


def main(argv: list[str]) -> int:
    soffice, profile_url = argv[1], argv[2]
    warm_up_docx = argv[3] if len(argv) > 3 else None
    threading.Thread(target=watch_parent, daemon=True).start()
    try:
        office, context = start_office(soffice, profile_url)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context)
        reply({"ready": True, "version": office_version(context)})
        if warm_up_docx:
            warm_up(desktop, warm_up_docx, profile_url)
        serve(desktop, office)
    except BaseException:
        # gongwen stopped listening (a broken pipe) or something unforeseen: never leave
        # a LibreOffice behind; our process group is its and ours alone
        os.killpg(os.getpgrp(), signal.SIGKILL)
        raise
    with contextlib.suppress(Exception):  # end of input: let LibreOffice quit
        desktop.terminate()
    try:
        office.wait(timeout=10)
    except subprocess.TimeoutExpired:
        office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
