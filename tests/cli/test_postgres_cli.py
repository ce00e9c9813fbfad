"""The command line on PostgreSQL (``store.url`` / ``BROADSHEET_STORE__URL``), as a user runs
it: separate processes, a real server, a fresh database per test. And ``migrate-store``:
a SQLite archive to PostgreSQL and back, with the counts checked and re-runs harmless."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.cli.test_cli import STORIES, _page
from tests.pg import fresh_database


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_database("bs_cli") as url:
        yield url


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for slug, (headline, when, paras) in STORIES.items():
        (folder / f"{slug}.html").write_text(_page(headline, when, paras), "utf-8")
    return folder


def bs(home: Path, *args: str, env: dict[str, str] | None = None, code: int = 0) -> str:
    """Run ``broadsheet --home HOME --no-enrich ARGS`` in its own process; its stdout."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("BROADSHEET_")}
    full.update(env or {})
    full["PYTHONPATH"] = os.pathsep.join(sys.path)
    proc = subprocess.run(
        [sys.executable, "-m", "broadsheet", "--home", str(home), "--no-enrich", *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=300,
        check=False,
    )
    assert proc.returncode == code, (args, proc.stdout, proc.stderr)
    return proc.stdout if code == 0 else proc.stderr


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.parametrize("search", ["postgres", "tantivy"])
def test_every_command_runs_on_postgresql(
    pages: Path, tmp_path: Path, pg_url: str, search: str
) -> None:
    home = tmp_path / "home"
    env = {"BROADSHEET_STORE__URL": pg_url, "BROADSHEET_SEARCH__BACKEND": search}
    assert "2 new" in bs(home, "ingest", str(pages), env=env)
    again = bs(home, "ingest", str(pages), env=env)
    assert "2 unchanged" in again and "new" not in again.replace("unchanged", "")
    # the archive is in PostgreSQL, and nothing of it in the home
    assert _rows(pg_url, "SELECT count(*) FROM articles") == [(2,)]
    assert not (home / "broadsheet.db").exists()
    if search == "postgres":
        assert _rows(pg_url, "SELECT count(*) FROM search_docs") == [(2,)]
        assert not (home / "index").exists()

    hits = [json.loads(x) for x in bs(home, "search", "dockworkers", "--format", "jsonl",
                                      env=env).splitlines()]  # fmt: skip
    assert [h["headline"] for h in hits] == ["Dockworkers Strike Halts Port of Calder"]
    assert "dockworkers" in hits[0]["snippet"].lower()
    assert "Dockworkers Strike" in bs(home, "search", 'headline:"strike halts"', env=env)
    assert "no stories match" in bs(home, "search", "dockworkers AND lumen", env=env)

    shown = bs(home, "read", str(hits[0]["id"]), env=env)
    assert "Calder Institute" in shown
    record = json.loads(bs(home, "read", str(hits[0]["id"]), "--format", "json", env=env))
    assert record["body"].startswith("Dockworkers")

    top = [json.loads(x) for x in bs(home, "top", "--format", "jsonl", env=env).splitlines()]
    assert {t["headline"] for t in top} == {s[0] for s in STORIES.values()}

    added = json.loads(bs(home, "alert", "add", "strikes", "strike OR dockworkers",
                          "--format", "json", env=env))  # fmt: skip
    assert added["name"] == "strikes"
    assert _rows(pg_url, "SELECT owner, name, query FROM saved_searches") == [
        ("local", "strikes", "strike OR dockworkers")
    ]
    assert "strikes" in bs(home, "alert", "list", env=env)

    bs(home, "delete", str(hits[0]["id"]), env=env)
    assert "no stories match" in bs(home, "search", "dockworkers", env=env)
    assert "1 new" not in bs(home, "ingest", str(pages), env=env)  # deleted stays deleted
    assert _rows(pg_url, "SELECT count(*) FROM articles") == [(1,)]


def test_a_bad_server_url_is_a_clear_error(tmp_path: Path) -> None:
    env = {"BROADSHEET_STORE__URL": "postgresql://nobody@127.0.0.1:1/none"}
    err = bs(tmp_path / "home", "search", "anything", env=env, code=1)
    assert "cannot open postgresql://nobody@127.0.0.1:1/none" in err
    assert "Traceback" not in err


def _sqlite_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


CHECKED = (
    "SELECT id, version, story_id, headline, body, minhash FROM articles ORDER BY id",
    "SELECT seq, article_id, op, kind FROM changes ORDER BY seq",
    "SELECT kind, key, article_id FROM article_keys ORDER BY kind, key",
    "SELECT kind, key, article_id FROM tombstones ORDER BY kind, key",
    "SELECT id, owner, name, query FROM saved_searches ORDER BY id",
    "SELECT name, seq FROM followers ORDER BY name",
)


def test_migrate_store_to_postgresql_and_back(pages: Path, tmp_path: Path, pg_url: str) -> None:
    home = tmp_path / "home"
    bs(home, "ingest", str(pages))
    first = json.loads(bs(home, "search", "lumen", "--format", "jsonl").splitlines()[0])
    bs(home, "delete", str(first["id"]))  # a tombstone, and a delete in the change log
    bs(home, "alert", "add", "ports", "port OR harbour")
    sqlite_db = home / "broadsheet.db"

    out = json.loads(bs(home, "migrate-store", "--to", pg_url, "--format", "json"))
    assert out["replaced"] is False and out["articles"] == 1
    assert all(t["source"] == t["target"] for t in out["tables"].values())
    assert out["tables"]["tombstones"]["target"] >= 1
    for sql in CHECKED:  # row for row
        pg = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r)
              for r in _rows(pg_url, sql)]  # fmt: skip
        assert pg == _sqlite_rows(sqlite_db, sql), sql

    # the same command again replaces the copy: nothing doubled
    text = bs(home, "migrate-store", "--to", pg_url)
    assert "replaced the earlier copy" in text and "every count matches" in text
    assert _rows(pg_url, "SELECT count(*) FROM articles") == [(1,)]

    # the archive now works from PostgreSQL, ids and all: new stories get new ids
    env = {"BROADSHEET_STORE__URL": pg_url}
    bs(home / "pg-home", "reindex", env=env)
    assert "Dockworkers" in bs(home / "pg-home", "search", "dockworkers", env=env)
    assert "1 unchanged" in bs(home / "pg-home", "ingest", str(pages), env=env)
    bs(home / "pg-home", "alert", "add", "lumen", "lumen", env=env)

    # and back to a SQLite file
    back = tmp_path / "back.db"
    out = json.loads(bs(home / "pg-home", "migrate-store", "--to", str(back), "--format", "json",
                        env=env))  # fmt: skip
    assert out["articles"] == 1 and all(t["source"] == t["target"] for t in out["tables"].values())
    for sql in CHECKED:
        assert _sqlite_rows(back, sql) == [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in r)
            for r in _rows(pg_url, sql)
        ], sql
    assert len(_sqlite_rows(back, "SELECT * FROM saved_searches")) == 2
    # the copy is a whole store: it opens, checks clean, and searches
    home_back = tmp_path / "home-back"
    env_back = {"BROADSHEET_STORE__URL": str(back)}
    bs(home_back, "reindex", env=env_back)
    assert "Dockworkers" in bs(home_back, "search", "dockworkers", env=env_back)


def test_migrate_store_refuses_another_archive(pages: Path, tmp_path: Path, pg_url: str) -> None:
    other = tmp_path / "other"
    bs(other, "ingest", str(pages / "port-strike.html"), env={"BROADSHEET_STORE__URL": pg_url})
    home = tmp_path / "home"
    bs(home, "ingest", str(pages / "lumen-results.html"))
    err = bs(home, "migrate-store", "--to", pg_url, code=1)
    assert "already holds another archive" in " ".join(err.split())
    # nothing was written
    assert [r[0] for r in _rows(pg_url, "SELECT headline FROM articles")] == [
        "Dockworkers Strike Halts Port of Calder"
    ]
