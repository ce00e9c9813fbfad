"""The command line imports a command's module only when the command runs: every command is
listed in ``COMMAND_MODULES``, and ``extract`` and ``--help`` import no archive machinery."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from broadsheet.cli.app import COMMAND_MODULES, cli

CLI_DIR = Path(__file__).resolve().parents[2] / "src" / "broadsheet" / "cli"


def test_every_command_is_listed_with_its_module() -> None:
    cli.load_all()
    assert set(cli.commands) == set(COMMAND_MODULES)
    for name, command in cli.commands.items():
        assert command.callback is not None
        module = command.callback.__module__.rpartition(".")[2]
        assert module in COMMAND_MODULES[name], name


def test_every_command_module_is_listed() -> None:
    listed = {m for modules in COMMAND_MODULES.values() for m in modules}
    assert {p.stem for p in CLI_DIR.glob("cmd_*.py")} == listed


def test_bench_gets_its_commands_from_every_module() -> None:
    bench = cli.get_command(click.Context(cli), "bench")
    assert isinstance(bench, click.Group)
    assert {"extract", "wire"} <= set(bench.commands)


_PROBE = """
import sys
from click.testing import CliRunner
from broadsheet.cli import cli
result = CliRunner().invoke(cli, sys.argv[1:])
assert result.exit_code == 0, result.output
heavy = ("broadsheet.store", "broadsheet.search", "broadsheet.accounts", "broadsheet.alerts",
         "broadsheet.pipeline", "broadsheet.service.tasks", "numpy")
print(" ".join(sorted(m for m in heavy if m in sys.modules)))
"""


def _imported_by(args: list[str], home: Path) -> str:
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = dict(os.environ, PYTHONPATH=src, BROADSHEET_HOME=str(home))
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


def test_help_imports_no_service(tmp_path: Path) -> None:
    assert _imported_by(["--help"], tmp_path) == ""


def test_extract_imports_no_archive(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    words = " ".join(["The council met on Tuesday and voted on the budget."] * 12)
    page.write_text(f"<html><body><article><h1>Budget</h1><p>{words}</p></article></body></html>")
    assert _imported_by(["extract", str(page)], tmp_path / "home") == ""


def test_analyze_plain_imports_no_archive(tmp_path: Path) -> None:
    text = tmp_path / "story.txt"
    text.write_text('The council met on Tuesday. "We voted," said Mayor Ann Lee.\n')
    # numpy comes with spaCy; nothing of the archive does
    assert _imported_by(["analyze", str(text), "--plain"], tmp_path / "home") == "numpy"


def test_analyze_plain_imports_neither_spacys_command_line_nor_rich(tmp_path: Path) -> None:
    """spaCy without ``spacy.cli`` (typer, weasel, requests: ≈ 0.24 s) and the JSON lines
    without Rich (≈ 15 ms): see ``cli/spacy_import.py`` and ``app.Context``."""
    text = tmp_path / "story.txt"
    text.write_text('The council met on Tuesday. "We voted," said Mayor Ann Lee.\n')
    probe = """
import sys
from broadsheet.cli import cli
cli.main(sys.argv[1:], prog_name="broadsheet", standalone_mode=False)
left = ("spacy.cli", "typer", "weasel", "requests", "rich")
print(sorted(m for m in left if m in sys.modules), "spacy" in sys.modules, file=sys.stderr)
"""
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = dict(os.environ, PYTHONPATH=src, BROADSHEET_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [sys.executable, "-c", probe, "analyze", str(text), "--plain"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert "Ann Lee" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "[] True"
