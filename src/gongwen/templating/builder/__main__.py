"""``python -m gongwen.templating.builder [DIR]``: write every built-in template into DIR."""

from __future__ import annotations

import sys
from pathlib import Path

from ...fileio import write_atomic
from . import BUILDERS, build_template


def main(argv: list[str]) -> None:
    target = Path(argv[0] if argv else "templates")
    target.mkdir(parents=True, exist_ok=True)
    for name in BUILDERS:
        write_atomic(target / f"{name}.docx", build_template(name))
        sys.stdout.write(f"wrote {target / name}.docx\n")


if __name__ == "__main__":
    main(sys.argv[1:])
