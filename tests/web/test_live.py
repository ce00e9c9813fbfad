"""The live stream and the Google Reader API against the app served by uvicorn on
loopback, read by httpx as an SSE client and as a news-reader app would."""

from __future__ import annotations

import json
import queue
import threading
import time
from typing import Any

import httpx

from .helpers import COPPER, LiveServer, Person, store_story, story


class SSE:
    """An SSE client in a thread: (event, id, data) tuples into a queue."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[tuple[str, str, Any]] = queue.Queue()
        self.status: int | None = None
        self.ready = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._run, args=(url, headers), daemon=True)
        self._thread.start()
        assert self.ready.wait(10)

    def _run(self, url: str, headers: dict[str, str]) -> None:
        try:
            self._read(url, headers)
        except httpx.HTTPError:  # the server went away when the test ended
            if not self._stop:
                raise
        finally:
            self.ready.set()

    def _read(self, url: str, headers: dict[str, str]) -> None:
        with (
            httpx.Client(timeout=httpx.Timeout(10, read=30)) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            self.status = response.status_code
            self.ready.set()
            if response.status_code != 200:
                return
            name, ident, data = "message", "", []
            for line in response.iter_lines():
                if self._stop:
                    return
                if line == "":
                    if data:
                        self.events.put((name, ident, json.loads("\n".join(data))))
                    name, data = "message", []
                elif line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("id:"):
                    ident = line[3:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())

    def next(self, kind: str, timeout: float = 10) -> tuple[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"no {kind} event within {timeout} s"
            name, ident, data = self.events.get(timeout=left)
            if name == kind:
                return ident, data

    def drain(self, wait: float) -> list[tuple[str, str, Any]]:
        time.sleep(wait)
        found = []
        while not self.events.empty():
            found.append(self.events.get_nowait())
        return found

    def stop(self) -> None:
        self._stop = True


def _bearer(person: Person) -> dict[str, str]:
    return {"Authorization": f"Bearer {person.token}", "Accept": "text/event-stream"}


def test_alerts_arrive_live_only_to_their_owner_and_resume(
    live: LiveServer, svc: Any, ann: Person, bob: Person
) -> None:
    svc.add_alert("copper", "copper", owner="ann")
    svc.add_alert("bobs", "nickel", owner="bob")
    ann_stream = SSE(f"{live.url}/api/v1/stream", _bearer(ann))
    bob_stream = SSE(f"{live.url}/api/v1/stream", _bearer(bob))
    assert ann_stream.status == bob_stream.status == 200
    time.sleep(0.3)
    started = time.monotonic()
    first = store_story(svc, story(*COPPER, url="https://ledger.example/live-1"))
    ident, data = ann_stream.next("alert.fired")
    assert time.monotonic() - started < 5
    assert data["owner"] == "ann" and data["article_id"] == first and data["name"] == "copper"
    stored_id, stored = ann_stream.next("article.stored")
    assert stored["article_id"] == first
    # bob sees the new story but never ann's alert (scenario 26, the stream)
    seen_by_bob = bob_stream.drain(1.0)
    assert all(name != "alert.fired" for name, _, _ in seen_by_bob)
    assert any(name == "article.stored" for name, _, _ in seen_by_bob)
    ann_stream.stop()
    bob_stream.stop()
    # while ann is away: two more stories; on reconnecting with Last-Event-ID she gets them
    second = store_story(
        svc, story("Copper slips", "Copper slipped.", url="https://ledger.example/l2")
    )
    third = store_story(
        svc, story("Copper steady", "Copper held.", url="https://ledger.example/l3")
    )
    deadline = time.monotonic() + 10
    while len(svc.inbox(owner="ann").items) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    last = max(ident, stored_id, key=lambda i: tuple(int(p) for p in i.split(".")))
    again = SSE(f"{live.url}/api/v1/stream", {**_bearer(ann), "Last-Event-ID": last})
    got = {
        data["article_id"] for data in (again.next("alert.fired")[1], again.next("alert.fired")[1])
    }
    assert got == {second, third}
    replayed = again.drain(1.0)
    assert all(d.get("article_id") != first for _, _, d in replayed)  # nothing repeated
    again.stop()


def test_the_stream_refuses_foreign_origins_and_no_credentials(
    live: LiveServer, ann: Person
) -> None:
    """Scenario 24 (the stream half)."""
    with httpx.Client(timeout=10) as client:
        foreign = client.get(
            f"{live.url}/api/v1/stream",
            headers={**_bearer(ann), "Origin": "https://evil.example"},
        )
        assert foreign.status_code == 403 and foreign.json()["error"]["code"] == "forbidden"
        assert client.get(f"{live.url}/api/v1/stream").status_code == 401
    ok = SSE(f"{live.url}/api/v1/stream", {**_bearer(ann), "Origin": live.url})
    assert ok.status == 200
    ok.stop()


def test_heartbeats_keep_the_stream_open(live: LiveServer, ann: Person) -> None:
    with (
        httpx.Client(timeout=httpx.Timeout(10, read=5)) as client,
        client.stream("GET", f"{live.url}/api/v1/stream", headers=_bearer(ann)) as response,
    ):
        lines = []
        for line in response.iter_lines():
            lines.append(line)
            if line == ": heartbeat":
                break
        assert lines[0] == "retry: 2000" and lines[1].startswith("id: ")


# ------------------------------------------------------------------------------ Reader API


def test_a_reader_app_lists_reads_and_marks_stories(
    live: LiveServer, svc: Any, ann: Person
) -> None:
    svc.add_alert("copper", "copper", owner="ann")
    first = store_story(svc, story(*COPPER, url="https://ledger.example/gr-1"))
    store_story(
        svc,
        story(
            "Wheat harvest late",
            "Rain delayed the wheat harvest.",
            url="https://ledger.example/gr-2",
        ),
    )
    deadline = time.monotonic() + 10
    while not svc.inbox(owner="ann").items and time.monotonic() < deadline:
        time.sleep(0.1)
    with httpx.Client(base_url=live.url, timeout=20) as app:
        # the password is refused: a reader app cannot give a second factor
        refused = app.post("/accounts/ClientLogin", data={"Email": "ann", "Passwd": ann.password})
        assert refused.status_code == 401
        assert (
            app.post(
                "/accounts/ClientLogin", data={"Email": "bob", "Passwd": ann.token}
            ).status_code
            == 401
        )
        logged = app.post("/accounts/ClientLogin", data={"Email": "ann", "Passwd": ann.token})
        assert logged.status_code == 200
        auth = dict(line.split("=", 1) for line in logged.text.strip().splitlines())["Auth"]
        headers = {"Authorization": f"GoogleLogin auth={auth}"}
        assert app.get("/reader/api/0/user-info", headers=headers).json()["userName"] == "ann"
        edit = app.get("/reader/api/0/token", headers=headers).text
        assert app.get(
            "/reader/api/0/subscription/list", params={"output": "json"}, headers=headers
        ).json() == {"subscriptions": []}
        tags = app.get("/reader/api/0/tag/list", headers=headers).json()["tags"]
        assert {"id": "user/-/label/copper", "type": "tag"} in tags
        ids = app.get(
            "/reader/api/0/stream/items/ids",
            params={"s": "user/-/state/com.google/reading-list", "n": 10},
            headers=headers,
        ).json()
        assert len(ids["itemRefs"]) == 2
        contents = app.get(
            "/reader/api/0/stream/contents/user/-/state/com.google/reading-list",
            params={"n": 1},
            headers=headers,
        ).json()
        assert len(contents["items"]) == 1 and contents["continuation"]
        more = app.get(
            "/reader/api/0/stream/contents/user/-/state/com.google/reading-list",
            params={"n": 1, "c": contents["continuation"]},
            headers=headers,
        ).json()
        assert {contents["items"][0]["title"], more["items"][0]["title"]} == {
            COPPER[0],
            "Wheat harvest late",
        }
        labelled = app.get(
            "/reader/api/0/stream/contents/user/-/label/copper", headers=headers
        ).json()["items"]
        assert [i["title"] for i in labelled] == [COPPER[0]]
        long_id = labelled[0]["id"]
        assert long_id == f"tag:google.com,2005:reader/item/{first:016x}"
        body = app.post(
            "/reader/api/0/stream/items/contents", data={"i": [str(first)]}, headers=headers
        ).json()["items"][0]
        assert "We will not go back" in body["summary"]["content"]
        assert "<script" not in body["summary"]["content"]
        # mark read with edit-tag (needs the edit token), then unread-only lists skip it
        assert (
            app.post(
                "/reader/api/0/edit-tag",
                data={"i": long_id, "a": "user/-/state/com.google/read"},
                headers=headers,
            ).status_code
            == 401
        )
        done = app.post(
            "/reader/api/0/edit-tag",
            data={"i": long_id, "a": "user/-/state/com.google/read", "T": edit},
            headers=headers,
        )
        assert done.text == "OK"
        assert svc.inbox(owner="ann").items[0].read
        unread = app.get(
            "/reader/api/0/stream/items/ids",
            params={
                "s": "user/-/state/com.google/reading-list",
                "xt": "user/-/state/com.google/read",
            },
            headers=headers,
        ).json()
        assert unread["itemRefs"] == []
        read_now = app.post(
            "/reader/api/0/stream/items/contents", data={"i": long_id}, headers=headers
        ).json()["items"][0]
        assert "user/-/state/com.google/read" in read_now["categories"]
        assert (
            app.post(
                "/reader/api/0/edit-tag",
                data={"i": "tag:google.com,2005:reader/item/zz", "T": edit},
                headers=headers,
            ).status_code
            == 400
        )
        # a revoked token logs the app out
        svc.revoke_token("ann", svc.tokens("ann")[0].id)
        gone = app.get("/reader/api/0/user-info", headers=headers)
        assert gone.status_code == 401 and gone.headers["X-Reader-Google-Bad-Token"] == "true"


def test_a_stream_that_falls_behind_catches_up_from_the_store(
    live: LiveServer, svc: Any, ann: Person, monkeypatch: Any
) -> None:
    """A stream whose queue overflows loses nothing and repeats nothing: it reads what it
    could not hold from the store."""
    import broadsheet.web.stream as stream

    monkeypatch.setattr(stream, "_QUEUE", 2)
    svc.add_alert("copper", "copper", owner="ann")
    client = SSE(f"{live.url}/api/v1/stream", _bearer(ann))
    time.sleep(0.3)
    for n in range(12):  # stored at once: their alerts are published in a burst
        svc.store.save_article(
            story(f"Copper burst {n}", f"Copper moved, {n}.", url=f"https://ledger.example/b{n}")
        )
    svc.poke()
    got: list[int] = []
    deadline = time.monotonic() + 20
    while len(got) < 12 and time.monotonic() < deadline:
        _, data = client.next("alert.fired", timeout=max(0.1, deadline - time.monotonic()))
        got.append(data["item_id"])
    client.stop()
    assert len(got) == 12 and len(set(got)) == 12
    assert sorted(got) == got
    items = {i.entry.item_id for i in svc.inbox(owner="ann").items}
    assert set(got) == items
