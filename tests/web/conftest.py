"""Fixtures of the web tests: a real SQLite archive in a temporary home, the service
following it (as `broadsheet serve` runs it), the app, users and an in-process client."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette's notice about httpx's successor
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from broadsheet.config import load_settings
from broadsheet.service import open_service
from broadsheet.web import create_app

from .helpers import COPPER, LiveServer, Person, make_user, store_story, story


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def svc(home: Path) -> Iterator[Any]:
    settings = load_settings(None, {"home": home})
    service = open_service(settings, enrich=False, follow=True)
    try:
        yield service
    finally:
        service.close()


@pytest.fixture
def copper(svc: Any) -> int:
    return store_story(svc, story(COPPER[0], *COPPER[1:], url="https://ledger.example/copper"))


@pytest.fixture
def app(svc: Any) -> Any:
    return create_app(svc, heartbeat=0.5)


@pytest.fixture
def ann(svc: Any) -> Person:
    return make_user(svc, "ann", admin=True)


@pytest.fixture
def bob(svc: Any) -> Person:
    return make_user(svc, "bob")


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    # https: the __Host- cookies are Secure, and a client keeps them only over HTTPS
    with TestClient(app, base_url="https://testserver") as c:
        yield c


@pytest.fixture
def api(app: Any, ann: Person) -> Iterator[TestClient]:
    """A client with ann's bearer token."""
    with TestClient(
        app, base_url="https://testserver", headers={"Authorization": f"Bearer {ann.token}"}
    ) as c:
        yield c


@pytest.fixture
def live(app: Any) -> Iterator[LiveServer]:
    server = LiveServer(app)
    try:
        yield server
    finally:
        server.stop()
