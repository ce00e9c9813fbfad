"""Sessions: kept on the server under a hash, a new one at every login, idle and absolute
expiry, listed to their user, ended one by one, by logout, and by a password change."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from broadsheet.accounts import hash_secret
from broadsheet.config import Settings
from broadsheet.errors import NotFoundError
from broadsheet.service import Service, open_service

from .helpers import PASSWORD, T0, Enrolled, enrol


def _login(svc: Service, user: Enrolled, minutes: float, client: str = ""):  # type: ignore[no-untyped-def]
    at = T0 + timedelta(minutes=minutes)
    return svc.login(user.name, PASSWORD, user.code(at), client=client, now=at)


def test_each_login_gets_a_new_session_and_the_old_one_still_ends_on_logout(
    svc: Service,
) -> None:
    alice = enrol(svc, "alice")
    first = _login(svc, alice, 0, "browser one")
    second = _login(svc, alice, 1, "browser two")
    assert first.session != second.session and first.session_id != second.session_id
    assert first.csrf != second.csrf
    info = svc.session_user(first.session, now=T0 + timedelta(minutes=2))
    assert info is not None and info.user.name == "alice"
    assert info.csrf == first.csrf and info.id == first.session_id
    svc.logout(first.session)
    assert svc.session_user(first.session, now=T0 + timedelta(minutes=2)) is None
    assert svc.session_user(second.session, now=T0 + timedelta(minutes=2)) is not None
    # log in again: a new id, the old one stays refused
    third = _login(svc, alice, 3)
    assert third.session not in (first.session, second.session)
    assert svc.session_user(first.session, now=T0 + timedelta(minutes=3)) is None


def test_sessions_are_stored_only_as_hashes(svc: Service, tmp_path: Path) -> None:
    alice = enrol(svc, "alice")
    login = _login(svc, alice, 0)
    raw = b"".join(p.read_bytes() for p in (tmp_path / "home").glob("broadsheet.db*"))
    assert login.session.encode() not in raw
    assert login.csrf.encode() not in raw
    assert hash_secret(login.session).encode() in raw


def test_idle_sessions_expire(svc: Service) -> None:
    alice = enrol(svc, "alice")
    login = _login(svc, alice, 0)
    idle = svc.settings.accounts.session_idle
    # used every 20 minutes, it lives on (each use moves its last-seen time)
    for minutes in (20, 40, 60):
        assert svc.session_user(login.session, now=T0 + timedelta(minutes=minutes)) is not None
    quiet = T0 + timedelta(minutes=60, seconds=idle + 1)
    assert svc.session_user(login.session, now=quiet) is None
    assert svc.sessions("alice", now=quiet) == []
    assert svc.store.list_sessions(svc.store.find_user("alice").id) == []  # type: ignore[union-attr]


def test_sessions_end_at_their_lifetime_however_busy(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, accounts={"session_idle": 600, "session_lifetime": 3600})
    with open_service(settings, enrich=False) as svc:
        alice = enrol(svc, "alice")
        login = _login(svc, alice, 0)
        for minutes in range(5, 60, 5):
            assert svc.session_user(login.session, now=T0 + timedelta(minutes=minutes))
        assert svc.session_user(login.session, now=T0 + timedelta(minutes=60, seconds=1)) is None


def test_a_user_lists_and_ends_their_own_sessions(svc: Service) -> None:
    alice, bob = enrol(svc, "alice"), enrol(svc, "bob")
    one = _login(svc, alice, 0, "Firefox on a laptop")
    two = _login(svc, alice, 1, "Safari on a phone\x1b[31m")
    bobs = _login(svc, bob, 1)
    listed = svc.sessions("alice", current=two.session_id, now=T0 + timedelta(minutes=2))
    assert [s.id for s in listed] == [one.session_id, two.session_id]
    assert [s.client for s in listed] == ["Firefox on a laptop", "Safari on a phone[31m"]
    assert [s.current for s in listed] == [False, True]
    assert listed[0].created_at == T0 and listed[1].last_seen_at >= listed[1].created_at
    assert set(listed[0].to_json()) == {"id", "created_at", "last_seen_at", "client", "current"}
    # bob cannot end alice's session, alice can
    with pytest.raises(NotFoundError):
        svc.end_session("bob", one.session_id)
    svc.end_session("alice", one.session_id)
    moment = T0 + timedelta(minutes=2)
    assert svc.session_user(one.session, now=moment) is None
    assert svc.session_user(two.session, now=moment) is not None
    assert svc.session_user(bobs.session, now=moment) is not None
    with pytest.raises(NotFoundError):
        svc.end_session("alice", one.session_id)


def test_a_new_password_ends_the_sessions_but_the_one_kept(svc: Service) -> None:
    alice = enrol(svc, "alice")
    one, two = _login(svc, alice, 0), _login(svc, alice, 1)
    svc.set_password("alice", "a brand new passphrase", keep_session=two.session)
    moment = T0 + timedelta(minutes=2)
    assert svc.session_user(one.session, now=moment) is None
    assert svc.session_user(two.session, now=moment) is not None
    with pytest.raises(Exception, match="wrong name"):
        svc.login("alice", PASSWORD, alice.code(T0, 10), now=T0 + timedelta(minutes=5))
    at = T0 + timedelta(minutes=6)
    svc.login("alice", "a brand new passphrase", alice.code(at), now=at)


def test_garbage_cookies_are_nobody(svc: Service) -> None:
    enrol(svc, "alice")
    for junk in ("", "x", "a" * 10_000, "'; DROP TABLE users; --", "\x00\x01"):
        assert svc.session_user(junk) is None
        svc.logout(junk)
    assert len(svc.users()) == 1


def test_removing_a_user_removes_what_they_own(svc: Service) -> None:
    alice, bob = enrol(svc, "alice"), enrol(svc, "bob")
    login = _login(svc, alice, 0)
    token = svc.add_token("alice", "ci")
    svc.save_search("copper", "copper mine", owner="alice")
    svc.save_search("copper", "copper mine", owner="bob")
    svc.remove_user("alice")
    assert svc.session_user(login.session, now=T0) is None
    assert svc.token_user(token.token) is None
    assert [s.search.owner for s in svc.saved_searches(owner=None)] == ["bob"]
    with pytest.raises(NotFoundError):
        svc.remove_user("alice")
    # a new alice inherits nothing
    enrol(svc, "alice")
    assert svc.saved_searches(owner="alice") == [] and svc.tokens("alice") == []
    assert bob.name == "bob"
