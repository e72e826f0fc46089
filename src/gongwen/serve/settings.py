"""What a ``gongwen serve`` process is configured with, and the check that it is safe.

A server reachable from other machines without a token would let anyone render on it and
read every job's results, so :meth:`Settings.validate` refuses a non-loopback host
without a token before anything binds.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Location
from ..inputs.limits import MAX_RATIO

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may make the server read or unpack."""

    #: one request body (a JSON document, or all parts of a multipart upload)
    max_upload_bytes: int = 50 * MIB
    #: a data file (YAML/JSON) or a JSON body: real data files are a few KiB
    max_data_bytes: int = 1 * MIB
    #: entries of a zip (an activity folder, a DOCX, an XLSX)
    max_files: int = 2000
    #: the sum of a zip's entries once unpacked
    max_unpacked_bytes: int = 200 * MIB
    #: unpacked size / packed size of one entry over 8 MiB (a zip bomb is ≫ 100)
    max_ratio: float = float(MAX_RATIO)
    #: nesting of lists and mappings in data (real data: under 10)
    max_depth: int = 64


@dataclass(frozen=True)
class Settings:
    """A server's settings; tests build one and pass it to :func:`create_app`."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    keep_hours: float = 24.0
    #: jobs run at once by the embedded runner (each converts on the shared LibreOffice)
    job_workers: int = 2
    #: renders handled at once by /v1/render (more wait: memory stays bounded)
    render_slots: int = 4
    limits: Limits = Limits()
    #: a Redis URL: jobs go to ``gongwen worker`` processes sharing ``data_dir``
    #: instead of running in the server
    queue: str | None = None
    #: seconds a taken job's message stays with its worker before Redis hands it out
    #: again (queue mode; workers should be started with the same value)
    visibility_timeout: float = 120.0

    def validate(self) -> Settings:
        """Refuse settings that would expose the server: any host other than a loopback
        address needs a token."""
        if not is_loopback(self.host) and not self.token:
            raise InputError(f"--host {self.host} makes the server reachable from other "
                             "machines, and it has no token",
                             location=Location("gongwen serve"), field="--host",
                             hint="pass --token-file FILE (a secret every request must "
                                  "send), or keep the default 127.0.0.1")
        if self.keep_hours <= 0:
            raise InputError("must be more than 0", field="--keep-hours")
        if self.queue is not None:
            from .queue.config import MIN_VISIBILITY_S, check_url

            check_url(self.queue)
            if self.visibility_timeout < MIN_VISIBILITY_S:
                raise InputError(f"must be at least {MIN_VISIBILITY_S:g} seconds, longer "
                                 "than a dead worker's heartbeat takes to go stale",
                                 field="--visibility-timeout")
        return self


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def read_token(path: Path) -> str:
    """The token in ``path`` (its first line, stripped); an empty file is an error."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the token file ({exc.strerror or exc})",
                         location=Location(str(path)), field="--token-file") from None
    token = (text.strip().splitlines() or [""])[0].strip()
    if len(token) < 16:
        raise InputError("the token is shorter than 16 characters",
                         location=Location(str(path)), field="--token-file",
                         hint='make one with: python -c "import secrets; '
                              'print(secrets.token_urlsafe(32))" > token.txt')
    return token
