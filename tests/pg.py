"""PostgreSQL for tests: a fresh database with a unique name per test, dropped afterwards.

The server is looked for at ``$BROADSHEET_TEST_POSTGRES`` (a libpq URL of any database on
it), else ``postgresql://postgres@127.0.0.1:5432/test``. When it cannot be reached the test
skips on a developer's machine, and FAILS when ``BROADSHEET_REQUIRE_POSTGRES``,
``BROADSHEET_CI`` or ``CI`` is set (``.ci/run`` sets the first two): in CI the PostgreSQL
half of the suite can never pass by being skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn
from urllib.parse import urlsplit, urlunsplit

import pytest

ENV_URL = "BROADSHEET_TEST_POSTGRES"
ENV_REQUIRE = "BROADSHEET_REQUIRE_POSTGRES"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    return os.environ.get(ENV_URL) or DEFAULT_URL


def required() -> bool:
    return bool(
        os.environ.get(ENV_REQUIRE) or os.environ.get("CI") or os.environ.get("BROADSHEET_CI")
    )


def unavailable(why: str) -> NoReturn:
    if required():
        pytest.fail(f"PostgreSQL is required here ({ENV_REQUIRE} or CI is set): {why}")
    pytest.skip(f"PostgreSQL not reachable: {why}")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@contextmanager
def fresh_database(prefix: str = "bs_test") -> Iterator[str]:
    """The URL of a new, empty database; dropped (connections and all) afterwards."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a dependency
        unavailable(f"psycopg is not installed ({exc})")
    admin = server_url()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        unavailable(str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))
    try:
        yield _with_database(admin, name)
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
