"""Text from outside is data on the command line: never Rich markup, never a terminal escape,
never a spreadsheet formula (issue 13, cases 4, 5 and 11)."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from broadsheet.cli import cli
from broadsheet.models import Article, Paragraph
from broadsheet.store import open_store

HOSTILE_TITLE = "[/x] [link=https://evil.example]Click here[/link] [bold red]alarm"
CONTROL = "\x1b]0;pwned\x07\x1b[2J\x9b31m"


class _Server:
    """A feed whose title is markup, and a second URL that fails with a markup reason."""

    def __init__(self) -> None:
        feed = (
            '<?xml version="1.0"?><rss version="2.0"'
            ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>{HOSTILE_TITLE}</title><link>http://127.0.0.1/</link>"
            "<description>d</description><item><title>[/x] A story</title><guid>a</guid>"
            "<content:encoded><![CDATA[<p>Words about [/x] the harbour and its [bold]quay"
            "[/bold], which the council reopened on Monday after a winter of repairs that "
            "cost far more than the engineers had first said it would.</p><p>Traders who "
            "use the quay said the delay had pushed cargo to other ports along the coast, "
            "and that some of it would not come back before the summer season began.</p>"
            "<p>The council said a full report on the costs would follow next month.</p>]]>"
            "</content:encoded></item></channel></rss>"
        ).encode()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                if self.path == "/feed.xml":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.send_header("Content-Length", str(len(feed)))
                    self.end_headers()
                    self.wfile.write(feed)
                    return
                self.send_response(503, "[/x] [link=https://evil.example]down")
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def server() -> Iterator[_Server]:
    s = _Server()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


def _run(home: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(
        cli,
        ["--home", str(home), "--allow-host", "127.0.0.1", "--no-enrich", *args],
        catch_exceptions=False,
    )
    assert result.exit_code == code, result.output
    return result.output if code else result.stdout


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_feed_titles_and_reason_phrases_print_as_they_are(server: _Server, tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = _run(home, "add", f"{server.base}/feed.xml")
    assert "[/x] [link=https://evil.example]Click here[/link]" in _flat(out)
    assert "[/x]" in _run(home, "sources", "list")  # a table (narrow: cells wrap)
    (source,) = [
        json.loads(x) for x in _run(home, "sources", "list", "--format", "jsonl").split("\n") if x
    ]
    assert source["title"] == HOSTILE_TITLE
    failed = _run(home, "add", f"{server.base}/down.xml", code=5)
    assert "[/x] [link=https://evil.example]down" in _flat(failed)
    shown = _run(home, "sources", "show", "1")
    assert "[/x] [link=https://evil.example]Click here[/link]" in _flat(shown)
    assert "[/x] A story" in _flat(_run(home, "top"))
    assert "[/x]" in _run(home, "search", "harbour")


def _store_hostile(home: Path) -> int:
    """A story whose text carries terminal escapes, written past the ingest boundary (as an
    archive written by an older version might hold): the output must still be clean."""
    home.mkdir(parents=True, exist_ok=True)
    store = open_store(str(home / "broadsheet.db"))
    saved = store.save_article(
        Article(
            paragraphs=(Paragraph(f"The harbour {CONTROL} reopened on Monday after repairs."),),
            headline=f'=HYPERLINK("https://evil.example","Harbour") {CONTROL}',
            byline=f"@{CONTROL}staff",
            url="https://news.example/harbour",
        )
    )
    store.close()
    assert saved.article_id is not None
    return saved.article_id


def test_terminal_escapes_never_reach_the_output(tmp_path: Path) -> None:
    home = tmp_path / "home"
    article_id = _store_hostile(home)
    for args in (
        ("top",),
        ("top", "--format", "jsonl"),
        ("search", "harbour"),
        ("search", "harbour", "--format", "jsonl"),
        ("read", str(article_id)),
        ("read", str(article_id), "--format", "json"),
        ("export", "*", "--format", "jsonl"),
        ("export", "*", "--format", "csv"),
    ):
        out = _run(home, *args)
        assert str(article_id) in out or "reopened on monday" in out.lower(), args
        assert not any(c in out for c in "\x1b\x07\x9b"), args


def test_csv_exports_neutralise_formulas(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _store_hostile(home)
    out = _run(home, "export", "*", "--format", "csv")
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["headline"].startswith("'=HYPERLINK(")
    assert row["byline"].startswith("'@")
    assert row["id"].isdigit()  # numbers stay numbers
    (record,) = [json.loads(x) for x in _run(home, "export", "*").splitlines()]
    assert record["headline"].startswith("=HYPERLINK(")  # JSON keeps the text as it is
