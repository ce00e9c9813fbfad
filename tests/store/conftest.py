from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from broadsheet.store import SQLiteStore, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = open_store(str(tmp_path / "broadsheet.db"))
    yield s
    assert s.integrity_check() == []
    s.close()
