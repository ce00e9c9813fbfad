#!/usr/bin/env python3
"""The held-out quarter with the content cut table fitted without it as well.

usage: quotes_bounds_holdout.py TRAIN_DIR --docbin F

``quotes_protocol.py`` scores the held-out quarter with the shipped cut table, which was
fitted on all of train, held-out documents included. This fits the cut table
(``quotes_fit.fit_bounds``) and the classifier on the other three quarters only, and
scores every 4th document at the tuned cutoff and offsets from it (the honest figure for
a change to the cuts). Writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from broadsheet.bench.quotes_fit import (
    collect_examples,
    fit_bounds,
    fit_model,
    iter_split,
    load_docs,
    tune_cutoff,
)
from broadsheet.enrich.quotes import bounds

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quotes_protocol import _at_offsets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train_dir", type=Path)
    parser.add_argument("--docbin", type=Path, required=True)
    args = parser.parse_args(argv)
    rows = iter_split(args.train_dir)
    docs = load_docs(args.train_dir, args.docbin)
    held = set(range(0, len(rows), 4))
    fit_rows = [r for i, r in enumerate(rows) if i not in held]
    fit_docs = [d for i, d in enumerate(docs) if i not in held]
    test_rows = [r for i, r in enumerate(rows) if i in held]
    test_docs = [d for i, d in enumerate(docs) if i in held]
    table = fit_bounds(args.train_dir, fit_docs, rows=fit_rows)
    bounds.load_cut_table = lambda: table  # type: ignore[assignment]
    feats, labels, n_gold = collect_examples(args.train_dir, fit_docs, fit_rows)
    model = tune_cutoff(args.train_dir, fit_docs, fit_model(feats, labels, n_gold), fit_rows)
    report = {
        "figure": "held-out quarter, cut table fitted without it",
        "cutoff": model["cutoff"],
        "fit_f1": model["train_f1"],
        **_at_offsets(args.train_dir, test_docs, test_rows, model),
    }
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
