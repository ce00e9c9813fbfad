"""`broadsheet serve --workers 2`: two server processes share the port and the home. A login
session, a Reader API edit token and the live stream work whichever process a connection
reaches: sessions live in the store, the workers share one Reader key, and each worker's
percolator publishes every new inbox item (its own and the other's) on its own stream."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from broadsheet.config import load_settings
from broadsheet.service import open_service

from .helpers import COPPER, Person, make_user, totp_now
from .test_live import SSE


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _broadsheet(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "broadsheet", "--home", str(home), "--no-enrich", *args]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    home = tmp_path_factory.mktemp("workers") / "home"
    with open_service(load_settings(None, {"home": home}), enrich=False) as svc:
        ann = make_user(svc, "ann")
        svc.add_alert("copper", "copper", owner="ann")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    port = _port()
    log = (home.parent / "serve.log").open("wb")
    server = subprocess.Popen(
        _broadsheet(home, "serve", "--port", str(port), "--workers", "2"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("serve did not start (see serve.log)") from None
                time.sleep(0.2)
        yield {"home": home, "url": f"http://127.0.0.1:{port}", "ann": ann, "pid": server.pid}
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _session(url: str, ann: Person) -> str:
    """Log in through the form; the session cookie (Secure: httpx keeps it off http)."""
    with httpx.Client(base_url=url) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token is not None
        done = client.post(
            "/login",
            data={
                "name": ann.name,
                "password": ann.password,
                "code": totp_now(ann),
                "csrf": token.group(1),
                "next": "/",
            },
            headers={"cookie": f"__Host-login-csrf={token.group(1)}"},
            follow_redirects=False,
        )
    assert done.status_code == 303, done.text[:300]
    found = re.search(r"__Host-session=([^;]+)", done.headers["set-cookie"])
    assert found is not None
    return found.group(1)


def test_two_worker_processes_serve_one_home(served: dict[str, Any]) -> None:
    deadline = time.monotonic() + 60
    while len(_children(served["pid"])) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(_children(served["pid"])) >= 2


def test_a_session_and_a_reader_token_hold_on_every_connection(served: dict[str, Any]) -> None:
    url, ann = served["url"], served["ann"]
    cookie = {"cookie": f"__Host-session={_session(url, ann)}"}
    reader = {"Authorization": f"GoogleLogin auth={ann.token}"}
    with httpx.Client(base_url=url) as first:
        edit = first.get("/reader/api/0/token", headers=reader).text
    for _ in range(12):  # a new connection each time: either process may take it
        with httpx.Client(base_url=url) as client:
            page = client.get("/inbox", headers=cookie)
            assert page.status_code == 200 and "Inbox" in page.text
            marked = client.post(
                "/reader/api/0/edit-tag",
                headers=reader,
                data={"i": "1", "a": "user/-/state/com.google/read", "T": edit},
            )
            assert marked.status_code == 200 and marked.text == "OK"


def test_every_stream_gets_the_alert_whichever_process_holds_it(
    served: dict[str, Any],
) -> None:
    url, ann, home = served["url"], served["ann"], served["home"]
    headers = {"Authorization": f"Bearer {ann.token}", "Accept": "text/event-stream"}
    streams = [SSE(f"{url}/api/v1/stream", headers) for _ in range(6)]
    assert all(s.status == 200 for s in streams)
    pages = home.parent / "pages"
    pages.mkdir()
    title, *paragraphs = COPPER
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    (pages / "copper.html").write_text(
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}"
        "</article></body></html>",
        "utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run(
        _broadsheet(home, "ingest", str(pages)), check=True, env=env, capture_output=True
    )
    for stream in streams:
        _, data = stream.next("alert.fired", timeout=60)
        assert data["owner"] == "ann" and data["name"] == "copper"
        stream.stop()
