"""Fixtures every test folder may use: the shared reference data (``../shared``).

Each fixture hands back a path that exists, or skips the test on a developer's machine, or
fails it in CI (``BROADSHEET_SHARED`` or ``CI`` set): see ``tests/shared_data.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.shared_data import Shared, locate_shared


@pytest.fixture(scope="session")
def shared() -> Shared:
    """The shared folder, and what to do when something in it is missing."""
    return locate_shared(os.environ)


SEED_PAGE = "000_572ea1f0c8d1b358.txt"  # the scraped page that started the project


@pytest.fixture(scope="session")
def seed_dir(shared: Shared) -> Path:
    """``seed/``: the reference page, what a correct reading holds, its gold body."""
    shared.path("seed", SEED_PAGE)
    shared.path("seed", "ground-truth.json")
    return shared.path("seed", "expected.json").parent


@pytest.fixture(scope="session")
def extraction_dev(shared: Shared) -> Path:
    """``data/extraction-dev``: HTML pages and their gold bodies."""
    return shared.path("data", "extraction-dev", "ground-truth.json").parent


@pytest.fixture(scope="session")
def textdump_dev(shared: Shared) -> Path:
    """``data/textdump-dev``: visible-text page dumps and their gold bodies."""
    return shared.path("data", "textdump-dev", "ground-truth.json").parent


@pytest.fixture(scope="session")
def quotes_dev(shared: Shared) -> Path:
    """``data/quotes-dev/dev``: PolNeAR's development split (texts and attributions)."""
    shared.path("data", "quotes-dev", "dev", "text")
    return shared.path("data", "quotes-dev", "dev", "attributions").parent


@pytest.fixture(scope="session")
def extraction_scorer(shared: Shared) -> Path:
    """``tools/score_extraction.py``, the reference scorer of article extraction."""
    return shared.path("tools", "score_extraction.py")


@pytest.fixture(scope="session")
def quotes_scorer(shared: Shared) -> Path:
    """``tools/score_quotes.py``, the reference scorer of quote attribution."""
    return shared.path("tools", "score_quotes.py")
