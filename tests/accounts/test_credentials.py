"""Passwords (argon2id at or above the OWASP minimum, rehashed when the parameters rise),
names and passwords accepted or refused, recovery codes, CSRF tokens."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import extract_parameters

from broadsheet.accounts import Passwords, check_new_password, check_user_name, csrf_token
from broadsheet.accounts.credentials import (
    is_common_password,
    new_recovery_codes,
    normalise_recovery_code,
    totp_step_of,
)
from broadsheet.config import Settings, load_settings
from broadsheet.errors import ConfigError, InvalidRequestError
from broadsheet.service import Service, open_service

from .helpers import PASSWORD, T0, enrol


def test_stored_hashes_are_argon2id_at_the_owasp_minimum(svc: Service) -> None:
    enrol(svc, "alice")
    stored = svc.store.find_user("alice")
    assert stored is not None
    params = extract_parameters(stored.password_hash)
    assert stored.password_hash.startswith("$argon2id$v=19$")
    assert params.type.name == "ID"
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19456, 2, 1)
    assert PASSWORD not in stored.password_hash


def test_parameters_below_the_minimum_are_refused(tmp_path: Path) -> None:
    for low in ({"memory_kib": 19455}, {"time_cost": 1}, {"parallelism": 0}):
        with pytest.raises(ConfigError):
            Passwords(**low)  # type: ignore[arg-type]
    for key, value in (("argon2_memory_kib", 4096), ("argon2_time_cost", 1)):
        with pytest.raises(ConfigError):
            load_settings(None, {"home": tmp_path, "accounts": {key: value}})


def test_a_login_rehashes_when_the_parameters_rise(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with open_service(Settings(home=home), enrich=False) as before:
        alice = enrol(before, "alice")
        old_hash = before.store.find_user("alice").password_hash  # type: ignore[union-attr]
    raised = Settings(home=home, accounts={"argon2_time_cost": 3, "argon2_memory_kib": 20480})
    with open_service(raised, enrich=False) as after:
        after.login("alice", PASSWORD, alice.code(T0), now=T0)
        new_hash = after.store.find_user("alice").password_hash  # type: ignore[union-attr]
        assert new_hash != old_hash
        params = extract_parameters(new_hash)
        assert (params.memory_cost, params.time_cost) == (20480, 3)
        # the new hash verifies the same password (next step's code: the last one is spent)
        after.login("alice", PASSWORD, alice.code(T0, 1), now=T0)
        assert after.store.find_user("alice").password_hash == new_hash  # type: ignore[union-attr]


def test_an_unchanged_hash_is_not_rewritten(svc: Service) -> None:
    alice = enrol(svc, "alice")
    old_hash = svc.store.find_user("alice").password_hash  # type: ignore[union-attr]
    svc.login("alice", PASSWORD, alice.code(T0), now=T0)
    assert svc.store.find_user("alice").password_hash == old_hash  # type: ignore[union-attr]


def test_names_and_passwords() -> None:
    for good in ("alice", "a", "j.doe-2", "ops_team", "x@example.org", "A" * 64):
        assert check_user_name(good) == good
    for bad in ("", "-x", ".x", "a b", "a/b", "ü", "a\nb", "<script>", "A" * 65):
        with pytest.raises(InvalidRequestError):
            check_user_name(bad)
    assert check_new_password("tram sofa kiwi") == "tram sofa kiwi"
    assert check_new_password("x7#Lp9!qRz2@") == "x7#Lp9!qRz2@"
    assert check_new_password("pässwörd ünïcode ✓") == "pässwörd ünïcode ✓"
    for bad in ("x" * 11, "x" * 129, "twelve chars\x00"):
        with pytest.raises(InvalidRequestError):
            check_new_password(bad)
    with pytest.raises(InvalidRequestError):
        check_new_password("administrator", name="Administrator")


def test_the_commonest_long_passwords_are_refused() -> None:
    common = [
        "password1234",
        "Password123!",
        "P@ssw0rd2024!",
        "123456789012",
        "987654321098",
        "abcdefghijkl",
        "qwertyuiopas",
        "qwerty123456",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "zxcvbnm12345",
        "aaaaaaaaaaaa",
        "abababababab",
        "iloveyou1234",
        "broadsheet2024",
        "adminadmin12",
        "alice1234567",  # the user's name with digits
    ]
    for password in common:
        assert is_common_password(password, name="alice"), password
        with pytest.raises(InvalidRequestError, match="first any attacker tries"):
            check_new_password(password, name="alice")
    fine = [
        "correct horse battery staple",
        "tram sofa kiwi",
        "x7#Lp9!qRz2@",
        "wrong password 00",  # a common word, but more around it
        "alice in the kitchen at noon",
        "café au lait, s'il vous plaît",
    ]
    for password in fine:
        assert not is_common_password(password, name="alice"), password


def test_add_user_refuses_bad_input_and_existing_names(svc: Service) -> None:
    enrol(svc, "alice")
    with pytest.raises(InvalidRequestError):
        svc.add_user("bob", "too short")
    with pytest.raises(InvalidRequestError):
        svc.add_user("bad name", PASSWORD)
    from broadsheet.errors import AlreadyExistsError

    for taken in ("alice", "ALICE", "Alice"):
        with pytest.raises(AlreadyExistsError, match="already a user"):
            svc.add_user(taken, PASSWORD)
    assert [u.name for u in svc.users()] == ["alice"]


def test_recovery_codes_are_random_and_typed_loosely() -> None:
    codes = new_recovery_codes()
    assert len(codes) == 10 == len(set(codes))
    for code in codes:
        assert len(code) == 19 and code.count("-") == 3
        assert normalise_recovery_code(code.upper().replace("-", " ")) == code
        assert normalise_recovery_code(code.replace("-", "")) == code


def test_totp_window_is_one_step() -> None:
    import pyotp

    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    at = T0.timestamp()
    step = int(at // 30)
    for offset in (-1, 0, 1):
        assert totp_step_of(secret, totp.at(at + 30 * offset), at) == step + offset
    for offset in (-2, 2, 10):
        code = totp.at(at + 30 * offset)
        if all(code != totp.at(at + 30 * k) for k in (-1, 0, 1)):
            assert totp_step_of(secret, code, at) is None
    assert totp_step_of(secret, "abcdef", at) is None
    assert totp_step_of(secret, "12345", at) is None


def test_csrf_tokens_are_bound_to_their_session() -> None:
    assert csrf_token("session-one") == csrf_token("session-one")
    assert csrf_token("session-one") != csrf_token("session-two")
    assert len(csrf_token("s")) >= 43


def test_views_never_carry_hashes(svc: Service) -> None:
    alice = enrol(svc, "alice")
    stored = svc.store.find_user("alice")
    assert stored is not None
    text = repr(
        [
            alice.made.user.to_json(),
            svc.users()[0].to_json(),
            svc.add_token("alice").view.to_json(),
            [t.to_json() for t in svc.tokens("alice")],
        ]
    )
    assert stored.password_hash not in text and "argon2" not in text
    assert alice.secret not in text
