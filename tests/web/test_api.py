"""The REST API in process (real SQLite, the real service): every route, the contract
outside checks use, cursor pagination, the one error shape, CSRF on cookie state changes,
tokens and sessions, and each user seeing only their own alerts and inbox."""

from __future__ import annotations

import re
import time
import warnings
from typing import Any

with warnings.catch_warnings():  # starlette's notice about httpx's successor
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from .helpers import Person, csrf_of, login, store_story, story


def _error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


def _concrete(path: str) -> str:
    return (
        path.replace("{article_id}", "1")
        .replace("{name}", "Maria%20Lopez")
        .replace("{ticker}", "AAPL")
        .replace("{source_id}", "1")
        .replace("{alert}", "1")
        .replace("{session_id}", "x")
        .replace("{token_id}", "1")
    )


def test_every_api_route_answers_401_without_credentials(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    seen = 0
    for path, methods in spec["paths"].items():
        assert path.startswith("/api/v1/")
        for method in methods:
            response = client.request(method.upper(), _concrete(path), json={})
            _error(response, 401, "unauthorized")
            seen += 1
    assert seen >= 25
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "cookie"}
    assert spec["components"]["securitySchemes"]["cookie"]["name"] == "__Host-session"


def test_a_wrong_or_malformed_token_is_401(client: TestClient) -> None:
    for header in ("Bearer nope", "Bearer ", "Basic YTpi", "Bearer bst_" + "x" * 40):
        _error(client.get("/api/v1/alerts", headers={"Authorization": header}), 401)


def test_search_contract_and_cursor_pagination(api: TestClient, svc: Any, copper: int) -> None:
    for n in range(3):
        store_story(
            svc,
            story(
                f"Copper smelter {n} restarts",
                f"Copper output resumed at plant {n}.",
                url=f"https://ledger.example/smelter-{n}",
            ),
        )
    first = api.get("/api/v1/search", params={"q": "copper", "limit": 2})
    assert first.status_code == 200
    page = first.json()
    assert page["total"] == 4 and len(page["items"]) == 2 and page["next_cursor"]
    for item in page["items"]:
        assert {"id", "headline", "source", "published_at"} <= set(item)
    seen = [i["id"] for i in page["items"]]
    while page["next_cursor"]:
        page = api.get(
            "/api/v1/search", params={"q": "copper", "limit": 2, "cursor": page["next_cursor"]}
        ).json()
        seen += [i["id"] for i in page["items"]]
    assert len(seen) == len(set(seen)) == 4 and copper in seen
    _error(api.get("/api/v1/search", params={"q": "x", "cursor": "garbage!"}), 422)


def test_a_malformed_query_is_422_with_its_position(api: TestClient) -> None:
    err = _error(api.get("/api/v1/search", params={"q": "copper AND ("}), 422, "query_syntax")
    assert err["position"] == 11
    _error(api.get("/api/v1/search"), 422, "invalid_request")


def test_articles_people_companies_prices(api: TestClient, copper: int) -> None:
    listing = api.get("/api/v1/articles").json()
    assert [i["id"] for i in listing["items"]] == [copper] and listing["next_cursor"] is None
    art = api.get(f"/api/v1/articles/{copper}").json()
    assert art["id"] == copper and art["headline"].startswith("Copper prices jump")
    assert {e["name"] for e in art["entities"]} >= {"Maria Lopez", "Harbor Capital"}
    assert art["quotes"][0]["speaker"] == "Maria Lopez" and art["quotes"][0]["sentence"]
    _error(api.get("/api/v1/articles/999999"), 404, "not_found")
    top = api.get("/api/v1/top").json()
    assert top["items"][0]["lead"]["id"] == copper
    person = api.get("/api/v1/people/Maria Lopez").json()
    assert person["name"] == "Maria Lopez"
    _error(api.get("/api/v1/people/Nobody Atall"), 404)
    quotes = api.get("/api/v1/quotes", params={"q": "by:Lopez"}).json()
    assert quotes["items"][0]["speaker"] == "Maria Lopez"
    company = api.get("/api/v1/companies/AAPL").json()
    assert company["ticker"] == "AAPL" and company["last"]["close"] > 0
    prices = api.get("/api/v1/prices/AAPL", params={"start": "2013-01-01"}).json()
    assert prices["ticker"] == "AAPL" and prices["bars"][0]["date"] >= "2013-01-01"
    chart = api.get("/api/v1/prices/AAPL/chart", params={"start": "2013-01-01"}).json()
    assert chart["bars"] and "markers" in chart
    _error(api.get("/api/v1/companies/NO-SUCH-CO"), 404)
    _error(api.get("/api/v1/prices/AAPL", params={"start": "yesterday"}), 422)


def test_sources_are_listed_and_only_admins_change_them(
    api: TestClient, app: Any, bob: Person
) -> None:
    assert api.get("/api/v1/sources").json() == {"items": [], "next_cursor": None}
    # loopback is refused by the fetcher's guard: a clear 422, nothing stored
    _error(api.post("/api/v1/sources", json={"url": "http://127.0.0.1:9/feed"}), 422)
    with TestClient(
        app, base_url="https://testserver", headers={"Authorization": f"Bearer {bob.token}"}
    ) as as_bob:
        _error(as_bob.post("/api/v1/sources", json={"url": "https://x.example/f"}), 403)
        _error(as_bob.delete("/api/v1/sources/1"), 403)
    _error(api.delete("/api/v1/sources/12345"), 404)


def test_alerts_contract_and_lifecycle(api: TestClient, svc: Any, copper: int) -> None:
    made = api.post("/api/v1/alerts", json={"name": "copper", "query": "copper"})
    assert made.status_code == 201, made.text
    alert = made.json()
    assert {"id", "name", "query"} <= set(alert) and alert["owner"] == "ann"
    listed = api.get("/api/v1/alerts").json()
    assert [(a["id"], a["name"], a["query"]) for a in listed["items"]] == [
        (alert["id"], "copper", "copper")
    ]
    assert api.get(f"/api/v1/alerts/{alert['id']}").json()["name"] == "copper"
    assert api.get("/api/v1/alerts/copper").json()["id"] == alert["id"]
    assert api.post("/api/v1/alerts/copper/pause").json()["state"] == "paused"
    assert api.post("/api/v1/alerts/copper/resume").json()["state"] == "active"
    preview = api.get("/api/v1/alerts/preview", params={"q": "copper"}).json()
    assert preview["matches"] == 1 and preview["examples"][0]["id"] == copper
    _error(api.post("/api/v1/alerts", json={"name": "bad", "query": "copper AND ("}), 422)
    _error(api.post("/api/v1/alerts", json={"name": "only query"}), 422, "invalid_request")
    _error(
        api.post(
            "/api/v1/alerts", content=b"{not json", headers={"content-type": "application/json"}
        ),
        422,
    )
    assert api.delete("/api/v1/alerts/copper").json()["name"] == "copper"
    _error(api.get("/api/v1/alerts/copper"), 404)


def test_the_inbox_fills_and_is_marked_read(api: TestClient, svc: Any) -> None:
    api.post("/api/v1/alerts", json={"name": "strike", "query": "strike"})
    store_story(
        svc,
        story(
            "Dock strike spreads",
            "The strike spread to two more ports.",
            url="https://ledger.example/dock",
        ),
    )
    deadline = time.monotonic() + 10
    items: list[dict[str, Any]] = []
    while not items and time.monotonic() < deadline:
        items = api.get("/api/v1/inbox").json()["items"]
        time.sleep(0.1)
    assert len(items) == 1 and items[0]["alert"] == "strike" and not items[0]["read"]
    done = api.post("/api/v1/inbox/read", json={"ids": [items[0]["id"]]})
    assert done.json() == {"changed": 1}
    assert api.get("/api/v1/inbox", params={"unread": True}).json()["items"] == []
    _error(api.post("/api/v1/inbox/read", json={"ids": [987654]}), 404)
    _error(api.post("/api/v1/inbox/read", json={"ids": []}), 422)


def test_each_user_sees_only_their_own(app: Any, api: TestClient, svc: Any, bob: Person) -> None:
    """Scenario 26 through the API: B cannot read, change or list A's alerts or inbox."""
    mine = api.post("/api/v1/alerts", json={"name": "copper", "query": "copper"}).json()
    store_story(svc, story("Copper rally", "Copper rallied.", url="https://ledger.example/r"))
    deadline = time.monotonic() + 10
    while not api.get("/api/v1/inbox").json()["items"] and time.monotonic() < deadline:
        time.sleep(0.1)
    ann_items = api.get("/api/v1/inbox").json()["items"]
    assert ann_items
    with TestClient(
        app, base_url="https://testserver", headers={"Authorization": f"Bearer {bob.token}"}
    ) as as_bob:
        assert as_bob.get("/api/v1/alerts").json()["items"] == []
        assert as_bob.get("/api/v1/inbox").json()["items"] == []
        for ref in (mine["id"], "copper"):
            _error(as_bob.get(f"/api/v1/alerts/{ref}"), 404)
            _error(as_bob.post(f"/api/v1/alerts/{ref}/pause"), 404)
            _error(as_bob.delete(f"/api/v1/alerts/{ref}"), 404)
        _error(as_bob.post("/api/v1/inbox/read", json={"ids": [ann_items[0]["id"]]}), 404)
        # bob may use the same name for his own alert
        assert (
            as_bob.post("/api/v1/alerts", json={"name": "copper", "query": "x"}).status_code == 201
        )
    assert api.get("/api/v1/alerts/copper").json()["query"] == "copper"
    assert api.get("/api/v1/inbox").json()["items"][0]["read"] is False


def test_tokens_are_made_listed_and_revoked_at_once(api: TestClient, app: Any) -> None:
    made = api.post("/api/v1/tokens", json={"label": "phone"}).json()
    assert made["token"] and made["label"] == "phone"
    listed = api.get("/api/v1/tokens").json()["items"]
    assert all("token" not in t for t in listed) and "phone" in {t["label"] for t in listed}
    with TestClient(
        app, base_url="https://testserver", headers={"Authorization": f"Bearer {made['token']}"}
    ) as phone:
        assert phone.get("/api/v1/me").json()["name"] == "ann"
        started = time.monotonic()
        assert api.delete(f"/api/v1/tokens/{made['id']}").json()["revoked"] is True
        _error(phone.get("/api/v1/me"), 401)
        assert time.monotonic() - started < 1.0  # scenario 25: refused within 1 s
    _error(api.delete("/api/v1/tokens/999999"), 404)


def test_cookie_sessions_need_csrf_and_same_origin(client: TestClient, ann: Person) -> None:
    """Scenario 24 (the POST half): with the session cookie, a state change without the
    session's CSRF token, or from another origin, is refused with 403."""
    assert login(client, ann).status_code == 303
    assert client.get("/api/v1/me").json()["via"] == "session"
    body = {"name": "copper", "query": "copper"}
    _error(client.post("/api/v1/alerts", json=body), 403, "forbidden")
    _error(client.post("/api/v1/alerts", json=body, headers={"X-CSRF-Token": "wrong"}), 403)
    token = csrf_of(client)
    foreign = {"X-CSRF-Token": token, "Origin": "https://evil.example"}
    _error(client.post("/api/v1/alerts", json=body, headers=foreign), 403)
    _error(
        client.post("/api/v1/alerts", json=body, headers={"X-CSRF-Token": token, "Origin": "null"}),
        403,
    )
    # a page form posted from another site: no token, or a foreign origin
    for form in ({"name": "x", "query": "x", "csrf": ""}, {"name": "x", "query": "x"}):
        refused = client.post("/alerts", data=form)
        assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    page = client.post(
        "/alerts",
        data={"name": "x", "query": "x", "csrf": token},
        headers={"Origin": "https://evil.example"},
    )
    assert page.status_code == 403 and "text/html" in page.headers["content-type"]
    ok = client.post(
        "/api/v1/alerts", json=body, headers={"X-CSRF-Token": token, "Origin": "https://testserver"}
    )
    assert ok.status_code == 201
    assert client.get("/api/v1/alerts").json()["items"][0]["name"] == "copper"


def test_sessions_are_listed_and_ended(app: Any, ann: Person) -> None:
    with (
        TestClient(app, base_url="https://testserver") as laptop,
        TestClient(app, base_url="https://testserver") as phone,
    ):
        assert login(laptop, ann).status_code == 303
        assert login(phone, ann).status_code == 303
        items = laptop.get("/api/v1/sessions").json()["items"]
        assert len(items) == 2 and sum(s["current"] for s in items) == 1
        other = next(s for s in items if not s["current"])
        token = csrf_of(laptop)
        ended = laptop.delete(f"/api/v1/sessions/{other['id']}", headers={"X-CSRF-Token": token})
        assert ended.status_code == 204
        _error(phone.get("/api/v1/me"), 401)
        assert laptop.get("/api/v1/me").status_code == 200
        _error(laptop.delete("/api/v1/sessions/nope", headers={"X-CSRF-Token": token}), 404)


def test_openapi_lists_bearer_and_cookie_security(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/api/v1/search"]["get"]
    assert {"bearer": []} in op["security"] and {"cookie": []} in op["security"]
    assert "422" in op["responses"] and "401" in op["responses"]
    assert re.match(r"^3\.", spec["openapi"])
