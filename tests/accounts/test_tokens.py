"""API tokens: shown once, stored only as a hash, refused at once when revoked, last use
recorded, one user's tokens out of another's reach."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.accounts import hash_secret
from broadsheet.errors import NotFoundError
from broadsheet.service import Service

from .helpers import enrol


def test_tokens_are_kept_only_as_hashes(svc: Service, tmp_path: Path) -> None:
    enrol(svc, "alice")
    made = [svc.add_token("alice", f"app {n}") for n in range(3)]
    svc.revoke_token("alice", made[0].view.id)
    raw = b"".join(p.read_bytes() for p in (tmp_path / "home").glob("broadsheet.db*"))
    for new in made:
        assert new.token.startswith("bst_") and len(new.token) >= 40
        assert new.token.encode() not in raw
        assert new.token[4:].encode() not in raw
        assert hash_secret(new.token).encode() in raw  # what is kept instead


def test_a_revoked_token_is_refused_at_once(svc: Service) -> None:
    enrol(svc, "alice")
    kept, revoked = svc.add_token("alice", "kept"), svc.add_token("alice", "gone")
    assert svc.token_user(revoked.token) is not None
    view = svc.revoke_token("alice", revoked.view.id)
    assert view.revoked and view.revoked_at is not None
    assert svc.token_user(revoked.token) is None
    assert svc.token_user(kept.token) is not None
    # revoking again changes nothing
    assert svc.revoke_token("alice", revoked.view.id).revoked_at == view.revoked_at
    assert [t.revoked for t in svc.tokens("alice")] == [False, True]


def test_tokens_belong_to_one_user(svc: Service) -> None:
    enrol(svc, "alice")
    enrol(svc, "bob")
    alices = svc.add_token("alice")
    user = svc.token_user(alices.token)
    assert user is not None and user.name == "alice"
    with pytest.raises(NotFoundError):
        svc.revoke_token("bob", alices.view.id)
    assert svc.tokens("bob") == []
    assert svc.token_user(alices.token) is not None
    with pytest.raises(NotFoundError):
        svc.add_token("nobody")


def test_last_use_is_recorded(svc: Service) -> None:
    enrol(svc, "alice")
    made = svc.add_token("alice", "reader app")
    assert made.view.last_used_at is None
    svc.token_user(made.token)
    (listed,) = svc.tokens("alice")
    assert listed.last_used_at is not None and listed.label == "reader app"
    assert "token" not in listed.to_json() and made.to_json()["token"] == made.token


def test_unknown_and_malformed_tokens_are_nobody(svc: Service) -> None:
    enrol(svc, "alice")
    made = svc.add_token("alice")
    for junk in (
        "",
        "bst_",
        made.token + "x",
        made.token[:-1],
        "a" * 5000,
        hash_secret(made.token),
    ):
        assert svc.token_user(junk) is None
