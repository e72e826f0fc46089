"""``serve``: the HTTP API over the same library; ``worker``: a process that runs the
jobs of ``serve --queue``."""

from __future__ import annotations

from pathlib import Path

import click

from .common import reports_errors


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any but a loopback address needs --token-file.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--token-file", type=click.Path(dir_okay=False, path_type=Path),
              help="A file holding the secret every request must send (Bearer token).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("gongwen-data"), show_default=True,
              help="Where jobs (uploads, results, state) are kept.")
@click.option("--keep-hours", type=float, default=24.0, show_default=True,
              help="Remove a job's files this long after it finished.")
@click.option("--jobs", "job_workers", type=click.IntRange(1, 16), default=2,
              show_default=True, help="Phase jobs run at once.")
@click.option("--queue", metavar="REDIS_URL", envvar="GONGWEN_QUEUE",
              help="Send phase jobs to `gongwen worker` processes through this Redis "
                   "(redis://HOST:6379/0; env GONGWEN_QUEUE) instead of running them here; "
                   "the workers must share --data-dir.")
@click.option("--visibility-timeout", type=click.FloatRange(min=1), default=120.0,
              show_default=True, metavar="SECONDS",
              help="With --queue: how long a job's message stays with the worker that took "
                   "it before Redis hands it to another (a killed worker's job waits this "
                   "long at most).")
@reports_errors
def serve(host: str, port: int, token_file: Path | None, data_dir: Path, keep_hours: float,
          job_workers: int, queue: str | None, visibility_timeout: float) -> None:
    """Serve the web pages (Chinese, at /) and the HTTP API: /v1/render, /v1/check,
    /v1/jobs, /healthz (OpenAPI at /docs).

    \b
      gongwen serve                                       # open http://127.0.0.1:8000/
      gongwen serve --host 0.0.0.0 --token-file token.txt
      gongwen serve --queue redis://127.0.0.1:6379/0 --data-dir /srv/gongwen
        # … with `gongwen worker --queue … --data-dir /srv/gongwen` on each machine
    """
    from ..serve import Settings
    from ..serve import serve as run
    from ..serve.settings import read_token

    token = read_token(token_file) if token_file else None
    if queue:
        from ..serve.queue import mask_url

        click.echo(f"gongwen serve: phase jobs go to the queue at {mask_url(queue)}; "
                   f"run `gongwen worker` with --data-dir {data_dir.resolve()}", err=True)
    run(Settings(data_dir=data_dir.resolve(), host=host, port=port, token=token,
                 keep_hours=keep_hours, job_workers=job_workers, queue=queue or None,
                 visibility_timeout=visibility_timeout))


@click.command()
@click.option("--queue", metavar="REDIS_URL", envvar="GONGWEN_QUEUE", required=True,
              help="The Redis that `gongwen serve --queue` sends jobs to (env GONGWEN_QUEUE).")
@click.option("--data-dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The server's --data-dir, as this machine mounts it.")
@click.option("--concurrency", type=click.IntRange(1, 32), default=1, show_default=True,
              help="Worker processes, each with its own LibreOffice, each running one job "
                   "at a time.")
@click.option("--visibility-timeout", type=click.FloatRange(min=30), default=120.0,
              show_default=True, metavar="SECONDS", help="As given to `gongwen serve`.")
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"],
                                               case_sensitive=False),
              default="INFO", show_default=True)
@reports_errors
def worker(queue: str, data_dir: Path, concurrency: int, visibility_timeout: float,
           log_level: str) -> None:
    """Run the phase jobs of `gongwen serve --queue`: start one or more on every machine
    that mounts the server's data dir.  Stop it with Ctrl-C or SIGTERM (a job it is
    running is finished first; a second Ctrl-C stops at once and the job is run again
    elsewhere).

    \b
      gongwen worker --queue redis://127.0.0.1:6379/0 --data-dir /srv/gongwen
      GONGWEN_QUEUE=redis://:PASSWORD@10.0.0.5:6379/0 gongwen worker --data-dir /mnt/gongwen --concurrency 2
    """
    import sys

    from ..serve.queue.config import check_url
    from ..serve.queue.worker import run_worker

    url = check_url(queue)
    sys.exit(run_worker(url, data_dir.resolve(), concurrency=concurrency,
                        visibility_timeout=visibility_timeout, loglevel=log_level.upper()))
