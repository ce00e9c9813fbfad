"""Build a home with N stored and indexed stories for ``terminal_open.py`` (scenario 30).

    python benchmarks/terminal_archive.py --articles 1000000 --home /tmp/bs-1m

The stories are ``broadsheet bench search``'s synthetic corpus (``SyntheticCorpus``, seed 7:
ids 1..N in time order over 2010-2025, 40 sources, Zipfian words). The search index is built
with the search benchmark's bulk builder (``build_bench_index``); the store gets the same rows
by a direct bulk load into the articles table of a store made by ``open_store`` (its
migrations applied), because saving a million stories one by one through ``save_article``
(identity keys, near-duplicate bands, versions) takes hours here and the terminal's first
screen reads none of that. The change log stays empty, so the index is caught up and the
terminal opens on an archive that needs no indexing, as a real one that a follower keeps.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import time
from datetime import datetime
from pathlib import Path

from broadsheet.bench.search import SyntheticCorpus, build_bench_index
from broadsheet.store import open_store


def _us(when: datetime) -> int:
    return int(when.timestamp() * 1_000_000)


def load_store(corpus: SyntheticCorpus, database: Path) -> None:
    open_store(str(database)).close()  # the schema, by the store's own migrations
    conn = sqlite3.connect(database)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    done = 0
    for batch in corpus.batches():
        rows = []
        for a in batch:
            assert a.published_at is not None and a.first_seen_at is not None
            rows.append(
                (
                    a.id,
                    a.headline,
                    a.published_at.isoformat(),
                    _us(a.published_at),
                    _us(a.first_seen_at),
                    _us(a.first_seen_at),
                    a.language,
                    a.source_name,
                    a.body,
                    hashlib.sha1(a.body.encode()).hexdigest(),
                    a.id,
                )
            )
        conn.executemany(
            "INSERT INTO articles (id, headline, published_at, published_us, first_seen_us,"
            " saved_us, language, site_name, body, content_hash, story_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.commit()
        done += len(rows)
        print(f"store: {done:,} / {corpus.size:,}", file=sys.stderr, flush=True)
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    home: Path = args.home
    home.mkdir(parents=True, exist_ok=True)
    if (home / "broadsheet.db").exists():
        sys.exit(f"{home} already holds an archive")
    corpus = SyntheticCorpus(args.articles, args.seed)
    t0, c0 = time.perf_counter(), time.process_time()
    load_store(corpus, home / "broadsheet.db")
    t1, c1 = time.perf_counter(), time.process_time()
    build_bench_index(
        SyntheticCorpus(args.articles, args.seed),
        home / "index",
        lambda done, total: print(f"index: {done:,} / {total:,}", file=sys.stderr, flush=True),
    )
    t2, c2 = time.perf_counter(), time.process_time()
    print(
        json.dumps(
            {
                "articles": args.articles,
                "store_wall_s": round(t1 - t0, 1),
                "store_cpu_s": round(c1 - c0, 1),
                "index_wall_s": round(t2 - t1, 1),
                "index_cpu_s_main_thread": round(c2 - c1, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
