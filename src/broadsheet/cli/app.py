"""The ``broadsheet`` command group, its global options and error handling."""

from __future__ import annotations

import functools
import importlib
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import BroadsheetError
from .exit_codes import ExitCode, exit_code_for
from .render import clean, clean_json, make_console

if TYPE_CHECKING:
    from rich.console import Console

    from ..config import Settings
    from ..service import Service

__all__ = [
    "COMMAND_MODULES",
    "Context",
    "LazyGroup",
    "cli",
    "emit_json",
    "format_option",
    "handle_errors",
    "print_report",
    "progress_bar",
]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Context:
    """What every command gets: settings and two consoles (results on stdout, chatter on stderr).

    The consoles are made on first use: a command that writes JSON lines only (``analyze``,
    ``extract``) never imports Rich (≈ 15 ms of its start)."""

    settings: Settings
    enrich: bool
    _out: Console | None = field(default=None, repr=False)
    _err: Console | None = field(default=None, repr=False)

    @property
    def out(self) -> Console:
        """Results, on stdout."""
        if self._out is None:
            self._out = make_console()
        return self._out

    @property
    def err(self) -> Console:
        """Progress, warnings and errors, on stderr."""
        if self._err is None:
            self._err = make_console(stderr=True)
        return self._err

    def service(self, *, follow: bool = False) -> Service:
        """The application service over this archive (use it in a ``with`` block)."""
        from ..service import open_service

        return open_service(self.settings, enrich=self.enrich, follow=follow)


pass_ctx = click.make_pass_decorator(Context)


def handle_errors(func: F) -> F:
    """Turn Broadsheet errors into a clear message and a named exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BroadsheetError as exc:
            from rich.text import Text

            message = Text("error: ", style="bold red")
            message.append(clean(str(exc)))
            make_console(stderr=True).print(message)
            sys.exit(int(exit_code_for(exc)))
        except KeyboardInterrupt:
            make_console(stderr=True).print("interrupted")
            sys.exit(int(ExitCode.INTERRUPTED))

    return wrapper  # type: ignore[return-value]


def format_option(*choices: str, help: str | None = None) -> Callable[[F], F]:
    """The ``--format`` option (into ``fmt``): one of ``choices``, the first by default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help,
    )


@contextmanager
def progress_bar(ctx: Context, label: str, total: int | None) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr; yields ``update(done, total=None, what="")``."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [
        SpinnerColumn(),
        TextColumn("{task.description}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[what]}", style="dim", markup=False),
    ]
    with Progress(
        *columns, console=ctx.err, transient=False, disable=not ctx.err.is_terminal
    ) as progress:
        task = progress.add_task(label, total=total, what="")

        def update(done: int, total: int | None = None, what: str = "") -> None:
            progress.update(task, completed=done, total=total, what=clean(str(what))[-50:])

        yield update


# Each command's module (in this package), imported only when that command is asked for:
# `broadsheet extract` imports what extracting needs, not accounts, alerts, markets or the
# web app, and `broadsheet --help` none of the services. ``bench`` is filled by two modules.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "add": ("cmd_sources",),
    "alert": ("cmd_alerts",),
    "analyze": ("cmd_measure",),
    "batch": ("cmd_batch",),
    "bench": ("cmd_measure", "cmd_alerts"),
    "chart": ("cmd_markets",),
    "check-prices": ("cmd_markets",),
    "company": ("cmd_markets",),
    "delete": ("cmd_articles",),
    "demo": ("cmd_demo",),
    "enrich": ("cmd_articles",),
    "event-study": ("cmd_markets",),
    "export": ("cmd_articles",),
    "export-opml": ("cmd_sources",),
    "extract": ("cmd_measure",),
    "import-opml": ("cmd_sources",),
    "import-prices": ("cmd_markets",),
    "inbox": ("cmd_alerts",),
    "ingest": ("cmd_articles",),
    "migrate-store": ("cmd_store",),
    "people": ("cmd_people",),
    "poll": ("cmd_sources",),
    "prices": ("cmd_markets",),
    "quotes": ("cmd_people",),
    "read": ("cmd_articles",),
    "reindex": ("cmd_articles",),
    "search": ("cmd_articles",),
    "serve": ("cmd_serve",),
    "sources": ("cmd_sources",),
    "terminal": ("cmd_terminal",),
    "token": ("cmd_accounts",),
    "top": ("cmd_articles",),
    "user": ("cmd_accounts",),
    "wire": ("cmd_worker",),
    "worker": ("cmd_worker",),
}


class LazyGroup(click.Group):
    """The root group: a command's module is imported (and registers its commands on
    ``cli``) the first time the command is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for module in COMMAND_MODULES.get(cmd_name, ()):
            importlib.import_module(f"{__package__}.{module}")
        return super().get_command(ctx, cmd_name)

    def load_all(self) -> None:
        """Import every command's module (for the reference docs and the demo)."""
        for modules in COMMAND_MODULES.values():
            for module in modules:
                importlib.import_module(f"{__package__}.{module}")


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    invoke_without_command=True,
)
@click.option(
    "--home",
    type=click.Path(path_type=Path),
    envvar="BROADSHEET_HOME",
    help="Data directory (default: ~/.local/share/broadsheet, or $BROADSHEET_HOME).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, exists=True),
    help="A TOML settings file (default: $BROADSHEET_CONFIG).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST",
    help="Let HOST resolve to a private or loopback address (feeds on your LAN).",
)
@click.option(
    "--warc-out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write everything fetched into this folder as WARC (archive your crawl).",
)
@click.option("--no-enrich", is_flag=True, help="Skip entities, quotes and facts on ingest.")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="broadsheet")
@click.pass_context
def cli(
    ctx: click.Context,
    home: Path | None,
    config_file: Path | None,
    allow_hosts: tuple[str, ...],
    warc_out: Path | None,
    no_enrich: bool,
    verbose: int,
) -> None:
    """Broadsheet: news and markets, read like an analyst, on your own machine.

    Subscribe to feeds (add, import-opml, poll), take in pages, text dumps and WARC
    archives (ingest), then search, read and export what you have. Run
    `broadsheet demo` to see it all work offline. `broadsheet` alone, on a terminal,
    opens the terminal app (`broadsheet terminal`).
    """
    from ..config import load_settings

    logging.basicConfig(
        level=logging.WARNING - 10 * min(verbose, 2),
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    overrides: dict[str, Any] = {}
    if home is not None:
        overrides["home"] = home
    try:
        settings = load_settings(config_file, overrides)
    except BroadsheetError as exc:
        raise click.UsageError(str(exc)) from exc
    if allow_hosts or warc_out:
        update: dict[str, Any] = {}
        if allow_hosts:
            update["allow_private_hosts"] = tuple(settings.fetch.allow_private_hosts) + allow_hosts
        if warc_out:
            update["warc_out"] = warc_out
        settings = settings.model_copy(update={"fetch": settings.fetch.model_copy(update=update)})
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.UsageError(f"cannot use {settings.home} as the data directory: {exc}") from exc
    enrich = settings.enrich.enabled and not no_enrich
    ctx.obj = Context(settings=settings, enrich=enrich)
    if ctx.invoked_subcommand is None:  # `broadsheet` alone: the app on a terminal, else help
        terminal = cli.get_command(ctx, "terminal")
        if sys.stdin.isatty() and sys.stdout.isatty() and terminal is not None:
            ctx.invoke(terminal)
        else:
            click.echo(ctx.get_help())


def emit_json(obj: Any) -> None:
    """One JSON object per line on stdout (strings cleaned of control characters)."""
    sys.stdout.write(json.dumps(clean_json(obj), ensure_ascii=False, default=str) + "\n")


def print_report(ctx: Context, report: Any, fmt: str) -> None:
    """A measurement's report: one JSON line with ``--format json``, else indented JSON
    for reading on the terminal."""
    if fmt == "json":
        emit_json(report)
    else:
        ctx.out.print_json(data=report)
