"""Fixtures for the terminal's tests: the deterministic archive (built once, copied for each
test) and the app on it with a fixed clock."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadsheet.config import Settings
from broadsheet.service import Service, open_service

from .archive import archive_settings, build_archive


@pytest.fixture(scope="session")
def built_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("tui-archive") / "home"
    build_archive(home)
    return home


@pytest.fixture
def archive(built_archive: Path, tmp_path: Path) -> Settings:
    home = tmp_path / "home"
    shutil.copytree(built_archive, home)
    return archive_settings(home)


@pytest.fixture
def svc(archive: Settings) -> Iterator[Service]:
    with open_service(archive, enrich=False) as service:
        yield service
