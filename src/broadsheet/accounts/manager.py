"""Account tasks over the store: users, logins with a second factor, the throttle, sessions
and API tokens. Everything here goes through ``AccountStore``; times can be given (``now``)
so the clock-bound rules (TOTP steps, session expiry, the throttle) are testable.

Logins: the account's throttle is claimed first (at most ``THROTTLE_LIMIT`` attempts not
known to have succeeded per ``THROTTLE_WINDOW`` seconds, per account name whatever the
client address, known user or not); then the password is verified (a dummy verification for
an unknown name, so the answer and its timing are the same); then the second factor (a TOTP
code of the step before, now or after, later than the last one used; or an unused recovery
code). Any failure is one ``AuthError``. On success the attempt is forgotten, the password
rehashed when the argon2 parameters have risen, and a new session is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..errors import (
    AlreadyExistsError,
    AuthError,
    InvalidRequestError,
    NotFoundError,
    ThrottledError,
)
from ..store import AccountSession, AccountStore, ApiToken, User
from ..textsafe import clean_text
from .credentials import (
    Passwords,
    check_new_password,
    check_user_name,
    csrf_token,
    hash_secret,
    is_totp_code,
    new_public_id,
    new_recovery_codes,
    new_session_key,
    new_token,
    new_totp_secret,
    normalise_recovery_code,
    totp_step_of,
)

__all__ = [
    "THROTTLE_LIMIT",
    "THROTTLE_WINDOW",
    "Accounts",
    "Enrolment",
    "OpenSession",
    "SessionPolicy",
]

THROTTLE_LIMIT = 5  # failed logins per account ...
THROTTLE_WINDOW = 300.0  # ... per 5 minutes
_TOUCH_EVERY = timedelta(seconds=15)  # last-seen / last-used resolution (fewer fsyncs)
_CLIENT_MAX = 200


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    idle: float = 1800.0  # seconds without a request before a session ends
    lifetime: float = 43200.0  # seconds after login when a session ends regardless


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A user with a new second factor: the TOTP key and recovery codes, shown once."""

    user: User
    totp_secret: str
    recovery_codes: list[str]


@dataclass(frozen=True, slots=True)
class OpenSession:
    """A live session: its cookie value (``key``), its CSRF token, its record."""

    key: str
    csrf: str
    session: AccountSession
    user: User


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _client(client: str) -> str:
    return clean_text(client or "").replace("\n", " ")[:_CLIENT_MAX]


def _account_key(name: str) -> str:
    return name.strip().lower()[:200]


class Accounts:
    """Account tasks over one ``AccountStore`` (see the module's docstring)."""

    def __init__(
        self,
        store: AccountStore,
        passwords: Passwords | None = None,
        sessions: SessionPolicy | None = None,
    ) -> None:
        self.store = store
        self.passwords = passwords or Passwords()
        self.policy = sessions or SessionPolicy()

    # ------------------------------------------------------------------ users

    def user(self, name: str) -> User:
        found = self.store.find_user(name)
        if found is None:
            raise NotFoundError(f"no user called {name!r}")
        return found

    def add_user(
        self, name: str, password: str, *, admin: bool = False, now: datetime | None = None
    ) -> Enrolment:
        check_user_name(name)
        check_new_password(password, name=name)
        if self.store.find_user(name) is not None:  # before spending a hash on it
            raise AlreadyExistsError(f"there is already a user called {name!r}")
        secret = new_totp_secret()
        codes = new_recovery_codes()
        user = self.store.add_user(
            name,
            self.passwords.hash(password),
            admin=admin,
            totp_secret=secret,
            recovery_hashes=[hash_secret(c) for c in codes],
            now=_now(now),
        )
        return Enrolment(user, secret, codes)

    def remove_user(self, name: str) -> User:
        user = self.user(name)
        self.store.remove_user(user.id)
        return user

    def set_password(
        self, name: str, new_password: str, *, keep_session: str | None = None
    ) -> User:
        """A new password; every session of the user ends (but ``keep_session``'s)."""
        user = self.user(name)
        check_new_password(new_password, name=user.name)
        self.store.set_password_hash(user.id, self.passwords.hash(new_password))
        self._end_sessions_but(user.id, keep_session)
        return self.store.get_user(user.id)

    def change_password(
        self,
        name: str,
        current_password: str,
        new_password: str,
        *,
        keep_session: str | None = None,
        now: datetime | None = None,
    ) -> User:
        """A user changing their own password proves the current one first (a wrong one
        counts towards the login throttle and raises ``AuthError``)."""
        moment = _now(now)
        user = self.user(name)
        check_new_password(new_password, name=user.name)
        attempt = self._claim(user.name, moment)
        if not self.passwords.verify(user.password_hash, current_password):
            raise AuthError("wrong password")
        self.store.forget_login_attempt(attempt)
        return self.set_password(name, new_password, keep_session=keep_session)

    def reset_second_factor(self, name: str) -> Enrolment:
        """A new TOTP key and new recovery codes; the old ones stop working at once."""
        user = self.user(name)
        secret = new_totp_secret()
        codes = new_recovery_codes()
        self.store.set_second_factor(user.id, secret, [hash_secret(c) for c in codes])
        return Enrolment(self.store.get_user(user.id), secret, codes)

    def _end_sessions_but(self, user_id: int, keep: str | None) -> None:
        kept = self.store.session_by_key(hash_secret(keep)) if keep else None
        for session in self.store.list_sessions(user_id):
            if kept is None or session.public_id != kept.public_id:
                self.store.end_session(user_id, session.public_id)

    # ------------------------------------------------------------------ logging in

    def login(
        self,
        name: str,
        password: str,
        code: str,
        *,
        client: str = "",
        now: datetime | None = None,
    ) -> OpenSession:
        moment = _now(now)
        self.passwords.prepare()  # before anything is decided: the same for every name
        attempt = self._claim(name, moment)
        user = self.store.find_user(name) if 0 < len(name) <= 200 else None
        if user is None or len(password) > 4 * 128:
            self.passwords.dummy_verify(password[:512])
            raise AuthError()
        if not self.passwords.verify(user.password_hash, password):
            raise AuthError()
        if not self._second_factor(user, code, moment):
            raise AuthError()
        self.store.forget_login_attempt(attempt)
        if self.passwords.needs_rehash(user.password_hash):
            self.store.set_password_hash(user.id, self.passwords.hash(password))
        self.prune_sessions(now=moment)  # everyone's expired sessions, now and then
        return self._open_session(user, client, moment)

    def _claim(self, name: str, moment: datetime) -> int:
        """One attempt on the account's throttle, or ``ThrottledError``."""
        account = _account_key(name)
        attempt = self.store.claim_login_attempt(
            account, now=moment, window=THROTTLE_WINDOW, limit=THROTTLE_LIMIT
        )
        if attempt is None:
            retry = self.store.login_retry_at(
                account, now=moment, window=THROTTLE_WINDOW, limit=THROTTLE_LIMIT
            )
            wait = (retry - moment).total_seconds() if retry else THROTTLE_WINDOW
            raise ThrottledError(wait)
        return attempt

    def _second_factor(self, user: User, code: str, moment: datetime) -> bool:
        code = (code or "").strip()
        if not code or user.totp_secret is None:
            return False
        if is_totp_code(code):
            step = totp_step_of(user.totp_secret, code, moment.timestamp())
            return step is not None and self.store.accept_totp_step(user.id, step)
        if len(code) > 64:
            return False
        return self.store.use_recovery_code(
            user.id, hash_secret(normalise_recovery_code(code)), now=moment
        )

    def _open_session(self, user: User, client: str, moment: datetime) -> OpenSession:
        key = new_session_key()
        record = self.store.add_session(
            hash_secret(key), new_public_id(), user.id, client=_client(client), now=moment
        )
        return OpenSession(key, csrf_token(key), record, self.store.get_user(user.id))

    # ------------------------------------------------------------------ sessions

    def _expired(self, session: AccountSession, moment: datetime) -> bool:
        idle = (moment - session.last_seen_at).total_seconds()
        age = (moment - session.created_at).total_seconds()
        return idle > self.policy.idle or age > self.policy.lifetime

    def session(self, key: str, *, now: datetime | None = None) -> OpenSession | None:
        """The live session of this cookie value (its last-seen time moved on), or None when
        there is none, it ended, or it expired (then it is ended on the server too)."""
        if not key or len(key) > 256:
            return None
        moment = _now(now)
        key_hash = hash_secret(key)
        found = self.store.session_by_key(key_hash)
        if found is None:
            return None
        if self._expired(found, moment):
            self.store.end_session_by_key(key_hash)
            return None
        try:
            user = self.store.get_user(found.user_id)
        except NotFoundError:
            return None
        if moment - found.last_seen_at >= _TOUCH_EVERY:
            self.store.touch_session(key_hash, now=moment)
            found = AccountSession(
                found.public_id, found.user_id, found.created_at, moment, found.client
            )
        return OpenSession(key, csrf_token(key), found, user)

    def sessions(self, name: str, *, now: datetime | None = None) -> list[AccountSession]:
        """The user's live sessions, oldest first (expired ones are ended on the way)."""
        user = self.user(name)
        moment = _now(now)
        live = []
        for session in self.store.list_sessions(user.id):
            if self._expired(session, moment):
                self.store.end_session(user.id, session.public_id)
            else:
                live.append(session)
        return live

    def end_session(self, name: str, public_id: str) -> None:
        user = self.user(name)
        if not self.store.end_session(user.id, public_id):
            raise NotFoundError(f"no session {public_id!r}")

    def logout(self, key: str) -> bool:
        """End the session of this cookie value on the server; whether there was one."""
        if not key or len(key) > 256:
            return False
        return self.store.end_session_by_key(hash_secret(key))

    def prune_sessions(self, *, now: datetime | None = None) -> int:
        moment = _now(now)
        return self.store.prune_sessions(
            seen_before=moment - timedelta(seconds=self.policy.idle),
            created_before=moment - timedelta(seconds=self.policy.lifetime),
        )

    # ------------------------------------------------------------------ API tokens

    def add_token(
        self, name: str, label: str = "", *, now: datetime | None = None
    ) -> tuple[str, ApiToken]:
        user = self.user(name)
        label = clean_text(label or "").replace("\n", " ").strip()
        if len(label) > 100:
            raise InvalidRequestError("a token's name has at most 100 characters")
        token = new_token()
        record = self.store.add_token(user.id, hash_secret(token), label=label, now=_now(now))
        return token, record

    def tokens(self, name: str) -> list[ApiToken]:
        return self.store.list_tokens(self.user(name).id)

    def revoke_token(self, name: str, token_id: int, *, now: datetime | None = None) -> ApiToken:
        return self.store.revoke_token(self.user(name).id, token_id, now=_now(now))

    def token_user(self, token: str, *, now: datetime | None = None) -> User | None:
        """The user of an unrevoked API token (its last-used time moved on), or None."""
        if not token or len(token) > 256:
            return None
        found = self.store.token_by_hash(hash_secret(token))
        if found is None:
            return None
        moment = _now(now)
        if found.last_used_at is None or moment - found.last_used_at >= _TOUCH_EVERY:
            self.store.touch_token(found.id, now=moment)
        try:
            return self.store.get_user(found.user_id)
        except NotFoundError:
            return None
