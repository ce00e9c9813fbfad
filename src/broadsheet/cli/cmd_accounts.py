"""Accounts for the web app and its API: user add/list/remove/passwd/reset-2fa and
token add/list/revoke. There is no default user and no default password."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click
from rich.table import Table
from rich.text import Text

from ..errors import InvalidRequestError
from .app import Context, cli, emit_json, format_option, handle_errors, pass_ctx
from .render import clean, styled, when

if TYPE_CHECKING:
    from ..service import NewUser

_FORMAT = format_option("text", "json")
_TOKEN_USER = click.option(
    "--user", "user", required=True, metavar="NAME", help="The user the token belongs to."
)


def _read_password(prompt: str) -> str:
    """The first line of standard input when it is not a terminal; else asked twice."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise InvalidRequestError("no password on standard input")
        return line.rstrip("\r\n")
    value: str = click.prompt(prompt, hide_input=True, confirmation_prompt=True, err=True)
    return value


def _print_enrolment(ctx: Context, made: NewUser, what: str) -> None:
    line = Text(f"{what} ", style="green")
    line.append(clean(made.user.name), style="bold")
    if made.user.admin:
        line.append(" (admin)")
    ctx.out.print(line)
    ctx.out.print(
        Text("second factor: add this to an authenticator app (shown once):", style="yellow")
    )
    ctx.out.print(made.totp_uri, soft_wrap=True)
    ctx.out.print(Text("recovery codes: each works once instead of a code (shown once):", "yellow"))
    for code in made.recovery_codes:
        ctx.out.print(f"  {code}")


@cli.group()
def user() -> None:
    """Users of the web app and the REST API (`broadsheet serve`).

    Each user has a password (12 to 128 characters, read from standard input when it is
    not a terminal) and a second factor: a TOTP authenticator app, and ten recovery codes
    that work once each. Logins are throttled after 5 failures in 5 minutes.
    """


@user.command("add")
@click.argument("name")
@click.option("--admin", is_flag=True, help="The user may manage other users.")
@_FORMAT
@pass_ctx
@handle_errors
def user_add(ctx: Context, name: str, admin: bool, fmt: str) -> None:
    """Create user NAME; prints the TOTP provisioning URI and ten recovery codes, once."""
    password = _read_password("password")
    with ctx.service() as svc:
        made = svc.add_user(name, password, admin=admin)
    if fmt == "json":
        emit_json(made.to_json())
        return
    _print_enrolment(ctx, made, "created user")


@user.command("list")
@format_option("table", "jsonl")
@pass_ctx
@handle_errors
def user_list(ctx: Context, fmt: str) -> None:
    """Every user: whether an admin, whether a second factor is set, when made."""
    with ctx.service() as svc:
        views = svc.users()
    if fmt == "jsonl":
        for view in views:
            emit_json(view.to_json())
        return
    if not views:
        ctx.out.print("no users yet: broadsheet user add NAME")
        return
    table = Table(title="Users")
    for col in ("id", "name", "admin", "2FA", "created"):
        table.add_column(col)
    for view in views:
        table.add_row(
            str(view.id),
            styled(view.name, "bold"),
            "yes" if view.admin else "",
            "yes" if view.has_second_factor else "no",
            when(view.created_at),
        )
    ctx.out.print(table)


@user.command("remove")
@click.argument("name")
@pass_ctx
@handle_errors
def user_remove(ctx: Context, name: str) -> None:
    """Remove user NAME with their tokens, sessions, alerts and inbox."""
    with ctx.service() as svc:
        gone = svc.remove_user(name)
    ctx.out.print(Text(f"removed user {clean(gone.name)}"))


@user.command("passwd")
@click.argument("name")
@pass_ctx
@handle_errors
def user_passwd(ctx: Context, name: str) -> None:
    """Set NAME's password (read like `user add`); their sessions end."""
    password = _read_password("new password")
    with ctx.service() as svc:
        view = svc.set_password(name, password)
    ctx.out.print(Text(f"password of {clean(view.name)} changed; their sessions ended"))


@user.command("reset-2fa")
@click.argument("name")
@_FORMAT
@pass_ctx
@handle_errors
def user_reset_2fa(ctx: Context, name: str, fmt: str) -> None:
    """Give NAME a new TOTP key and recovery codes (printed once); the old ones stop."""
    with ctx.service() as svc:
        made = svc.reset_second_factor(name)
    if fmt == "json":
        emit_json(made.to_json())
        return
    _print_enrolment(ctx, made, "new second factor for")


@cli.group()
def token() -> None:
    """API tokens: `Authorization: Bearer TOKEN` on the REST API.

    A token is shown once when made; only its hash is kept. A revoked token is refused at
    once.
    """


@token.command("add")
@_TOKEN_USER
@click.option("--name", "label", default="", metavar="LABEL", help="What the token is for.")
@_FORMAT
@pass_ctx
@handle_errors
def token_add(ctx: Context, user: str, label: str, fmt: str) -> None:
    """Make an API token for a user; the token is the last line printed (shown once)."""
    with ctx.service() as svc:
        made = svc.add_token(user, label)
    if fmt == "json":
        emit_json(made.to_json())
        return
    line = Text(f"token #{made.view.id}", style="green")
    if made.view.label:
        line.append(f" ({clean(made.view.label)})")
    line.append(f" for {clean(user)}; shown once, keep it:")
    ctx.err.print(line)
    sys.stdout.write(made.token + "\n")


@token.command("list")
@_TOKEN_USER
@format_option("table", "jsonl")
@pass_ctx
@handle_errors
def token_list(ctx: Context, user: str, fmt: str) -> None:
    """A user's tokens: when made, last used and revoked (never the tokens themselves)."""
    with ctx.service() as svc:
        views = svc.tokens(user)
    if fmt == "jsonl":
        for view in views:
            emit_json(view.to_json())
        return
    if not views:
        ctx.out.print("no tokens: broadsheet token add --user NAME")
        return
    table = Table(title=f"Tokens of {clean(user)}")
    for col in ("id", "name", "created", "last used", "state"):
        table.add_column(col)
    for view in views:
        table.add_row(
            str(view.id),
            styled(view.label),
            when(view.created_at),
            when(view.last_used_at),
            Text(f"revoked {when(view.revoked_at)}", style="red")
            if view.revoked
            else Text("active", style="green"),
        )
    ctx.out.print(table)


@token.command("revoke")
@click.argument("token_id", metavar="ID", type=int)
@_TOKEN_USER
@pass_ctx
@handle_errors
def token_revoke(ctx: Context, token_id: int, user: str) -> None:
    """Revoke token ID of a user: refused from now on."""
    with ctx.service() as svc:
        view = svc.revoke_token(user, token_id)
    ctx.out.print(Text(f"revoked token #{view.id}"))
