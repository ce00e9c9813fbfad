"""The ``AccountStore`` role of the store contract, on every backend: users (names unique in
any case), the conditional writes that must not race (a TOTP step, a recovery code, the
login throttle), sessions and API tokens, and what removing a user takes with it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from broadsheet.accounts import Passwords, hash_secret
from broadsheet.errors import AlreadyExistsError, NotFoundError
from broadsheet.store import AccountStore, Store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HASH = Passwords().hash("contract password")  # a real argon2id hash, made once
CODES = [hash_secret(f"code-{n}") for n in range(10)]


def _user(store: Store, name: str = "alice", **kw: object) -> int:
    made = store.add_user(
        name,
        HASH,
        totp_secret="JBSWY3DPEHPK3PXP",
        recovery_hashes=CODES,
        now=T0,
        **kw,  # type: ignore[arg-type]
    )
    return made.id


def test_the_role_is_implemented(backend_store: Store) -> None:
    assert isinstance(backend_store, AccountStore)


def test_users_are_unique_in_any_case(backend_store: Store) -> None:
    made = backend_store.add_user("Alice", HASH, admin=True, recovery_hashes=CODES, now=T0)
    assert made.name == "Alice" and made.admin and made.created_at == T0
    assert made.totp_secret is None and made.totp_last_step is None
    assert made.recovery_left == 10 and made.password_hash == HASH
    for other in ("Alice", "alice", "ALICE"):
        with pytest.raises(AlreadyExistsError):
            backend_store.add_user(other, HASH, now=T0)
    assert backend_store.find_user("aLiCe") == made
    assert backend_store.find_user("bob") is None
    assert backend_store.get_user(made.id) == made
    with pytest.raises(NotFoundError):
        backend_store.get_user(made.id + 100)
    bob = _user(backend_store, "bob")
    assert [u.id for u in backend_store.list_users()] == [made.id, bob]


def test_passwords_and_second_factors_change(backend_store: Store) -> None:
    uid = _user(backend_store)
    other = Passwords().hash("another password")
    backend_store.set_password_hash(uid, other)
    assert backend_store.get_user(uid).password_hash == other
    assert backend_store.accept_totp_step(uid, 100)
    backend_store.set_second_factor(uid, "NEWSECRETNEWSECR", [hash_secret("fresh")])
    after = backend_store.get_user(uid)
    assert after.totp_secret == "NEWSECRETNEWSECR" and after.totp_last_step is None
    assert after.recovery_left == 1
    assert not backend_store.use_recovery_code(uid, CODES[0], now=T0)
    assert backend_store.use_recovery_code(uid, hash_secret("fresh"), now=T0)
    with pytest.raises(NotFoundError):
        backend_store.set_password_hash(uid + 100, other)
    with pytest.raises(NotFoundError):
        backend_store.set_second_factor(uid + 100, None, [])


def test_a_totp_step_is_accepted_once_and_only_forwards(backend_store: Store) -> None:
    uid = _user(backend_store)
    assert backend_store.accept_totp_step(uid, 1000)
    assert not backend_store.accept_totp_step(uid, 1000)
    assert not backend_store.accept_totp_step(uid, 999)
    assert backend_store.accept_totp_step(uid, 1001)
    assert backend_store.get_user(uid).totp_last_step == 1001


def test_recovery_codes_are_spent_once_even_at_once(backend_store: Store) -> None:
    uid = _user(backend_store)
    won: list[bool] = []
    threads = [
        threading.Thread(
            target=lambda: won.append(backend_store.use_recovery_code(uid, CODES[3], now=T0))
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won) == [False, False, False, True]
    assert backend_store.get_user(uid).recovery_left == 9
    assert not backend_store.use_recovery_code(uid, hash_secret("never issued"), now=T0)


def test_the_login_throttle_counts_a_sliding_window(backend_store: Store) -> None:
    claims = [
        backend_store.claim_login_attempt(
            "alice", now=T0 + timedelta(seconds=n), window=300, limit=5
        )
        for n in range(5)
    ]
    assert all(c is not None for c in claims)
    late = T0 + timedelta(seconds=10)
    assert backend_store.claim_login_attempt("alice", now=late, window=300, limit=5) is None
    assert backend_store.login_retry_at("alice", now=late, window=300, limit=5) == T0 + timedelta(
        seconds=300
    )
    # other accounts are counted apart
    assert backend_store.claim_login_attempt("bob", now=late, window=300, limit=5) is not None
    assert backend_store.login_retry_at("bob", now=late, window=300, limit=5) is None
    # forgetting one (a success) frees one place
    backend_store.forget_login_attempt(claims[2])  # type: ignore[arg-type]
    assert backend_store.claim_login_attempt("alice", now=late, window=300, limit=5) is not None
    assert backend_store.claim_login_attempt("alice", now=late, window=300, limit=5) is None
    # the oldest leaves the window
    after = T0 + timedelta(seconds=300.5)
    assert backend_store.claim_login_attempt("alice", now=after, window=300, limit=5) is not None


def test_concurrent_claims_never_pass_the_limit(backend_store: Store) -> None:
    got: list[int | None] = []

    def claim() -> None:
        got.append(backend_store.claim_login_attempt("carol", now=T0, window=300, limit=5))

    threads = [threading.Thread(target=claim) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(1 for g in got if g is not None) == 5


def test_sessions(backend_store: Store) -> None:
    alice, bob = _user(backend_store), _user(backend_store, "bob")
    s1 = backend_store.add_session("hash-1", "pub-1", alice, client="laptop", now=T0)
    later = T0 + timedelta(minutes=5)
    backend_store.add_session("hash-2", "pub-2", alice, client="phone", now=later)
    backend_store.add_session("hash-3", "pub-3", bob, client="", now=T0)
    assert s1.created_at == s1.last_seen_at == T0 and s1.client == "laptop"
    assert backend_store.session_by_key("hash-1") == s1
    assert backend_store.session_by_key("pub-1") is None
    backend_store.touch_session("hash-1", now=later)
    backend_store.touch_session("hash-1", now=T0)  # never backwards
    assert backend_store.session_by_key("hash-1").last_seen_at == later  # type: ignore[union-attr]
    assert [s.public_id for s in backend_store.list_sessions(alice)] == ["pub-1", "pub-2"]
    assert not backend_store.end_session(bob, "pub-1")
    assert backend_store.end_session(alice, "pub-1")
    assert backend_store.session_by_key("hash-1") is None
    assert backend_store.end_session_by_key("hash-2")
    assert not backend_store.end_session_by_key("hash-2")
    backend_store.add_session("hash-4", "pub-4", alice, client="", now=T0)
    backend_store.add_session("hash-5", "pub-5", alice, client="", now=later)
    pruned = backend_store.prune_sessions(
        seen_before=T0 + timedelta(minutes=1), created_before=T0 - timedelta(hours=1)
    )
    assert pruned == 2  # hash-3 (bob's) and hash-4, idle since T0
    assert [s.public_id for s in backend_store.list_sessions(alice)] == ["pub-5"]
    assert backend_store.end_user_sessions(alice) == 1
    with pytest.raises(NotFoundError):
        backend_store.add_session("hash-6", "pub-6", alice + 100, client="", now=T0)


def test_tokens(backend_store: Store) -> None:
    alice, bob = _user(backend_store), _user(backend_store, "bob")
    t1 = backend_store.add_token(alice, "hash-a", label="ci", now=T0)
    t2 = backend_store.add_token(alice, "hash-b", now=T0)
    assert t1.label == "ci" and t1.created_at == T0
    assert t1.last_used_at is None and t1.revoked_at is None
    assert backend_store.token_by_hash("hash-a") == t1
    later = T0 + timedelta(minutes=1)
    backend_store.touch_token(t1.id, now=later)
    assert backend_store.token_by_hash("hash-a").last_used_at == later  # type: ignore[union-attr]
    with pytest.raises(NotFoundError):
        backend_store.revoke_token(bob, t1.id, now=later)
    revoked = backend_store.revoke_token(alice, t1.id, now=later)
    assert revoked.revoked_at == later
    assert backend_store.revoke_token(alice, t1.id, now=later + timedelta(1)).revoked_at == later
    assert backend_store.token_by_hash("hash-a") is None
    assert [t.id for t in backend_store.list_tokens(alice)] == [t1.id, t2.id]
    assert backend_store.list_tokens(bob) == []
    with pytest.raises(NotFoundError):
        backend_store.add_token(alice + 100, "hash-c", now=T0)


def test_removing_a_user_takes_their_credentials_and_searches(backend_store: Store) -> None:
    alice, bob = _user(backend_store), _user(backend_store, "bob")
    backend_store.add_session("hash-1", "pub-1", alice, client="", now=T0)
    backend_store.add_token(alice, "hash-a", now=T0)
    backend_store.add_saved_search("mine", "copper", owner="alice")
    backend_store.add_alert("alert", "gold", owner="alice")
    kept = backend_store.add_saved_search("mine", "copper", owner="bob")
    backend_store.remove_user(alice)
    assert backend_store.find_user("alice") is None
    assert backend_store.session_by_key("hash-1") is None
    assert backend_store.token_by_hash("hash-a") is None
    assert backend_store.list_saved_searches(owner=None) == [kept]
    with pytest.raises(NotFoundError):
        backend_store.remove_user(alice)
    again = _user(backend_store, "alice")
    assert again != alice and backend_store.list_tokens(again) == []
    assert backend_store.get_user(again).recovery_left == 10 and bob
