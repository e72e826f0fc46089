"""``gongwen``: the command line, a thin layer over the library.

Exit codes: 0 success; 1 some documents failed (batch); 2 bad input or template;
3 conversion, bundling or writing an output failed; 130 interrupted (Ctrl-C).  Errors
print one line, never a traceback.
"""

from __future__ import annotations

import click

from .. import __version__
from .activity import batch, init
from .common import CommandGroup
from .documents import bundle_command, doctor, render, templates
from .review import check_command, format_command, roster_command
from .server import serve, worker


@click.group(cls=CommandGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gongwen")
def main() -> None:
    """Make Chinese official documents (公文) from data, laid out to GB/T 9704-2012.

    \b
    Typical use:
      gongwen init my-activity/                        # start from the sample activity
      gongwen batch my-activity/ --phase 发动部署 -o out/   # a phase's documents + bundle
      gongwen render plan.yaml -o out/                 # 实施方案 → out/<标题>.docx
      gongwen render plan.yaml --format both -o out/   # … and its PDF
      gongwen render pledge.yaml --roster members.xlsx -o out/   # one per member
      gongwen bundle out/*.pdf -o 汇编.pdf --title "创先争优活动材料汇编"
      gongwen templates                                # built-in templates
      gongwen check 通知.docx                           # what is wrong with its format
      gongwen format 通知.txt -o out/                   # lay out a pasted or Word draft
      gongwen roster members.xlsx                      # every bad row of a 花名册
      gongwen doctor                                   # LibreOffice and fonts
      gongwen serve                                    # web pages and HTTP API on :8000

    Exit codes: 0 ok, 1 some documents failed, 2 bad input/template, 3 conversion or
    output failed, 130 interrupted.
    """


for _command in (init, batch, render, bundle_command, check_command, format_command,
                 roster_command, templates, doctor, serve, worker):
    main.add_command(_command)
