"""Shared parts of the web tests: an archive of stories written for these tests, users
with their second factor, logging in as a browser does, and the app served by a real
uvicorn on loopback (for the live stream, the Reader API and the browser)."""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pyotp
import uvicorn

from broadsheet.models import Annotations, Article, Entity, Fact, Paragraph, Quote, TickerMention

__all__ = ["LiveServer", "Person", "login", "make_user", "store_story", "story", "totp_now"]


def story(headline: str, *paragraphs: str, url: str, site: str = "Harbor Ledger") -> Article:
    return Article(
        paragraphs=tuple(Paragraph(p) for p in paragraphs),
        headline=headline,
        url=url,
        language="en",
        site_name=site,
    )


def store_story(svc: Any, article: Article, annotate: bool = True) -> int:
    """Store ``article`` with annotations found by looking for fixed words of the test
    stories (people, a company, a quote, a fact), and make it searchable."""
    saved = svc.store.save_article(article)
    assert saved.article_id is not None
    if annotate:
        body = svc.store.get_article(saved.article_id).body
        svc.store.save_annotations(saved.article_id, _annotations(body))
    svc.poke()
    return saved.article_id


def _annotations(body: str) -> Annotations:
    entities, tickers, quotes, facts = [], [], [], []
    for name in ("Maria Lopez", "Tom Reyes"):
        for m in re.finditer(re.escape(name), body):
            entities.append(Entity(m.start(), m.end(), "PERSON", name, name))
    for m in re.finditer("Harbor Capital", body):
        entities.append(Entity(m.start(), m.end(), "ORG", "Harbor Capital", "Harbor Capital"))
    for m in re.finditer(r"\bAAPL\b", body):
        tickers.append(TickerMention(m.start(), m.end(), "AAPL", "Apple Inc.", 0.9))
    for m in re.finditer(r"(\d+) percent", body):
        facts.append(Fact(m.start(), m.end(), float(m.group(1)), "%", "copper price", None, None))
    q = re.search(r"\"([^\"]+)\", said Maria Lopez", body)
    if q:
        start = q.start(1)
        speaker = body.index("Maria Lopez", q.start())
        cue = body.index("said", q.end(1))
        quotes.append(
            Quote(
                (start, q.end(1)),
                (speaker, speaker + len("Maria Lopez")),
                (cue, cue + 4),
                "Maria Lopez",
                "direct",
                "PERSON",
            )
        )
    return Annotations(
        entities=tuple(entities), tickers=tuple(tickers), quotes=tuple(quotes), facts=tuple(facts)
    )


COPPER = (
    "Copper prices jump as Chile mine strike widens",
    "Copper prices rose 4 percent on Tuesday after workers at the Escondida mine widened a "
    "strike, traders said.",
    '"We will not go back until the company listens", said Maria Lopez, a union leader.',
    "Analysts at Harbor Capital expect supply to stay tight; AAPL was not affected.",
)


@dataclass
class Person:
    """A user of the tests: their name, password, TOTP key and recovery codes."""

    name: str
    password: str
    totp: pyotp.TOTP
    recovery: list[str]
    admin: bool = False
    token: str = ""
    used_steps: set[int] = field(default_factory=set)


def make_user(svc: Any, name: str, *, admin: bool = False) -> Person:
    password = f"{name} correct horse battery staple"
    made = svc.add_user(name, password, admin=admin)
    person = Person(
        name, password, pyotp.parse_uri(made.totp_uri), list(made.recovery_codes), admin
    )
    person.token = svc.add_token(name, "tests").token
    return person


def totp_now(person: Person) -> str:
    """A code the server has not seen: the current step's, or a recovery code when this
    step's code was used already (a used code is refused)."""
    step = int(time.time()) // 30
    if step in person.used_steps:
        return person.recovery.pop()
    person.used_steps.add(step)
    return person.totp.now()


def login(client: httpx.Client, person: Person, next_path: str = "/") -> httpx.Response:
    """Log in through the login form as a browser does (its double-submit token)."""
    page = client.get("/login")
    assert page.status_code == 200
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    return client.post(
        "/login",
        data={
            "name": person.name,
            "password": person.password,
            "code": totp_now(person),
            "csrf": token.group(1),
            "next": next_path,
        },
        follow_redirects=False,
    )


def csrf_of(client: httpx.Client) -> str:
    page = client.get("/account")
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert found is not None, page.text[:500]
    return found.group(1)


class LiveServer:
    """The app served by uvicorn on 127.0.0.1 in a thread."""

    def __init__(self, app: Any) -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.server.force_exit = True
        self.thread.join(10)
