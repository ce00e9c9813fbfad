#!/usr/bin/env python3
"""Which right candidates the attribution classifier turns down, and why.

usage: quotes_class_study.py TRAIN_DIR --docbin F [--skip-every 4] [--out rows.jsonl]

Every candidate of the fitted-on documents (every ``--skip-every``-th document left out,
as the protocol's held-out quarter; only the others are read), with the shipped model's
score, its label (the reference scorer would count it) and whether ``find_quotes``
emits it. Prints counts of right candidates not emitted by pattern, cue lemma and score
margin, and writes one JSON row per candidate with ``--out``.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

from broadsheet.bench.quotes_fit import _right, iter_split, load_docs, read_gold
from broadsheet.enrich.quotes import entities_from_doc
from broadsheet.enrich.quotes.features import _score, candidate_features
from broadsheet.enrich.quotes.find import _build
from broadsheet.enrich.quotes.lexicon import _lexicon


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train_dir", type=Path)
    parser.add_argument("--docbin", type=Path, required=True)
    parser.add_argument("--skip-every", type=int, default=4)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    rows = iter_split(args.train_dir)
    docs = load_docs(args.train_dir, args.docbin)
    lex = _lexicon()
    found: list[dict] = []
    for n, ((doc_id, text, ann), doc) in enumerate(zip(rows, docs, strict=True)):
        if args.skip_every and n % args.skip_every == 0:
            continue
        gold = read_gold(ann, text)
        ents = entities_from_doc(doc, text)
        info: dict[int, tuple[float, list[str]]] = {}

        def record(cand, content, text, info=info):
            s = _score(cand, content, text)
            info[id(cand)] = (s, candidate_features(cand, content, text))
            return s

        every = _build(doc, ents, record, None, cutoff=-1e9, one_per_verb=False)
        emitted = {
            (q.content, cand.pattern, cand.verb.i if cand.verb is not None else -1)
            for cand, q in _build(doc, ents, _score, None, cutoff=lex.cutoff)
        }
        for cand, q in every:
            if id(cand) not in info:
                continue
            score, feats = info[id(cand)]
            vi = cand.verb.i if cand.verb is not None else -1
            right = _right(q.content, q.source, gold)
            gold_cue = cand.cue is not None and any(
                cand.cue[0] < e and s < cand.cue[1] for g in gold for s, e in g["cue"]
            )
            row = {
                "doc": doc_id,
                "verb": vi,
                "pattern": cand.pattern,
                "lemma": cand.lemma,
                "content": list(q.content),
                "text": text[q.content[0] : q.content[1]][:120],
                "score": round(score, 3),
                "right": right,
                "gold_cue": gold_cue,
                "emitted": (q.content, cand.pattern, vi) in emitted,
                "feats": feats,
            }
            found.append(row)
    print(json.dumps(_why(found, lex.cutoff), indent=1))
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in found), "utf-8")
    return 0


def _jaccard(a: list[int], b: list[int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def _why(found: list[dict], cutoff: float) -> dict[str, int]:
    """Why each right candidate is not emitted: below the cutoff (by margin), or above it
    but another pattern of its verb, or another verb's overlapping quote, was taken."""
    c: collections.Counter[str] = collections.Counter()
    by_doc: dict[str, list[dict]] = collections.defaultdict(list)
    for r in found:
        by_doc[r["doc"]].append(r)
        c["candidates"] += 1
        c["right"] += r["right"]
        c["emitted"] += r["emitted"]
        c["emitted right"] += r["right"] and r["emitted"]
    for rs in by_doc.values():
        emitted = [r for r in rs if r["emitted"]]
        for r in rs:
            if not r["right"] or r["emitted"]:
                continue
            same = [o for o in emitted if r["verb"] >= 0 and o["verb"] == r["verb"]]
            if r["score"] < cutoff:
                margin = cutoff - r["score"]
                band = "<0.5" if margin < 0.5 else "<1" if margin < 1 else ">=1"
                key = "verb emits another" if same else f"nothing of the verb, margin {band}"
                c["below: " + key] += 1
                c[f"below, nothing of the verb: {r['pattern']}"] += not same
            elif same:
                c[f"above: the verb emits {same[0]['pattern']} (right {same[0]['right']})"] += 1
            elif any(_jaccard(o["content"], r["content"]) >= 0.5 for o in emitted):
                c["above: another verb's overlapping quote"] += 1
            else:
                c["above: other (content grown by a continuation)"] += 1
    return {k: v for k, v in c.most_common() if v >= 10}


if __name__ == "__main__":
    sys.exit(main())
