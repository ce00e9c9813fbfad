#!/usr/bin/env python3
"""How much choosing a content's end could win, and what the rules of choosing it get.

usage: quotes_bounds_study.py SPLIT_DIR --docbin F [--skip-every 4] [--only-every 0]

For every candidate (every verb, every pattern but the split sentence, which is never cut)
whose cue overlaps a gold cue: the content each possible end gives (each cut place of
``bounds.cut_points`` and the uncut span, through ``content._content`` as find_quotes
shapes it) and its best Jaccard with the gold contents of that cue. Counts the candidates
whose content matches (Jaccard >= 0.5, the scorer's match) under each rule:

  shipped     the first cut whose rate in the cut table is over one half (``trim_tokens``)
  uncut       no cut
  oracle      the best end (the ceiling of any end rule)
  p(J>=t)     the end with the largest expected chance of matching, the gold end's
              distribution read off the table's rates as hazards (t = 0.5 is the
              "expected Jaccard" rule of the third round; 0.7, 0.9 aim inside the match)
  mean J      the end with the largest expected Jaccard

and, for the candidates no end can fix, whether their start is the gold's (within 3
characters). Then the same by gold attribution (a cue can have several candidates): gold
some candidate of its cue matches as shipped, and gold that only another end would match.
``--skip-every 4`` leaves out quotes_fit ``--holdout-every 4``'s held-out documents;
``--only-every 4`` reads only those. Reads the table as shipped.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

from broadsheet.bench.quotes_fit import _jaccard, iter_split, load_docs, read_gold
from broadsheet.enrich.quotes.arrays import doc_arrays, release
from broadsheet.enrich.quotes.bounds import _cut_keys, _cut_points, load_cut_table, trim_tokens
from broadsheet.enrich.quotes.candidates import _collect_candidates, _span_chars
from broadsheet.enrich.quotes.content import _content, _paragraph_bounds
from broadsheet.enrich.quotes.marks import find_quote_spans

THRESHOLDS = (0.5, 0.7, 0.9)


def _choose(spans: list[tuple[int, int]], probs: list[float], t: float | None) -> int:
    """The end with the largest expected chance of Jaccard >= t with the gold end (the
    largest expected Jaccard when t is None); the earlier on a tie."""
    best, chosen = -1.0, 0
    for i, mine in enumerate(spans):
        value = 0.0
        for p, theirs in zip(probs, spans, strict=True):
            j = _jaccard(mine, theirs)
            value += p * j if t is None else p * (j >= t)
        if value > best + 1e-12:
            best, chosen = value, i
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", type=Path)
    parser.add_argument("--docbin", type=Path)
    parser.add_argument("--skip-every", type=int, default=0)
    parser.add_argument("--only-every", type=int, default=0)
    args = parser.parse_args(argv)
    rows = iter_split(args.split)
    docs = load_docs(args.split, args.docbin)
    table = load_cut_table()
    c: collections.Counter[str] = collections.Counter()
    for n, ((_, text, ann), doc) in enumerate(zip(rows, docs, strict=True)):
        if args.skip_every and n % args.skip_every == 0:
            continue
        if args.only_every and n % args.only_every:
            continue
        release()
        gold = read_gold(ann, text)
        quotes = find_quote_spans(text)
        starts = [q[0] for q in quotes]
        breaks = _paragraph_bounds(text)
        a = doc_arrays(doc)
        gold_shipped: set[int] = set()
        gold_oracle: set[int] = set()
        gold_seen: set[int] = set()
        for cand in _collect_candidates(doc, None, text, quotes):
            if cand.tokens is None or cand.cue is None or cand.pattern.startswith("split"):
                continue
            cue = cand.cue
            golds = [g for g in gold if any(cue[0] < e and s < cue[1] for s, e in g["cue"])]
            if not golds:
                continue
            first, last = cand.tokens
            cuts = _cut_points(a, first, last)
            ends = [k - 1 for k, _ in cuts] + [last]
            raw, match = [], []
            shipped = ends.index(trim_tokens(doc, first, last, cand.pattern))
            for i, e in enumerate(ends):
                raw.append(_span_chars(doc, first, e))
                cand.content = raw[-1]
                shaped = _content(text, cand, quotes, starts, breaks)
                hits = [id(g) for g in golds if shaped and _jaccard(shaped, g["content"]) >= 0.5]
                match.append(bool(hits))
                gold_oracle.update(hits)
                if i == shipped:
                    gold_shipped.update(hits)
            gold_seen.update(id(g) for g in golds)
            rates = []
            for k, d in cuts:
                keys = _cut_keys(a, k, d, cand.pattern, first, last)
                rates.append(next((table[key] for key in keys if key in table), 0.0))
            probs, alive = [], 1.0
            for rate in rates:
                probs.append(alive * rate)
                alive *= 1 - rate
            probs.append(alive)
            c["candidates"] += 1
            c["shipped"] += match[shipped]
            c["uncut"] += match[-1]
            c["oracle"] += any(match)
            for t in THRESHOLDS:
                c[f"p(J>={t})"] += match[_choose(raw, probs, t)]
            c["mean J"] += match[_choose(raw, probs, None)]
            if not any(match):
                start_right = any(abs(g["content"][0] - a.idx[first]) <= 3 for g in golds)
                c["no end matches, start " + ("right" if start_right else "off")] += 1
            elif not match[shipped]:
                c["another end matches"] += 1
        c["gold with a candidate of its cue"] += len(gold_seen)
        c["gold matched as shipped"] += len(gold_shipped)
        c["gold matched by another end only"] += len(gold_oracle - gold_shipped)
        release()
    print(json.dumps(dict(c)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
