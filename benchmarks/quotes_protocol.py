#!/usr/bin/env python3
"""The quote protocol in one process: held-out quarter, refit on all of train, dev.

usage: quotes_protocol.py TRAIN_DIR --docbin F DEV_DIR --dev-docbin F [--out model.json]
                          [--skip-holdout] [--skip-dev]

1. Held out: fit the classifier on three quarters of train (every 4th document left out,
   as ``quotes_fit --holdout-every 4``), tune its cutoff there, score the left-out quarter
   at the tuned cutoff and at offsets from it (the shipped convention is tuned + 0.2).
2. Refit on all of train (as ``quotes_fit TRAIN``), tuned cutoff; the shipped model takes
   the tuned cutoff + 0.2 (round 7's convention); ``--out`` writes it.
3. Dev: the refitted model through parse + find_quotes (the DocBin), at the same offsets.

The cut table is the shipped one (``data/bounds.json``) throughout, as in the headline
figures of benchmarks/quotes.md. Prints one JSON line per figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from broadsheet.bench.quotes_fit import (
    collect_examples,
    fit_model,
    iter_split,
    load_docs,
    predict_split,
    score_predictions,
    tune_cutoff,
)

OFFSETS = (-0.1, 0.0, 0.1, 0.2, 0.3)
SHIPPED_OFFSET = 0.2


def _brief(scored: dict[str, Any]) -> dict[str, Any]:
    att = scored["attribution"]
    return {
        "p": att["precision"],
        "r": att["recall"],
        "f1": att["f1"],
        "recall_by_kind": scored["attribution_recall_by_kind"],
    }


def _at_offsets(
    split: Path, docs: list[Any], rows: list[Any], model: dict[str, Any]
) -> dict[str, Any]:
    cutoffs = [float(model["cutoff"]) + d for d in OFFSETS]
    out = {}
    for d, predictions in zip(OFFSETS, predict_split(docs, rows, model, cutoffs), strict=True):
        out[f"{d:+.1f}"] = _brief(score_predictions(split, predictions, rows))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train_dir", type=Path)
    parser.add_argument("--docbin", type=Path, required=True)
    parser.add_argument("dev_dir", type=Path)
    parser.add_argument("--dev-docbin", type=Path, required=True)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--skip-holdout", action="store_true")
    parser.add_argument("--skip-dev", action="store_true")
    args = parser.parse_args(argv)
    started = time.process_time()
    rows = iter_split(args.train_dir)
    docs = load_docs(args.train_dir, args.docbin)
    if not args.skip_holdout:
        held = set(range(0, len(rows), 4))
        fit_rows = [r for i, r in enumerate(rows) if i not in held]
        fit_docs = [d for i, d in enumerate(docs) if i not in held]
        test_rows = [r for i, r in enumerate(rows) if i in held]
        test_docs = [d for i, d in enumerate(docs) if i in held]
        feats, labels, n_gold = collect_examples(args.train_dir, fit_docs, fit_rows)
        model = tune_cutoff(args.train_dir, fit_docs, fit_model(feats, labels, n_gold), fit_rows)
        report = {
            "figure": "held-out quarter",
            "cutoff": model["cutoff"],
            "fit_f1": model["train_f1"],
            "candidates": len(labels),
            "right": sum(labels),
            **_at_offsets(args.train_dir, test_docs, test_rows, model),
        }
        print(json.dumps(report), flush=True)
    if args.skip_dev and args.out is None:
        return 0
    feats, labels, n_gold = collect_examples(args.train_dir, docs, rows)
    model = tune_cutoff(args.train_dir, docs, fit_model(feats, labels, n_gold), rows)
    tuned = float(model["cutoff"])
    shipped = {**model, "cutoff": round(tuned + SHIPPED_OFFSET, 4)}
    print(json.dumps({"figure": "refit on train", "tuned": tuned, "f1": model["train_f1"]}))
    if args.out is not None:
        args.out.write_text(json.dumps(shipped, indent=0, sort_keys=True) + "\n", "utf-8")
    if not args.skip_dev:
        dev_rows = iter_split(args.dev_dir)
        dev_docs = load_docs(args.dev_dir, args.dev_docbin)
        report = {"figure": "dev", **_at_offsets(args.dev_dir, dev_docs, dev_rows, model)}
        print(json.dumps(report), flush=True)
    print(json.dumps({"cpu_s": round(time.process_time() - started, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
