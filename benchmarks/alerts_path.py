"""CPU and wall time of the alert path per stored story, as a quiet box sees it.

The wire benchmark's percolation path without the box's noise: a temporary home with the
bench's 300-story archive and N saved searches (``alerts_corpus``), an ``AlertFollower``
publishing on an in-process bus, and the bench's stories stored one at a time, each
followed by its annotations, with the follower catching up after every write, as it does
on a quiet box (one change a batch: the story, then its annotations). Per story: the
follower's CPU (``time.thread_time``: percolation, ``record_alerts`` and publishing) and
wall time (its durable commit, an fsync, included), and the garbage collector's pauses.

    python benchmarks/alerts_path.py --alerts 10000 --stories 600 [--profile out.prof]

Prints one JSON object: CPU ms per story (mean and p50/p99 of the two catch-ups of a
story together), wall ms likewise, gc pauses (count, total and max ms), inbox items.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import tempfile
import time
from pathlib import Path

from broadsheet.alerts import AlertFollower
from broadsheet.bench.alerts import percentile
from broadsheet.bench.alerts_corpus import StoryMaker, make_searches
from broadsheet.store import open_store
from broadsheet.wire import InProcessBus


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=10000)
    parser.add_argument("--stories", type=int, default=600)
    parser.add_argument("--archive", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--profile", default=None)
    parser.add_argument("--freeze", action="store_true", help="gc.freeze() after compiling")
    args = parser.parse_args()

    pauses: list[float] = []
    started: list[float] = []

    by_generation: dict[int, list[float]] = {}

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            pause = (time.perf_counter() - started[0]) * 1000
            pauses.append(pause)
            by_generation.setdefault(info["generation"], []).append(pause)

    with tempfile.TemporaryDirectory(prefix="alerts-path-") as tmp:
        database = str(Path(tmp) / "broadsheet.db")
        writer = open_store(database)
        reader = open_store(database)
        maker = StoryMaker(args.seed)
        sources = {}
        for name in sorted({maker.story(n).outlet for n in range(50)}):
            slug = "-".join(name.lower().split())
            sources[name] = writer.add_source(f"https://{slug}.example/feed", "feed", name).id
        archive = StoryMaker(args.seed + 1)
        for n in range(args.archive):
            story = archive.story(n)
            saved = writer.save_article(story.article, source_id=sources[story.outlet])
            if saved.article_id is not None:
                writer.save_annotations(saved.article_id, story.annotations)
        for name, query in make_searches(args.alerts, args.seed):
            writer.add_alert(name, query, follower="alerts")
        bus = InProcessBus()
        sub = bus.subscribe(maxsize=1_000_000)
        follower = AlertFollower(reader, bus)
        t0 = time.perf_counter()
        follower.catch_up()  # compiles the searches
        compile_s = time.perf_counter() - t0
        if args.freeze:
            gc.collect()
            gc.freeze()
        stories = [maker.story(n) for n in range(args.stories)]
        gc.callbacks.append(on_gc)
        cpu: list[float] = []
        wall: list[float] = []
        profile = cProfile.Profile(time.thread_time) if args.profile else None
        for story in stories:
            saved = writer.save_article(story.article, source_id=sources[story.outlet])
            c0, w0 = time.thread_time(), time.perf_counter()
            if profile:
                profile.enable()
            follower.catch_up()
            if profile:
                profile.disable()
            c1, w1 = time.thread_time(), time.perf_counter()
            if saved.article_id is not None:
                writer.save_annotations(saved.article_id, story.annotations)
            c2, w2 = time.thread_time(), time.perf_counter()
            if profile:
                profile.enable()
            follower.catch_up()
            if profile:
                profile.disable()
            c3, w3 = time.thread_time(), time.perf_counter()
            cpu.append((c1 - c0 + c3 - c2) * 1000)
            wall.append((w1 - w0 + w3 - w2) * 1000)
            while sub.get(0) is not None:
                pass
        gc.callbacks.remove(on_gc)
        tracked = [len(gc.get_objects(g)) for g in range(3)] + [gc.get_freeze_count()]
        if profile and args.profile:
            profile.dump_stats(args.profile)
        result = {
            "alerts": args.alerts,
            "stories": len(stories),
            "compile_s": round(compile_s, 2),
            "fired": follower.fired,
            "published": follower.published,
            "cpu_ms": {
                "mean": round(sum(cpu) / len(cpu), 3),
                "p50": round(percentile(cpu, 50), 3),
                "p99": round(percentile(cpu, 99), 3),
            },
            "wall_ms": {
                "mean": round(sum(wall) / len(wall), 3),
                "p50": round(percentile(wall, 50), 3),
                "p99": round(percentile(wall, 99), 3),
                "max": round(max(wall), 3),
            },
            "gc": {
                "tracked": tracked,
                "pauses": len(pauses),
                "total_ms": round(sum(pauses), 1),
                "max_ms": round(max(pauses, default=0.0), 2),
                "by_generation": {
                    g: [len(p), round(sum(p), 1), round(max(p), 2)]
                    for g, p in sorted(by_generation.items())
                },
            },
        }
        reader.close()
        writer.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
