"""Fixtures of the reliability suite: a loopback publisher and a fresh home per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import Publisher


@pytest.fixture
def publisher() -> Iterator[Publisher]:
    pub = Publisher().start()
    yield pub
    pub.stop()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path
