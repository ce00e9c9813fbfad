"""``import_spacy`` imports spaCy without its command line, and relies on nothing of spaCy
that could change in a patch release without it noticing: each probe runs in a fresh
interpreter (spaCy imported once per process)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _run(code: str, *, pythonpath: str = SRC) -> str:
    env = dict(os.environ, PYTHONPATH=pythonpath)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_spacy_without_its_command_line() -> None:
    out = _run(
        """
        import sys
        from broadsheet.cli.spacy_import import import_spacy
        spacy = import_spacy()
        # the saving is real: spaCy's command line and what it imports are not loaded
        print(sorted(m for m in ("spacy.cli", "spacy.cli.info", "typer", "weasel", "requests")
                     if m in sys.modules))
        print(hasattr(spacy, "cli"), spacy.Language.__module__, spacy.registry.__name__)
        """
    )
    assert out.splitlines() == ["[]", "False spacy.language registry"]


def test_info_and_the_command_line_stay_spacys_own() -> None:
    out = _run(
        """
        import sys
        from broadsheet.cli.spacy_import import import_spacy
        spacy = import_spacy()
        mine = spacy.info()
        import spacy.cli
        real = sys.modules["spacy.cli.info"].info()
        assert type(spacy.cli).__name__ == "module" and "__getattr__" not in vars(spacy.cli)
        print(mine == real, callable(spacy.cli.download), spacy.cli.app.__class__.__name__)
        """
    )
    assert out == "True True Typer"


def test_a_second_call_and_an_earlier_import_are_left_alone() -> None:
    out = _run(
        """
        import spacy
        from broadsheet.cli.spacy_import import import_spacy
        import sys
        print(import_spacy() is spacy, import_spacy() is spacy, "spacy.cli" in sys.modules)
        """
    )
    assert out == "True True True"


def test_a_spacy_that_takes_more_from_its_command_line_gets_it_whole(tmp_path: Path) -> None:
    """If a later spaCy imports something else from ``spacy.cli``, the real module runs."""
    pkg = tmp_path / "spacy"
    (pkg / "cli").mkdir(parents=True)
    (pkg / "__init__.py").write_text(
        "from .cli.info import info\nfrom .cli import download\n", "utf-8"
    )
    (pkg / "cli" / "__init__.py").write_text(
        "RAN = True\nfrom .info import info\ndef download():\n    return 'real download'\n",
        "utf-8",
    )
    (pkg / "cli" / "info.py").write_text("def info():\n    return 'real info'\n", "utf-8")
    out = _run(
        """
        import sys
        from broadsheet.cli.spacy_import import import_spacy
        spacy = import_spacy()
        cli = sys.modules["spacy.cli"]
        print(spacy.download(), spacy.info(), cli.RAN, cli.info(), "__getattr__" in vars(cli))
        """,
        pythonpath=os.pathsep.join([str(tmp_path), SRC]),
    )
    assert out == "real download real info True real info False"


def test_every_importer_of_the_enrich_package_gets_spacy_without_its_command_line() -> None:
    """``ingest``, ``enrich``, the worker processes (which import ``broadsheet.enrich.analyze``
    to run their initializer) and batch jobs import spaCy through ``broadsheet.enrich``."""
    out = _run(
        """
        import sys
        from broadsheet.enrich.analyze import _init_worker  # what a spawned worker imports
        import spacy
        print(sorted(m for m in ("spacy.cli", "spacy.cli.info", "typer", "weasel", "requests")
                     if m in sys.modules), "broadsheet.cli" in sys.modules)
        import spacy.cli  # still spaCy's own, whole, when asked for
        print(callable(spacy.cli.download), spacy.cli.__name__)
        """
    )
    assert out.splitlines() == ["[] False", "True spacy.cli"]
