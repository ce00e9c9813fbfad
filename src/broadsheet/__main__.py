"""`python -m broadsheet` is the `broadsheet` command."""

from .cli import main

main()
