"""`broadsheet user` and `broadsheet token`, each a real process on a temporary home: the
contract outside checks use (password on standard input; the token as the last line)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pyotp

from broadsheet.cli.exit_codes import ExitCode
from broadsheet.config import Settings
from broadsheet.service import open_service

PASSWORD = "correct horse battery staple"


def run(home: Path, *args: str, stdin: str = "", code: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "broadsheet.cli", "--home", str(home), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == code, done.stderr + done.stdout
    return done


def test_user_add_reads_the_password_and_prints_the_second_factor_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = run(home, "user", "add", "alice", "--admin", stdin=PASSWORD + "\nignored\n").stdout
    lines = out.splitlines()
    uri = next(line for line in lines if line.startswith("otpauth://"))
    parsed = urlparse(uri)
    assert parsed.netloc == "totp" and parsed.path == "/Broadsheet:alice"
    query = parse_qs(parsed.query)
    assert query["issuer"] == ["Broadsheet"]
    codes = [line.strip() for line in lines if line.startswith("  ")]
    assert len(codes) == 10 == len(set(codes))
    # the account works: password from stdin, a code from the printed key, a recovery code
    with open_service(Settings(home=home), enrich=False) as svc:
        code = pyotp.TOTP(query["secret"][0]).now()
        assert svc.login("alice", PASSWORD, code).user.admin
        assert svc.login("alice", PASSWORD, codes[0]).user.name == "alice"
    listed = run(home, "user", "list", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(x)["name"] for x in listed] == ["alice"]
    assert json.loads(listed[0])["has_second_factor"] is True


def test_bad_input_is_refused_clearly_and_nothing_is_made(tmp_path: Path) -> None:
    home = tmp_path / "home"
    short = run(home, "user", "add", "bob", stdin="too short\n", code=ExitCode.USAGE)
    assert "at least 12 characters" in short.stderr
    with open_service(Settings(home=home), enrich=False) as svc:
        assert svc.users() == []
        svc.add_user("bob", PASSWORD)
    again = run(home, "user", "add", "BOB", stdin=PASSWORD + "\n", code=ExitCode.ERROR)
    assert "already a user called 'BOB'" in again.stderr
    missing = run(home, "token", "add", "--user", "carol", code=ExitCode.NOT_FOUND)
    assert "no user called 'carol'" in missing.stderr
    with open_service(Settings(home=home), enrich=False) as svc:
        assert [u.name for u in svc.users()] == ["bob"] and svc.tokens("bob") == []


def test_tokens_end_to_end(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with open_service(Settings(home=home), enrich=False) as svc:
        svc.add_user("alice", PASSWORD)
    token = run(home, "token", "add", "--user", "alice", "--name", "reader").stdout
    token = token.splitlines()[-1]
    assert token.startswith("bst_")
    with open_service(Settings(home=home), enrich=False) as svc:
        user = svc.token_user(token)
        assert user is not None and user.name == "alice"
    listed = [
        json.loads(x)
        for x in run(home, "token", "list", "--user", "alice", "--format", "jsonl").stdout.split(
            "\n"
        )
        if x
    ]
    assert [(t["id"], t["label"], t["revoked"]) for t in listed] == [(1, "reader", False)]
    assert token not in json.dumps(listed)
    run(home, "token", "revoke", "1", "--user", "alice")
    with open_service(Settings(home=home), enrich=False) as svc:
        assert svc.token_user(token) is None


def test_passwd_reset_and_remove(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with open_service(Settings(home=home), enrich=False) as svc:
        first = svc.add_user("alice", PASSWORD).totp_uri
    run(home, "user", "passwd", "alice", stdin="a different passphrase\n")
    reset = run(home, "user", "reset-2fa", "alice", "--format", "json").stdout
    made = json.loads(reset.splitlines()[-1])
    assert made["user"]["name"] == "alice" and len(made["recovery_codes"]) == 10
    assert made["totp_uri"] not in first
    with open_service(Settings(home=home), enrich=False) as svc:
        secret = parse_qs(urlparse(made["totp_uri"]).query)["secret"][0]
        svc.login("alice", "a different passphrase", pyotp.TOTP(secret).now())
        svc.add_token("alice")
    run(home, "user", "remove", "alice")
    with open_service(Settings(home=home), enrich=False) as svc:
        assert svc.users() == []


def _expect(fd: int, wanted: str, seen: list[str], seconds: float = 60.0) -> None:
    """Read the terminal until ``wanted`` appears in what came since the last match."""
    import os
    import select
    import time

    deadline = time.monotonic() + seconds
    buffer = ""
    while wanted not in buffer:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, f"timed out waiting for {wanted!r}; got {buffer!r}"
        try:
            chunk = os.read(fd, 4096).decode("utf-8", "replace")
        except OSError:  # the child closed the terminal
            chunk = ""
        assert chunk, f"the command ended before {wanted!r}; got {buffer!r}"
        buffer += chunk
    seen.append(buffer)


def test_on_a_terminal_the_password_is_asked_twice(tmp_path: Path) -> None:
    import os
    import pty

    home = tmp_path / "home"
    pid, fd = pty.fork()
    if pid == 0:  # the child: broadsheet with the pseudo-terminal as its terminal
        os.execv(
            sys.executable,
            [sys.executable, "-m", "broadsheet.cli", "--home", str(home), "user", "add", "dana"],
        )
    seen: list[str] = []
    try:
        _expect(fd, "password:", seen)
        os.write(fd, f"{PASSWORD}\n".encode())
        _expect(fd, "Repeat for confirmation:", seen)
        os.write(fd, b"a different password entirely\n")
        _expect(fd, "password:", seen)  # a mismatch is asked again
        os.write(fd, f"{PASSWORD}\n".encode())
        _expect(fd, "Repeat for confirmation:", seen)
        os.write(fd, f"{PASSWORD}\n".encode())
        _expect(fd, "otpauth://", seen)
        while True:  # the rest of the output, to the end
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen.append(chunk.decode("utf-8", "replace"))
    except BaseException:
        os.kill(pid, signal.SIGKILL)  # never leave it waiting for a password
        raise
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    assert "do not match" in "".join(seen)
    assert PASSWORD not in "".join(seen)  # never echoed
    codes = re.findall(r"[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}", "".join(seen))
    assert len(set(codes)) == 10
    with open_service(Settings(home=home), enrich=False) as svc:
        assert [u.name for u in svc.users()] == ["dana"]
