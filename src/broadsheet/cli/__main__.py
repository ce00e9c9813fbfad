"""`python -m broadsheet.cli` is the `broadsheet` command."""

from . import main

main()
