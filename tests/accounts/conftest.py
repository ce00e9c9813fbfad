"""A service on a fresh home per test (real SQLite, real argon2id)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from broadsheet.config import Settings
from broadsheet.service import Service, open_service


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Service]:
    service = open_service(Settings(home=tmp_path / "home"), enrich=False)
    yield service
    assert service.store.integrity_check() == []
    service.close()
