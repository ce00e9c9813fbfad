#!/usr/bin/env python3
"""CPU time of ``find_quotes`` alone on the longest articles of a PolNeAR split.

usage: quotes_speed.py SPLIT_DIR --docbin FILE [--articles 20] [--rounds 7]

The parses come from a DocBin (``quotes_polnear.py --docbin`` writes one); entities from
the parse (``entities_from_doc``, not timed). Prints the words per article and the median
over rounds of the CPU milliseconds (``time.process_time``) per article. Run it under
``taskset -c 0`` and alternate it with the code it is compared to: the box's load moves
the figure by about a millisecond.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from broadsheet.bench.quotes_fit import iter_split, load_docs
from broadsheet.enrich.quotes import entities_from_doc, find_quotes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split_dir", type=Path)
    parser.add_argument("--docbin", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    rows = iter_split(args.split_dir)
    docs = load_docs(args.split_dir, args.docbin)
    longest = sorted(zip(rows, docs, strict=True), key=lambda pair: -len(pair[0][1].split()))
    chosen = longest[: args.articles]
    ents = [entities_from_doc(doc, text) for (_, text, _), doc in chosen]
    find_quotes(chosen[0][1], ents[0])  # lexicon and cut table loaded before timing
    rounds: list[float] = []
    for _ in range(args.rounds):
        started = time.process_time()
        for (_, doc), found in zip(chosen, ents, strict=True):
            find_quotes(doc, found)
        rounds.append((time.process_time() - started) / len(chosen) * 1000)
    words = sum(len(text.split()) for (_, text, _), _ in chosen) / len(chosen)
    report = {
        "articles": len(chosen),
        "words_per_article": round(words),
        "cpu_ms_per_article_median": round(statistics.median(rounds), 2),
        "rounds": [round(r, 2) for r in rounds],
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
