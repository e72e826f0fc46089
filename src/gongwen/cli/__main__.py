"""``python -m gongwen.cli``: the ``gongwen`` command."""

from . import main

main()
