"""``serve``: the HTTP API over the same library."""

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
@reports_errors
def serve(host: str, port: int, token_file: Path | None, data_dir: Path, keep_hours: float,
          job_workers: int) -> None:
    """Serve the HTTP API: /v1/render, /v1/check, /v1/jobs, /healthz (OpenAPI at /docs).

    \b
      gongwen serve                                       # http://127.0.0.1:8000/docs
      gongwen serve --host 0.0.0.0 --token-file token.txt
    """
    from ..serve import Settings
    from ..serve import serve as run
    from ..serve.settings import read_token

    token = read_token(token_file) if token_file else None
    run(Settings(data_dir=data_dir.resolve(), host=host, port=port, token=token,
                 keep_hours=keep_hours, job_workers=job_workers))
