"""``broadsheet ingest`` promises that bad items are reported and skipped and that the batch
always finishes: broken files in a folder and a broken feed URL among the targets."""

from __future__ import annotations

import gzip
from pathlib import Path

from broadsheet.cli.exit_codes import ExitCode
from broadsheet.pipeline import open_pipeline

from .helpers import Publisher, indexed_ids, make_settings, page, run_cli, stored_ids, story

GOOD = range(20, 25)


def _folder(root: Path) -> Path:
    folder = root / "mixed"
    folder.mkdir()
    for n in GOOD:
        (folder / f"good-{n}.html").write_bytes(page(n))
    (folder / "a-corrupt.html.gz").write_bytes(gzip.compress(page(1))[:40] + b"\x00garbage")
    (folder / "b-noise.html").write_bytes(bytes(range(256)) * 40)
    (folder / "c-empty.txt").write_bytes(b"")
    (folder / "d-broken.warc").write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Le")
    (folder / "e-broken.warc.gz").write_bytes(gzip.compress(b"WARC/1.0\r\n")[:-6])
    (folder / "f-latin1.txt").write_bytes("Caf\xe9 \xa3 \xbd".encode("latin-1") * 30)
    (folder / "g-folder.html").mkdir()  # a directory with a page's name
    return folder


def _check_good_stored(home: Path) -> None:
    with open_pipeline(make_settings(home), enrich=False) as pipe:
        assert pipe.store.integrity_check() == []
        headlines = {a.headline for a in pipe.store.iter_articles()}
        assert {story(n)[0] for n in GOOD} <= headlines
        assert pipe.index is not None
        assert indexed_ids(pipe.index) == stored_ids(pipe.store)


def test_broken_files_are_reported_and_skipped(home: Path, tmp_path: Path) -> None:
    done = run_cli(home, None, "ingest", str(_folder(tmp_path)))
    assert "Traceback" not in done.stderr
    assert done.returncode in (ExitCode.OK, ExitCode.PARTIAL), done.stderr
    assert "ingested:" in done.stdout
    _check_good_stored(home)


def test_a_broken_feed_url_does_not_stop_the_batch(
    home: Path, tmp_path: Path, publisher: Publisher
) -> None:
    publisher.static(
        "/not-a-feed.json", b'{"items": "a JSON document, not a JSON Feed"}', "application/json"
    )
    folder = _folder(tmp_path)
    done = run_cli(home, None, "ingest", f"{publisher.base}/not-a-feed.json", str(folder))
    assert "ingested:" in done.stdout, done.stderr
    assert done.returncode == ExitCode.PARTIAL
    _check_good_stored(home)
