"""`broadsheet demo`: the whole product, offline, on the simulated wire.

Brings up the demo wire on loopback, subscribes to its outlets through the real fetch path
(the wire's host reached through the private-host allowlist, never by switching the SSRF
guard off), replays a historical period in steps so stories arrive and are polled,
extracted, enriched, stored and indexed, then shows top stories, a search, a story read
like an analyst, and a price chart with the stories as markers.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ..config import Settings
from ..errors import ConfigError
from .newswire import SIMULATED_NOTICE, WireStory, generate_wire
from .server import DemoWireServer

__all__ = ["DemoReport", "run_demo"]


@dataclass(slots=True)
class DemoReport:
    home: Path
    stories_published: int
    articles_stored: int
    sources: int
    steps: int
    new_per_step: list[int]
    feed_requests: int
    not_modified: int


DEMO_MARK = ".broadsheet-demo"  # marks a data directory that holds only the demo's archive


def choose_demo_home(home: Path) -> Path:
    """Where the demo writes: the data directory itself when it is new or holds only an
    earlier demo (so `broadsheet chart AAPL` afterwards shows the demo's stories), else a
    `demo/` folder inside it, so a real archive is never touched."""
    if not (home / "broadsheet.db").exists() or (home / DEMO_MARK).exists():
        return home
    return home / "demo"


def clear_demo_archive(home: Path) -> None:
    """Remove an earlier demo's archive (only a directory the demo made, or an empty one)."""
    if not home.exists():
        return
    if (home / "broadsheet.db").exists() and not (home / DEMO_MARK).exists():
        raise ConfigError(
            f"{home} holds an archive that is not the demo's; choose another --demo-home"
        )
    for name in ("index",):
        shutil.rmtree(home / name, ignore_errors=True)
    for path in home.glob("broadsheet.db*"):
        path.unlink()


def demo_settings(settings: Settings, home: Path) -> Settings:
    fetch = settings.fetch.model_copy(
        update={"allow_private_hosts": (*settings.fetch.allow_private_hosts, "127.0.0.1")}
    )
    poll = settings.poll.model_copy(update={"workers": 4})
    return settings.model_copy(update={"home": home, "fetch": fetch, "poll": poll})


def run_demo(
    settings: Settings,
    *,
    start: date = date(2008, 1, 1),
    end: date = date(2008, 12, 31),
    seed: int = 7,
    steps: int = 4,
    max_events: int | None = 24,
    enrich: bool = True,
    fresh: bool = True,
    say: Callable[[str], None] = print,
    on_step: Callable[[int, datetime, int], None] | None = None,
) -> DemoReport:
    """Replay [start, end] of the simulated wire into a demo archive under settings.home."""
    from ..service import open_service

    home = settings.home
    if fresh:
        clear_demo_archive(home)
    home.mkdir(parents=True, exist_ok=True)
    (home / DEMO_MARK).write_text(SIMULATED_NOTICE + "\n", "utf-8")
    cfg = demo_settings(settings, home)
    stories: list[WireStory] = generate_wire(start, end, seed=seed, max_events=max_events)
    if not stories:
        raise ValueError(f"the wire has no stories between {start} and {end}")
    first, last = stories[0].published_at, stories[-1].published_at
    span = (last - first) / max(steps, 1)
    say(f"{SIMULATED_NOTICE}")
    say(
        f"{len(stories)} stories from {first:%Y-%m-%d} to {last:%Y-%m-%d}, "
        f"replayed in {steps} steps"
    )
    new_per_step: list[int] = []
    with DemoWireServer(stories) as wire, open_service(cfg, enrich=enrich) as svc:
        written = svc.ensure_prices()
        if written:
            say(f"loaded {written:,} daily price bars (AAPL, IBM, MSFT, GOOG, FB)")
        clock = first + span
        wire.advance_to(clock)
        added = 0
        for url in wire.feed_urls():
            for view in svc.subscribe(url):
                added += 1
                say(f"subscribed to {view.source.title} ({view.source.url})")
        new_per_step.append(svc.store.count_articles())
        if on_step:
            on_step(0, clock, new_per_step[-1])
        for step in range(1, steps):
            clock = first + span * (step + 1) + timedelta(seconds=1)
            published = wire.advance_to(clock)
            before = svc.store.count_articles()
            polled = svc.poll(force=True)
            after = svc.store.count_articles()
            new_per_step.append(after - before)
            say(
                f"[{clock:%Y-%m-%d}] wire has {published} stories; "
                f"polled {len(polled.outcomes)} feeds: {after - before} new"
            )
            if on_step:
                on_step(step, clock, after - before)
        feed_hits = [s for p, s in wire.requests if p.endswith("rss.xml")]
        # one more poll with nothing new: every feed should answer 304 Not Modified
        svc.poll(force=True)
        feed_hits_after = [s for p, s in wire.requests if p.endswith("rss.xml")]
        report = DemoReport(
            home=home,
            stories_published=len(wire.published()),
            articles_stored=svc.store.count_articles(),
            sources=added,
            steps=steps,
            new_per_step=new_per_step,
            feed_requests=len(feed_hits_after),
            not_modified=sum(1 for s in feed_hits_after[len(feed_hits) :] if s == 304),
        )
    return report


def utc(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)
