"""Accounts on SQLite (``AccountStore``): users, recovery codes, API tokens, login sessions
and the login-failure counts of the throttle.

Secrets arrive here already hashed (``broadsheet.accounts``). Every write that changes a
user, a credential or a session is ``durable=True`` (``synchronous=FULL``): acknowledged
means on disk, power loss included. The checks that must not race (a TOTP step used once, a
recovery code used once, at most ``limit`` login attempts in a window) are single
conditional writes inside one ``BEGIN IMMEDIATE`` transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from broadsheet.errors import AlreadyExistsError, NotFoundError, StoreError
from broadsheet.store.sqlite.connection import SQLiteDatabase
from broadsheet.store.times import from_us, opt_dt, to_us
from broadsheet.store.types import AccountSession, ApiToken, User

__all__ = ["AccountRows"]

_USER = (
    "SELECT u.id, u.name, u.admin, u.created_us, u.password_hash, u.totp_secret,"
    " u.totp_last_step, (SELECT count(*) FROM recovery_codes r"
    " WHERE r.user_id = u.id AND r.used_us IS NULL) FROM users u"
)
_TOKEN = "SELECT id, user_id, label, created_us, last_used_us, revoked_us FROM api_tokens"
_SESSION = "SELECT public_id, user_id, created_us, last_seen_us, client FROM account_sessions"


def _user(row: Sequence[Any]) -> User:
    return User(
        id=row[0],
        name=row[1],
        admin=bool(row[2]),
        created_at=from_us(row[3]),
        password_hash=row[4],
        totp_secret=row[5],
        totp_last_step=row[6],
        recovery_left=int(row[7]),
    )


def _token(row: Sequence[Any]) -> ApiToken:
    return ApiToken(
        id=row[0],
        user_id=row[1],
        label=row[2],
        created_at=from_us(row[3]),
        last_used_at=opt_dt(row[4]),
        revoked_at=opt_dt(row[5]),
    )


def _session(row: Sequence[Any]) -> AccountSession:
    return AccountSession(
        public_id=row[0],
        user_id=row[1],
        created_at=from_us(row[2]),
        last_seen_at=from_us(row[3]),
        client=row[4],
    )


def _require_user(conn: sqlite3.Connection, user_id: int) -> None:
    if conn.execute("SELECT 1 FROM users WHERE id = ?", (user_id,)).fetchone() is None:
        raise NotFoundError(f"no user {user_id}")


def _put_recovery(conn: sqlite3.Connection, user_id: int, hashes: Sequence[str]) -> None:
    conn.execute("DELETE FROM recovery_codes WHERE user_id = ?", (user_id,))
    conn.executemany(
        "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)",
        [(user_id, h) for h in dict.fromkeys(hashes)],
    )


class AccountRows(SQLiteDatabase):
    """The ``AccountStore`` role."""

    # ------------------------------------------------------------------ users

    def add_user(
        self,
        name: str,
        password_hash: str,
        *,
        admin: bool = False,
        totp_secret: str | None = None,
        recovery_hashes: Sequence[str] = (),
        now: datetime,
    ) -> User:
        try:
            with self._write(durable=True) as conn:
                cur = conn.execute(
                    "INSERT INTO users (name, admin, password_hash, totp_secret, created_us)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (name, int(admin), password_hash, totp_secret, to_us(now)),
                )
                user_id = int(cur.lastrowid or 0)
                _put_recovery(conn, user_id, recovery_hashes)
                row = conn.execute(f"{_USER} WHERE u.id = ?", (user_id,)).fetchone()
        except StoreError as exc:
            if "UNIQUE" in str(exc):
                raise AlreadyExistsError(f"there is already a user called {name!r}") from exc
            raise
        return _user(row)

    def find_user(self, name: str) -> User | None:
        with self._use() as conn:
            row = conn.execute(f"{_USER} WHERE u.name = ?", (name,)).fetchone()
        return None if row is None else _user(row)

    def get_user(self, user_id: int) -> User:
        with self._use() as conn:
            row = conn.execute(f"{_USER} WHERE u.id = ?", (user_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no user {user_id}")
        return _user(row)

    def list_users(self) -> list[User]:
        with self._use() as conn:
            rows = conn.execute(f"{_USER} ORDER BY u.id").fetchall()
        return [_user(r) for r in rows]

    def remove_user(self, user_id: int) -> None:
        with self._write(durable=True) as conn:
            row = conn.execute("SELECT name FROM users WHERE id = ?", (user_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no user {user_id}")
            # their saved searches go too (alerts, inbox and outbox follow by cascade), so
            # a later user of the same name inherits nothing
            conn.execute("DELETE FROM saved_searches WHERE owner = ?", (row[0],))
            conn.execute("DELETE FROM users WHERE id = ?", (user_id,))

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self._write(durable=True) as conn:
            cur = conn.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id)
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"no user {user_id}")

    def set_second_factor(
        self, user_id: int, totp_secret: str | None, recovery_hashes: Sequence[str]
    ) -> None:
        with self._write(durable=True) as conn:
            cur = conn.execute(
                "UPDATE users SET totp_secret = ?, totp_last_step = NULL WHERE id = ?",
                (totp_secret, user_id),
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"no user {user_id}")
            _put_recovery(conn, user_id, recovery_hashes)

    def accept_totp_step(self, user_id: int, step: int) -> bool:
        with self._write(durable=True) as conn:
            cur = conn.execute(
                "UPDATE users SET totp_last_step = ? WHERE id = ?"
                " AND (totp_last_step IS NULL OR totp_last_step < ?)",
                (step, user_id, step),
            )
            return cur.rowcount == 1

    def use_recovery_code(self, user_id: int, code_hash: str, *, now: datetime) -> bool:
        with self._write(durable=True) as conn:
            cur = conn.execute(
                "UPDATE recovery_codes SET used_us = ?"
                " WHERE user_id = ? AND code_hash = ? AND used_us IS NULL",
                (to_us(now), user_id, code_hash),
            )
            return cur.rowcount == 1

    # ------------------------------------------------------------------ the login throttle

    def claim_login_attempt(
        self, account: str, *, now: datetime, window: float, limit: int
    ) -> int | None:
        at = to_us(now)
        since = at - int(window * 1_000_000)
        with self._write(durable=True) as conn:
            conn.execute("DELETE FROM login_failures WHERE at_us <= ?", (since,))
            count = conn.execute(
                "SELECT count(*) FROM login_failures WHERE account = ? AND at_us > ?",
                (account, since),
            ).fetchone()[0]
            if count >= limit:
                return None
            cur = conn.execute(
                "INSERT INTO login_failures (account, at_us) VALUES (?, ?)", (account, at)
            )
            return int(cur.lastrowid or 0)

    def forget_login_attempt(self, attempt_id: int) -> None:
        with self._write(durable=True) as conn:
            conn.execute("DELETE FROM login_failures WHERE id = ?", (attempt_id,))

    def login_retry_at(
        self, account: str, *, now: datetime, window: float, limit: int
    ) -> datetime | None:
        since = to_us(now) - int(window * 1_000_000)
        with self._use() as conn:
            rows = conn.execute(
                "SELECT at_us FROM login_failures WHERE account = ? AND at_us > ?"
                " ORDER BY at_us DESC LIMIT ?",
                (account, since, limit),
            ).fetchall()
        if len(rows) < limit:
            return None
        return from_us(rows[-1][0] + int(window * 1_000_000))

    # ------------------------------------------------------------------ sessions

    def add_session(
        self, key_hash: str, public_id: str, user_id: int, *, client: str, now: datetime
    ) -> AccountSession:
        at = to_us(now)
        with self._write(durable=True) as conn:
            _require_user(conn, user_id)
            conn.execute(
                "INSERT INTO account_sessions"
                " (key_hash, public_id, user_id, client, created_us, last_seen_us)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (key_hash, public_id, user_id, client, at, at),
            )
        return AccountSession(public_id, user_id, from_us(at), from_us(at), client)

    def session_by_key(self, key_hash: str) -> AccountSession | None:
        with self._use() as conn:
            row = conn.execute(f"{_SESSION} WHERE key_hash = ?", (key_hash,)).fetchone()
        return None if row is None else _session(row)

    def touch_session(self, key_hash: str, *, now: datetime) -> None:
        with self._write(durable=True) as conn:
            conn.execute(
                "UPDATE account_sessions SET last_seen_us = max(last_seen_us, ?)"
                " WHERE key_hash = ?",
                (to_us(now), key_hash),
            )

    def list_sessions(self, user_id: int) -> list[AccountSession]:
        with self._use() as conn:
            rows = conn.execute(
                f"{_SESSION} WHERE user_id = ? ORDER BY created_us, public_id", (user_id,)
            ).fetchall()
        return [_session(r) for r in rows]

    def end_session(self, user_id: int, public_id: str) -> bool:
        with self._write(durable=True) as conn:
            cur = conn.execute(
                "DELETE FROM account_sessions WHERE user_id = ? AND public_id = ?",
                (user_id, public_id),
            )
            return cur.rowcount == 1

    def end_session_by_key(self, key_hash: str) -> bool:
        with self._write(durable=True) as conn:
            cur = conn.execute("DELETE FROM account_sessions WHERE key_hash = ?", (key_hash,))
            return cur.rowcount == 1

    def end_user_sessions(self, user_id: int) -> int:
        with self._write(durable=True) as conn:
            cur = conn.execute("DELETE FROM account_sessions WHERE user_id = ?", (user_id,))
            return cur.rowcount

    def prune_sessions(self, *, seen_before: datetime, created_before: datetime) -> int:
        with self._write(durable=True) as conn:
            cur = conn.execute(
                "DELETE FROM account_sessions WHERE last_seen_us < ? OR created_us < ?",
                (to_us(seen_before), to_us(created_before)),
            )
            return cur.rowcount

    # ------------------------------------------------------------------ API tokens

    def add_token(
        self, user_id: int, token_hash: str, *, label: str = "", now: datetime
    ) -> ApiToken:
        with self._write(durable=True) as conn:
            _require_user(conn, user_id)
            cur = conn.execute(
                "INSERT INTO api_tokens (user_id, token_hash, label, created_us)"
                " VALUES (?, ?, ?, ?)",
                (user_id, token_hash, label, to_us(now)),
            )
            row = conn.execute(f"{_TOKEN} WHERE id = ?", (cur.lastrowid,)).fetchone()
        return _token(row)

    def token_by_hash(self, token_hash: str) -> ApiToken | None:
        with self._use() as conn:
            row = conn.execute(
                f"{_TOKEN} WHERE token_hash = ? AND revoked_us IS NULL", (token_hash,)
            ).fetchone()
        return None if row is None else _token(row)

    def list_tokens(self, user_id: int) -> list[ApiToken]:
        with self._use() as conn:
            rows = conn.execute(f"{_TOKEN} WHERE user_id = ? ORDER BY id", (user_id,)).fetchall()
        return [_token(r) for r in rows]

    def revoke_token(self, user_id: int, token_id: int, *, now: datetime) -> ApiToken:
        with self._write(durable=True) as conn:
            row = conn.execute(
                f"{_TOKEN} WHERE id = ? AND user_id = ?", (token_id, user_id)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no token {token_id}")
            conn.execute(
                "UPDATE api_tokens SET revoked_us = coalesce(revoked_us, ?) WHERE id = ?",
                (to_us(now), token_id),
            )
            row = conn.execute(f"{_TOKEN} WHERE id = ?", (token_id,)).fetchone()
        return _token(row)

    def touch_token(self, token_id: int, *, now: datetime) -> None:
        with self._write(durable=True) as conn:
            conn.execute(
                "UPDATE api_tokens SET last_used_us = max(coalesce(last_used_us, 0), ?)"
                " WHERE id = ?",
                (to_us(now), token_id),
            )
