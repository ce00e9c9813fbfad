"""The pages in process, and the account scenarios of RELIABILITY.md through the web:
strict headers on every HTML response (error pages too), login with a second factor and
its cookie (23), throttling (21), replayed and stale codes (22), stored hashes (20, 25),
and each user's pages showing only their own (26)."""

from __future__ import annotations

import re
import sqlite3
import time
import warnings
from pathlib import Path
from typing import Any

import pyotp
import pytest

with warnings.catch_warnings():  # starlette's notice about httpx's successor
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from broadsheet.web.security import CSP

from .helpers import Person, csrf_of, login, store_story, story

STRICT = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def _strict(response: Any) -> None:
    for name, value in STRICT.items():
        assert response.headers.get(name) == value, (response.url, name)
    csp = response.headers["content-security-policy"]
    for part in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert part in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    if "text/html" in response.headers.get("content-type", ""):
        # no inline script or style, no event handler attributes
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.text)
        assert "<style" not in response.text and " style=" not in response.text
        assert not re.search(r"\son[a-z]+=", response.text)


def _form_token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _login_post(client: TestClient, person: Person, code: str, password: str | None = None) -> Any:
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "name": person.name,
            "password": password or person.password,
            "code": code,
            "csrf": _form_token(page.text),
        },
        follow_redirects=False,
    )


def test_every_page_and_error_page_carries_the_strict_headers(
    client: TestClient, ann: Person, copper: int
) -> None:
    # logged out: the login page, redirects, a 404 page, static files, JSON errors
    for path in (
        "/login",
        "/",
        "/nope",
        "/static/app.js",
        "/static/app.css",
        "/api/v1/alerts",
        "/openapi.json",
        "/reader/api/0/user-info",
    ):
        _strict(client.get(path, follow_redirects=False))
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert login(client, ann).status_code == 303
    pages = [
        "/",
        "/search?q=copper",
        "/search?q=copper+AND+(",
        f"/articles/{copper}",
        "/articles/999999",
        "/people/Maria%20Lopez",
        "/people/Nobody",
        "/companies/AAPL",
        "/companies/NOPE-NOPE",
        "/alerts",
        "/alerts?preview=copper",
        "/inbox",
        "/sources",
        "/account",
        "/admin",
        "/nope",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404, 422), (path, response.status_code)
        _strict(response)
    crash = client.post("/inbox/read", data={"csrf": csrf_of(client), "ids": "x"})
    _strict(crash)


def test_login_cookie_and_a_new_session_each_time(client: TestClient, ann: Person) -> None:
    """Scenario 23: the cookie is __Host-, Secure, HttpOnly, SameSite; each login makes a
    new session id; after logout the old id is refused."""
    first = login(client, ann)
    assert first.status_code == 303 and first.headers["location"] == "/"
    cookie = next(
        c for c in first.headers.get_list("set-cookie") if c.startswith("__Host-session=")
    )
    attrs = {a.strip().split("=")[0].lower() for a in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path"} <= attrs and "domain" not in attrs
    assert "samesite=lax" in cookie.lower() and "path=/" in cookie.lower()
    old = client.cookies.get("__Host-session")
    assert client.get("/").status_code == 200
    out = client.post("/logout", data={"csrf": csrf_of(client)}, follow_redirects=False)
    assert out.status_code == 303
    with TestClient(client.app, base_url="https://testserver") as thief:
        thief.cookies.set("__Host-session", old)
        assert thief.get("/", follow_redirects=False).status_code == 303
        assert thief.get("/api/v1/me").status_code == 401
    second = login(client, ann)
    assert second.status_code == 303
    assert client.cookies.get("__Host-session") not in (None, old)


def test_login_page_errors_and_a_safe_next(client: TestClient, ann: Person) -> None:
    bad = _login_post(client, ann, "000000", password="wrong")
    assert bad.status_code == 401 and "Wrong name, password or code." in bad.text
    _strict(bad)
    ok = login(client, ann, next_path="//evil.example/")
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    # a login form without its double-submit token is refused
    fresh = TestClient(client.app, base_url="https://testserver")
    refused = fresh.post("/login", data={"name": "ann", "password": "x", "code": "1"})
    assert refused.status_code == 403


def test_throttled_after_five_failures_and_unknown_users_look_the_same(
    client: TestClient, ann: Person
) -> None:
    """Scenario 21 through the login form: at most 5 failures per account in 5 minutes,
    also from many addresses; an unknown user gets the same answers."""
    ghost = Person("ghost", "whatever password", ann.totp, [])
    answers: dict[str, list[tuple[int, str]]] = {"ann": [], "ghost": []}
    for who in (ann, ghost):
        for i in range(20):
            response = _login_post(client, who, "123456", password=f"wrong {i}")
            message = re.search(r'id="login-error">([^<]+)<', response.text)
            answers[who.name].append((response.status_code, message.group(1) if message else ""))
    for name in answers:
        statuses = [s for s, _ in answers[name]]
        assert statuses[:5] == [401] * 5, (name, statuses)
        assert set(statuses[5:]) == {429}, (name, statuses)
    assert answers["ann"] == answers["ghost"]
    # now even the right password and code is refused (throttled), not let through
    assert _login_post(client, ann, ann.totp.now()).status_code == 429


def test_a_replayed_or_stale_code_is_refused(client: TestClient, ann: Person) -> None:
    """Scenario 22: a used TOTP code is refused; so is a code two steps old."""
    code = ann.totp.now()
    assert _login_post(client, ann, code).status_code == 303
    with TestClient(client.app, base_url="https://testserver") as other:
        assert _login_post(other, ann, code).status_code == 401
        stale = ann.totp.at(time.time() - 60)
        assert _login_post(other, ann, stale).status_code == 401
        recovery = ann.recovery[0]
        assert _login_post(other, ann, recovery).status_code == 303
    with TestClient(client.app, base_url="https://testserver") as third:
        assert _login_post(third, ann, recovery).status_code == 401


def test_the_database_keeps_only_hashes(
    svc: Any, home: Path, ann: Person, client: TestClient
) -> None:
    """Scenarios 20 and 25: argon2id at or above OWASP's minimum; API tokens, sessions and
    recovery codes appear in a dump of the database only as hashes."""
    login(client, ann)
    session = client.cookies.get("__Host-session")
    db = next(home.rglob("*.db"), None) or next(home.rglob("*.sqlite*"))
    conn = sqlite3.connect(db)
    dump = "\n".join(conn.iterdump())
    hashes = [r[0] for r in conn.execute("SELECT password_hash FROM users")]
    conn.close()
    for secret in (ann.token, session, ann.password, *ann.recovery):
        assert secret and secret not in dump
    assert hashes
    for h in hashes:
        m = re.match(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", h)
        assert m is not None, h
        assert int(m.group(1)) >= 19 * 1024 and int(m.group(2)) >= 2 and int(m.group(3)) >= 1


def test_the_pages_show_the_archive(client: TestClient, ann: Person, svc: Any, copper: int) -> None:
    login(client, ann)
    top = client.get("/")
    assert "Copper prices jump" in top.text and f"/articles/{copper}" in top.text
    results = client.get("/search", params={"q": "copper"})
    assert "<mark>Copper</mark>" in results.text or "<mark>copper</mark>" in results.text
    bad = client.get("/search", params={"q": "copper AND ("})
    assert bad.status_code == 422 and "at position 11" in bad.text
    assert '<mark class="at">' in bad.text
    article = client.get(f"/articles/{copper}").text
    for kind in ("person", "org", "quote", "fact", "ticker"):
        assert f'class="hl {kind}"' in article, kind
    assert "Behind each highlight" in article and "said Maria Lopez" in article
    assert 'href="/people/Maria%20Lopez"' in article and 'href="/companies/AAPL"' in article
    person = client.get("/people/Maria Lopez").text
    assert "We will not go back" in person
    company = client.get("/companies/AAPL").text
    assert '<svg class="chart"' in company and "<polyline" in company
    preview = client.get("/alerts", params={"preview": "copper", "name": "cu"}).text
    assert "Would have fired <strong>1</strong>" in preview
    saved = client.post(
        "/alerts",
        data={"csrf": _form_token(preview), "name": "cu", "query": "copper"},
        follow_redirects=True,
    )
    assert "Saved “cu”" in saved.text and "<code>copper</code>" in saved.text
    alert_id = re.search(r'id="alert-(\d+)"', saved.text).group(1)
    paused = client.post(
        f"/alerts/{alert_id}/pause", data={"csrf": _form_token(saved.text)}, follow_redirects=True
    )
    assert "Paused “cu”" in paused.text and ">paused<" in paused.text
    assert "Nothing yet" in client.get("/inbox").text
    assert "No sources yet." in client.get("/sources").text
    account = client.get("/account").text
    assert "this session" in account and "recovery codes left" in account.replace(
        "code left", "codes left"
    )
    made = client.post("/account/tokens", data={"csrf": _form_token(account), "label": "phone"})
    token = re.search(r'<pre id="new-token">([^<]+)</pre>', made.text).group(1)
    assert svc.token_user(token).name == "ann"
    admin = client.get("/admin").text
    added = client.post(
        "/admin/users",
        data={"csrf": _form_token(admin), "name": "cy", "password": "cy's long password 123"},
    )
    assert "otpauth://totp/" in added.text and svc.user("cy").name == "cy"


def test_change_password_needs_the_old_one(app: Any, client: TestClient, ann: Person) -> None:
    login(client, ann)
    token = csrf_of(client)
    with TestClient(app, base_url="https://testserver") as other:
        login(other, ann)
        wrong = client.post(
            "/account/password",
            data={"csrf": token, "current": "nope", "new": "a new long password 42"},
            follow_redirects=True,
        )
        assert "Not changed: wrong password" in wrong.text
        assert other.get("/api/v1/me").status_code == 200
        done = client.post(
            "/account/password",
            data={"csrf": token, "current": ann.password, "new": "a new long password 42"},
            follow_redirects=True,
        )
        assert "Password changed" in done.text
        assert client.get("/api/v1/me").status_code == 200  # this session stays
        assert other.get("/api/v1/me").status_code == 401  # the others end
    ann.password = "a new long password 42"
    with TestClient(app, base_url="https://testserver") as again:
        assert login(again, ann).status_code == 303


def test_a_new_second_factor_needs_the_password_and_a_code(
    app: Any, client: TestClient, ann: Person
) -> None:
    login(client, ann)
    token = csrf_of(client)
    wrong = client.post(
        "/account/second-factor",
        data={"csrf": token, "current": "nope", "code": "123456"},
        follow_redirects=True,
    )
    assert "Not renewed" in wrong.text
    made = client.post(
        "/account/second-factor",
        data={"csrf": token, "current": ann.password, "code": ann.recovery.pop()},
    )
    uri = re.search(r'<code id="totp-uri">([^<]+)</code>', made.text)
    assert uri is not None
    codes = re.findall(r"<li><code>([^<]+)</code></li>", made.text)
    assert len(codes) == 10
    old_recovery = ann.recovery.pop()
    ann.totp = pyotp.parse_uri(uri.group(1).replace("&amp;", "&"))
    with TestClient(app, base_url="https://testserver") as again:
        page = again.get("/login")
        refused = again.post(
            "/login",
            data={
                "name": "ann",
                "password": ann.password,
                "code": old_recovery,
                "csrf": _form_token(page.text),
            },
            follow_redirects=False,
        )
        assert refused.status_code == 401
        ann.recovery = codes
        assert login(again, ann).status_code == 303
    assert client.get("/api/v1/me").status_code == 200


def test_pages_show_only_the_users_own(app: Any, svc: Any, ann: Person, bob: Person) -> None:
    """Scenario 26 through the pages."""
    svc.add_alert("secret-copper", "copper", owner="ann")
    store_story(svc, story("Copper again", "Copper rose.", url="https://ledger.example/again"))
    deadline = time.monotonic() + 10
    while not svc.inbox(owner="ann").items and time.monotonic() < deadline:
        time.sleep(0.1)
    assert svc.inbox(owner="ann").items
    with TestClient(app, base_url="https://testserver") as as_bob:
        login(as_bob, bob)
        assert "secret-copper" not in as_bob.get("/alerts").text
        assert "secret-copper" not in as_bob.get("/inbox").text
        assert "Copper again" not in as_bob.get("/inbox").text
        token = csrf_of(as_bob)
        ann_alert = svc.alerts(owner="ann")[0].search.id
        for action in ("pause", "remove"):
            r = as_bob.post(f"/alerts/{ann_alert}/{action}", data={"csrf": token})
            assert r.status_code == 404
        assert as_bob.get("/admin").status_code == 403
    assert svc.alerts(owner="ann")[0].search.active


@pytest.mark.parametrize("path", ["/api/v1/alerts", "/reader/api/0/user-info"])
def test_json_errors_keep_the_shape(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert set(response.json()["error"]) >= {"code", "message"}
