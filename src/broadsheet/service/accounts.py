"""Accounts: users, logins with a second factor, sessions and API tokens, as typed views.

The web app and its REST API call these; so does ``broadsheet user`` / ``broadsheet token``.
No view carries a hash: a secret (a session cookie value, an API token, a TOTP key, the
recovery codes) appears only in what the task that made it returns, once. A user's name is
the ``owner`` of their saved searches, alerts and inbox.

Failures of ``login`` are one ``AuthError`` whatever the cause (unknown user, wrong password,
wrong or replayed code), or ``ThrottledError`` after 5 failures on the account in 5 minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..accounts import Accounts, Enrolment, OpenSession, Passwords, SessionPolicy, totp_uri
from ..store import AccountSession, ApiToken, User
from .base import ServiceBase
from .views import iso

__all__ = [
    "AccountTasks",
    "Login",
    "NewToken",
    "NewUser",
    "SessionInfo",
    "SessionView",
    "TokenView",
    "UserView",
]


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    name: str
    admin: bool
    created_at: datetime
    has_second_factor: bool

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(user.id, user.name, user.admin, user.created_at, user.totp_secret is not None)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "admin": self.admin,
            "created_at": iso(self.created_at),
            "has_second_factor": self.has_second_factor,
        }


@dataclass(frozen=True, slots=True)
class NewUser:
    """A user just made (or just given a new second factor): the TOTP provisioning URI and
    the recovery codes, shown this once."""

    user: UserView
    totp_uri: str
    recovery_codes: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "user": self.user.to_json(),
            "totp_uri": self.totp_uri,
            "recovery_codes": list(self.recovery_codes),
        }


@dataclass(frozen=True, slots=True)
class SessionView:
    """One live login session, as listed to its user (``current``: the one asking)."""

    id: str
    created_at: datetime
    last_seen_at: datetime
    client: str
    current: bool = False

    @classmethod
    def of(cls, session: AccountSession, *, current: str | None = None) -> SessionView:
        return cls(
            session.public_id,
            session.created_at,
            session.last_seen_at,
            session.client,
            session.public_id == current,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": iso(self.created_at),
            "last_seen_at": iso(self.last_seen_at),
            "client": self.client,
            "current": self.current,
        }


@dataclass(frozen=True, slots=True)
class Login:
    """A successful login: ``session`` is the cookie value, ``csrf`` the token that every
    state-changing request of that session must carry."""

    user: UserView
    session: str
    csrf: str
    session_id: str = ""  # the public id of the session (as in ``sessions``)

    def to_json(self) -> dict[str, Any]:
        return {
            "user": self.user.to_json(),
            "session": self.session,
            "csrf": self.csrf,
            "session_id": self.session_id,
        }


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """Who a session cookie belongs to: the user, the session's CSRF token and public id."""

    user: UserView
    csrf: str
    id: str

    def to_json(self) -> dict[str, Any]:
        return {"user": self.user.to_json(), "csrf": self.csrf, "id": self.id}


@dataclass(frozen=True, slots=True)
class TokenView:
    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, token: ApiToken) -> TokenView:
        return cls(token.id, token.label, token.created_at, token.last_used_at, token.revoked_at)

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "created_at": iso(self.created_at),
            "last_used_at": iso(self.last_used_at),
            "revoked_at": iso(self.revoked_at),
            "revoked": self.revoked,
        }


@dataclass(frozen=True, slots=True)
class NewToken:
    """An API token just made: ``token`` is shown this once (only its hash is kept)."""

    token: str
    view: TokenView

    def to_json(self) -> dict[str, Any]:
        return {**self.view.to_json(), "token": self.token}


def _new_user(enrolment: Enrolment) -> NewUser:
    user = enrolment.user
    return NewUser(
        UserView.of(user), totp_uri(enrolment.totp_secret, user.name), enrolment.recovery_codes
    )


class AccountTasks(ServiceBase):
    @property
    def accounts(self) -> Accounts:
        """The account tasks over this archive's store, with the settings' policy."""
        with self._lock:
            made: Accounts | None = getattr(self, "_accounts", None)
            if made is None:
                s = self.settings.accounts
                made = Accounts(
                    self.store,
                    Passwords(
                        memory_kib=s.argon2_memory_kib,
                        time_cost=s.argon2_time_cost,
                        parallelism=s.argon2_parallelism,
                    ),
                    SessionPolicy(idle=s.session_idle, lifetime=s.session_lifetime),
                )
                self._accounts = made
            return made

    # ------------------------------------------------------------------ users (admins)

    def add_user(self, name: str, password: str, *, admin: bool = False) -> NewUser:
        """A new user with a TOTP second factor and ten recovery codes (shown once)."""
        return _new_user(self.accounts.add_user(name, password, admin=admin))

    def users(self) -> list[UserView]:
        return [UserView.of(u) for u in self.store.list_users()]

    def user(self, name: str) -> UserView:
        return UserView.of(self.accounts.user(name))

    def remove_user(self, name: str) -> UserView:
        """The user goes, with their tokens, sessions, saved searches, alerts and inbox."""
        return UserView.of(self.accounts.remove_user(name))

    def set_password(
        self, name: str, new_password: str, *, keep_session: str | None = None
    ) -> UserView:
        """A new password; the user's sessions end (all but ``keep_session``, a cookie)."""
        return UserView.of(
            self.accounts.set_password(name, new_password, keep_session=keep_session)
        )

    def change_password(
        self,
        name: str,
        current_password: str,
        new_password: str,
        *,
        keep_session: str | None = None,
    ) -> UserView:
        """A user's own change: the current password first (``AuthError`` when wrong,
        throttled like logins); then as ``set_password``."""
        return UserView.of(
            self.accounts.change_password(
                name, current_password, new_password, keep_session=keep_session
            )
        )

    def reset_second_factor(self, name: str) -> NewUser:
        """A new TOTP key and recovery codes (shown once); the old ones stop working."""
        return _new_user(self.accounts.reset_second_factor(name))

    def recovery_codes_left(self, name: str) -> int:
        return self.accounts.user(name).recovery_left

    # ------------------------------------------------------------------ logging in

    def login(
        self,
        name: str,
        password: str,
        code: str,
        *,
        client: str = "",
        now: datetime | None = None,
    ) -> Login:
        """Password and second factor (a TOTP code or a recovery code) → a new session."""
        opened = self.accounts.login(name, password, code, client=client, now=now)
        return Login(UserView.of(opened.user), opened.key, opened.csrf, opened.session.public_id)

    def session_user(self, session: str, *, now: datetime | None = None) -> SessionInfo | None:
        """Who this session cookie belongs to (None: no such, ended or expired session)."""
        opened: OpenSession | None = self.accounts.session(session, now=now)
        if opened is None:
            return None
        return SessionInfo(UserView.of(opened.user), opened.csrf, opened.session.public_id)

    def sessions(
        self, user: str, *, current: str | None = None, now: datetime | None = None
    ) -> list[SessionView]:
        """The user's live sessions, oldest first; ``current``: the asking session's
        public id, marked in the list."""
        return [SessionView.of(s, current=current) for s in self.accounts.sessions(user, now=now)]

    def end_session(self, user: str, session_id: str) -> None:
        """End one of the user's sessions by its public id (``NotFoundError`` otherwise)."""
        self.accounts.end_session(user, session_id)

    def logout(self, session: str) -> None:
        """End this session cookie's session on the server."""
        self.accounts.logout(session)

    # ------------------------------------------------------------------ API tokens

    def add_token(self, user: str, label: str = "") -> NewToken:
        token, record = self.accounts.add_token(user, label)
        return NewToken(token, TokenView.of(record))

    def tokens(self, user: str) -> list[TokenView]:
        return [TokenView.of(t) for t in self.accounts.tokens(user)]

    def revoke_token(self, user: str, token_id: int) -> TokenView:
        return TokenView.of(self.accounts.revoke_token(user, int(token_id)))

    def token_user(self, token: str) -> UserView | None:
        """The user of an unrevoked API token, or None."""
        found = self.accounts.token_user(token)
        return None if found is None else UserView.of(found)
