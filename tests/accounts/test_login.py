"""Logging in: password and second factor (TOTP ±1 step, no replay; recovery codes once),
one answer for every failure, and the throttle (5 failures per account per 5 minutes,
whatever the client address, known user or not)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from broadsheet.errors import AuthError, ThrottledError
from broadsheet.service import Service

from .helpers import PASSWORD, T0, Enrolled, enrol


def test_a_code_of_the_step_before_now_or_after_is_accepted(svc: Service) -> None:
    alice = enrol(svc, "alice")
    # each login uses a later step than the last (a used step cannot come back)
    for n, offset in enumerate((-1, 0, 1)):
        at = T0 + timedelta(minutes=5 * n)
        login = svc.login("alice", PASSWORD, alice.code(at, offset), now=at)
        assert login.user.name == "alice" and login.session and login.csrf


def test_a_code_two_steps_away_is_refused(svc: Service) -> None:
    alice = enrol(svc, "alice")
    near = {alice.code(T0, k) for k in (-1, 0, 1)}
    for offset in (-2, 2):
        code = alice.code(T0, offset)
        if code in near:  # a 1-in-a-million coincidence of two steps' codes
            continue
        with pytest.raises(AuthError):
            svc.login("alice", PASSWORD, code, now=T0)


def test_a_used_code_is_refused_and_so_is_an_older_one(svc: Service) -> None:
    alice = enrol(svc, "alice")
    code = alice.code(T0)
    svc.login("alice", PASSWORD, code, now=T0)
    with pytest.raises(AuthError):
        svc.login("alice", PASSWORD, code, now=T0)  # replayed
    with pytest.raises(AuthError):
        svc.login("alice", PASSWORD, code, now=T0 + timedelta(seconds=20))  # still in window
    older = alice.code(T0, -1)
    if older != code:
        with pytest.raises(AuthError):
            svc.login("alice", PASSWORD, older, now=T0)  # an earlier step than the last used
    svc.login("alice", PASSWORD, alice.code(T0, 1), now=T0 + timedelta(seconds=30))


def test_concurrent_replays_of_one_code_let_one_in(svc: Service) -> None:
    alice = enrol(svc, "alice")
    code = alice.code(T0)
    results: list[str] = []

    def attempt() -> None:
        try:
            svc.login("alice", PASSWORD, code, now=T0)
            results.append("in")
        except AuthError:
            results.append("refused")

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["in", "refused", "refused", "refused"]


def test_recovery_codes_work_once_each(svc: Service) -> None:
    alice = enrol(svc, "alice")
    first, second = alice.made.recovery_codes[:2]
    svc.login("alice", PASSWORD, first, now=T0)
    with pytest.raises(AuthError):
        svc.login("alice", PASSWORD, first, now=T0)
    svc.login("alice", PASSWORD, f"  {second.upper().replace('-', ' ')} ", now=T0)
    assert svc.recovery_codes_left("alice") == 8
    with pytest.raises(AuthError):
        svc.login("alice", PASSWORD, "aaaa-bbbb-cccc-dddd", now=T0)


def test_a_reset_second_factor_replaces_the_old_one(svc: Service) -> None:
    alice = enrol(svc, "alice")
    old_code, old_recovery = alice.code(T0), alice.made.recovery_codes[0]
    alice.made = svc.reset_second_factor("alice")
    assert alice.made.recovery_codes[0] != old_recovery
    if old_code != alice.code(T0):
        with pytest.raises(AuthError):
            svc.login("alice", PASSWORD, old_code, now=T0)
    with pytest.raises(AuthError):
        svc.login("alice", PASSWORD, old_recovery, now=T0)
    svc.login("alice", PASSWORD, alice.code(T0), now=T0)


def test_every_failure_gets_the_same_answer(svc: Service) -> None:
    alice = enrol(svc, "alice")
    answers = set()
    cases = [
        ("alice", "wrong password here", alice.code(T0)),  # wrong password
        ("alice", PASSWORD, "000000" if alice.code(T0) != "000000" else "111111"),  # bad code
        ("alice", PASSWORD, ""),  # no code
        ("nobody", PASSWORD, alice.code(T0)),  # unknown user
        ("", "", ""),
    ]
    for name, password, code in cases:
        with pytest.raises(AuthError) as caught:
            svc.login(name, password, code, now=T0)
        answers.add((type(caught.value), str(caught.value)))
    assert answers == {(AuthError, "wrong name, password or code")}


def test_an_unknown_user_costs_a_real_argon2_verification(svc: Service) -> None:
    alice = enrol(svc, "alice")
    svc.login("alice", PASSWORD, alice.code(T0), now=T0)
    # the dummy hash is made before the first login of any name, known or not
    assert svc.accounts.passwords._dummy is not None
    with pytest.raises(AuthError):
        svc.login("nobody", PASSWORD, "123456", now=T0)
    dummy = svc.accounts.passwords._dummy  # the hash verified against, for the timing
    assert dummy is not None and dummy.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_five_failures_throttle_the_account_even_for_the_right_password(svc: Service) -> None:
    alice = enrol(svc, "alice")
    for n in range(5):
        with pytest.raises(AuthError):
            svc.login("alice", f"wrong password {n:02d}", alice.code(T0), now=T0)
    with pytest.raises(ThrottledError) as caught:
        svc.login("alice", PASSWORD, alice.code(T0), now=T0 + timedelta(seconds=10))
    assert 280 <= caught.value.retry_after <= 300
    # case does not open a second account's worth of attempts
    with pytest.raises(ThrottledError):
        svc.login("ALICE", PASSWORD, alice.code(T0), now=T0 + timedelta(seconds=10))
    # the window slides: 5 minutes after the failures, the right credentials work again
    later = T0 + timedelta(seconds=301)
    assert svc.login("alice", PASSWORD, alice.code(later), now=later).user.name == "alice"


def test_failures_spread_over_many_addresses_count_together(svc: Service) -> None:
    alice = enrol(svc, "alice")
    outcomes = []
    for n in range(20):
        client = f"10.0.{n}.{n + 1} attacker/{n}"
        try:
            svc.login("alice", f"guess number {n:03d}", "123456", client=client, now=T0)
        except ThrottledError:
            outcomes.append("throttled")
        except AuthError:
            outcomes.append("refused")
    assert outcomes == ["refused"] * 5 + ["throttled"] * 15
    with pytest.raises(ThrottledError):
        svc.login("alice", PASSWORD, alice.code(T0), client="192.0.2.7", now=T0)
    # another account is not affected
    enrol(svc, "bob")
    assert svc.users()[1].name == "bob"


def test_unknown_users_are_throttled_the_same_way(svc: Service) -> None:
    known = enrol(svc, "alice")

    def outcomes(name: str) -> list[str]:
        seen = []
        for n in range(8):
            try:
                svc.login(name, f"guess number {n:03d}", "123456", client=f"10.1.0.{n}", now=T0)
            except ThrottledError as exc:
                seen.append(f"throttled {type(exc).__name__} {int(exc.retry_after)}")
            except AuthError as exc:
                seen.append(f"refused {exc}")
        return seen

    assert known.name == "alice"
    assert outcomes("alice") == outcomes("mallory")


def test_concurrent_guesses_cannot_pass_the_limit(svc: Service) -> None:
    enrol(svc, "alice")
    outcomes: list[str] = []

    def guess(n: int) -> None:
        try:
            svc.login("alice", f"parallel guess {n:03d}", "123456", now=T0)
        except ThrottledError:
            outcomes.append("throttled")
        except AuthError:
            outcomes.append("refused")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("refused") == 5 and outcomes.count("throttled") == 7


def test_a_success_does_not_count_as_a_failure(svc: Service) -> None:
    alice = enrol(svc, "alice")
    for n in range(4):
        with pytest.raises(AuthError):
            svc.login("alice", f"wrong password {n:02d}", "123456", now=T0)
    svc.login("alice", PASSWORD, alice.code(T0), now=T0)  # the 5th attempt, a success
    with pytest.raises(AuthError):  # so one more failure is still allowed ...
        svc.login("alice", "wrong password 99", "123456", now=T0)
    with pytest.raises(ThrottledError):  # ... and then no more
        svc.login("alice", PASSWORD, alice.code(T0, 1), now=T0)


def test_a_password_is_the_same_however_its_accents_are_typed(svc: Service) -> None:
    composed = "caf\u00e9 au lait, s'il vous pla\u00eet"
    decomposed = "cafe\u0301 au lait, s'il vous plai\u0302t"
    assert composed != decomposed
    zoe = Enrolled("zoe", composed, svc.add_user("zoe", composed))
    assert svc.login("zoe", decomposed, zoe.code(T0), now=T0).user.name == "zoe"


def test_changing_ones_own_password_needs_the_current_one(svc: Service) -> None:
    alice = enrol(svc, "alice")
    kept = svc.login("alice", PASSWORD, alice.code(T0), now=T0)
    with pytest.raises(AuthError):
        svc.change_password("alice", "not the password", "a brand new passphrase")
    svc.change_password("alice", PASSWORD, "a brand new passphrase", keep_session=kept.session)
    assert svc.session_user(kept.session, now=T0) is not None
    at = T0 + timedelta(minutes=1)
    svc.login("alice", "a brand new passphrase", alice.code(at), now=at)
