"""Shared parts of the reliability suite: a loopback publisher, generated stories and feeds,
settings in a temporary home, subprocess runners and the "index agrees with the store" check.

Every text here is generated for these tests (no copied articles).
"""

from __future__ import annotations

import html
import os
import random
import subprocess
import sys
from pathlib import Path

from broadsheet.config import Settings, load_settings
from broadsheet.search import SearchIndex
from broadsheet.store import SQLiteStore

from ..publisher import Publisher, Route

__all__ = ["Publisher", "Route"]  # re-exported for the scenario tests


TOWNS = [
    "Ashcombe",
    "Brelford",
    "Carrow Bay",
    "Dunmere",
    "Eastholt",
    "Fennick",
    "Glasswick",
    "Harrowgate Flats",
    "Islemoor",
    "Juniper Cross",
    "Kestrel Point",
    "Lowbridge",
]
SUBJECTS = [
    "the water board",
    "the county council",
    "the harbour trust",
    "the rail operator",
    "the hospital group",
    "the teachers' union",
    "the grain cooperative",
    "the ferry company",
]
VERBS = ["approved", "rejected", "postponed", "amended", "questioned", "welcomed"]
THINGS = [
    "a plan to rebuild the north pier",
    "new rules for night-time deliveries",
    "a budget for flood defences",
    "a contract for electric buses",
    "a proposal to merge two primary schools",
    "higher fees for river moorings",
]
PEOPLE = ["Ines Calloway", "Tobias Renner", "Priya Halvorsen", "Osric Mbeki", "Lena Vartanian"]
_PROSE = (
    "engineers surveyed the embankment after heavy rain while contractors waited for permits "
    "and drivers complained about diversions near the bridge where pumps worked overnight "
    "farmers reported flooded fields as the river rose above markers set by inspectors who "
    "measured currents beside reeds under grey skies the mayor visited shops whose owners "
    "counted losses in stock and carpets volunteers carried sandbags through narrow lanes "
    "insurers sent assessors who photographed walls ceilings boilers and fences children "
    "returned to classrooms once heating was restored buses resumed a reduced timetable "
    "auditors questioned invoices submitted by suppliers for timber gravel cables and paint "
    "ministers promised grants although critics doubted the sums would arrive before winter"
)
WORDS = _PROSE.split()


def story(n: int) -> tuple[str, list[str]]:
    """Headline and paragraphs of story ``n``: readable, deterministic, unique by ``n``."""
    rng = random.Random(n)
    town, subject = rng.choice(TOWNS), rng.choice(SUBJECTS)
    verb, thing, person = rng.choice(VERBS), rng.choice(THINGS), rng.choice(PEOPLE)
    votes_for, votes_against = rng.randint(5, 30), rng.randint(0, 20)
    headline = f"{town} {subject} {verb} {thing} (report {n})"
    paragraphs = [
        f"Members of {subject} in {town} {verb} {thing} on Thursday, by {votes_for} votes to "
        f"{votes_against}, in a meeting that ran late into the evening. Case number {n} was "
        f"the last item on the agenda.",
        f"\u201cThis is the decision people here have waited {rng.randint(2, 19)} years for,\u201d "
        f"said {person}, who chairs the committee, adding that work could begin within "
        f"{rng.randint(2, 11)} months if funding is confirmed.",
        f"Residents who spoke at the meeting raised concerns about cost, which officials put "
        f"at {rng.randint(2, 900)} thousand pounds, and about noise during construction near "
        f"the {rng.choice(['market square', 'old quay', 'station road', 'library'])}.",
        f"The matter, logged as item {n * 7 + 3}, now goes to a final reading next month.",
    ]
    # two paragraphs of shuffled detail make unrelated stories unlike each other (no MinHash
    # near-duplicates between different story numbers)
    for slot in (1, 3):
        words = [rng.choice(WORDS) for _ in range(98)]
        sentences = [" ".join(words[i : i + 14]) for i in range(0, 98, 14)]
        paragraphs.insert(slot, " ".join(s[0].upper() + s[1:] + "." for s in sentences))
    return headline, paragraphs


def story_html(n: int) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in story(n)[1])


def page(n: int) -> bytes:
    """A full article page for story ``n`` with site chrome around it."""
    headline, paragraphs = story(n)
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(headline)}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/local'>Local</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{html.escape(headline)}</h1>"
        "<p class='byline'>By Staff Reporter</p>"
        f"{body}</article><footer>Copyright Test Gazette</footer></body></html>"
    ).encode()


def rss_feed(
    base: str,
    entries: list[tuple[str, int]],
    *,
    full_text: bool,
) -> bytes:
    """An RSS 2.0 feed. ``entries`` are (guid, story number); the link is /story/<n>.html.

    With ``full_text`` each item carries the story in ``content:encoded``.
    """
    parts = []
    for guid, n in entries:
        headline, paragraphs = story(n)
        content = (
            f"<content:encoded><![CDATA[{story_html(n)}]]></content:encoded>" if full_text else ""
        )
        parts.append(
            f"<item><title>{html.escape(headline)}</title>"
            f"<link>{base}/story/{n}.html</link><guid isPermaLink='false'>{guid}</guid>"
            f"<pubDate>Thu, 05 Mar 2026 {n % 24:02d}:{n % 60:02d}:00 GMT</pubDate>"
            f"<description>{html.escape(paragraphs[0][:120])}</description>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Test Gazette</title><link>{base}/</link>"
        f"<description>Generated feed</description>{''.join(parts)}</channel></rss>"
    ).encode()


BODY_CAP = 15 * 1024 * 1024


# Where the archive of a scenario lives: None for the default SQLite file in the home, or a
# postgresql:// URL (scenario 19: scenarios 14-16 on PostgreSQL; see conftest.scenario_store)
STORE: dict[str, str | None] = {"url": None}


def make_settings(
    home: Path,
    *,
    fetch_articles: bool = True,
    interval: float = 900.0,
    max_body_bytes: int = BODY_CAP,
) -> Settings:
    """Settings in ``home``: loopback reachable only through the allowlist, quick timeouts."""
    return load_settings(
        None,
        {
            "home": home,
            "fetch": {
                "allow_private_hosts": ["127.0.0.1"],
                "connect_timeout": 2.0,
                "read_timeout": 5.0,
                "total_timeout": 10.0,
                "retry_attempts": 0,
                "per_host_concurrency": 4,
                "max_body_bytes": max_body_bytes,
            },
            "poll": {"workers": 4, "fetch_articles": fetch_articles, "interval": interval},
            "enrich": {"enabled": False},
            **({"store": {"url": STORE["url"]}} if STORE["url"] else {}),
        },
    )


def write_config(home: Path, *, fetch_articles: bool, max_body_bytes: int = BODY_CAP) -> Path:
    """The same settings as ``make_settings`` as a TOML file for CLI subprocesses."""
    home.mkdir(parents=True, exist_ok=True)
    path = home.parent / f"{home.name}.toml"
    path.write_text(
        "[fetch]\n"
        'allow_private_hosts = ["127.0.0.1"]\n'
        "connect_timeout = 2.0\nread_timeout = 5.0\ntotal_timeout = 10.0\n"
        "retry_attempts = 0\nper_host_concurrency = 4\n"
        f"max_body_bytes = {max_body_bytes}\n"
        "[poll]\n"
        f"workers = 4\nfetch_articles = {'true' if fetch_articles else 'false'}\n"
        "[enrich]\nenabled = false\n",
        "utf-8",
    )
    return path


def cli_env() -> dict[str, str]:
    """The environment for CLI subprocesses, without any BROADSHEET_* from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROADSHEET_")}
    if STORE["url"]:
        env["BROADSHEET_STORE__URL"] = STORE["url"]
    env["PYTHONUNBUFFERED"] = "1"
    env["COLUMNS"] = "200"  # wide tables: rich wraps cells in narrow terminals
    return env


def cli_command(home: Path, config: Path | None, *args: str) -> list[str]:
    cmd = [sys.executable, "-m", "broadsheet.cli", "--home", str(home)]
    if config is not None:
        cmd += ["--config", str(config)]
    return [*cmd, "--allow-host", "127.0.0.1", "--no-enrich", *args]


def run_cli(
    home: Path, config: Path | None, *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(home, config, *args),
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def indexed_ids(index: SearchIndex) -> set[int]:
    """Every article id the index holds (a match-all search over the whole index)."""
    total = index.count()
    results = index.search("*", limit=max(1, total + 10))
    return {hit.article_id for hit in results.hits}


def stored_ids(store: SQLiteStore) -> set[int]:
    return {a.id for a in store.iter_articles()}
