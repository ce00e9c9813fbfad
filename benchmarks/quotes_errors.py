#!/usr/bin/env python3
"""Where quote attribution loses gold attributions on a PolNeAR split (develop on train).

usage: quotes_errors.py SPLIT_DIR --docbin FILE [--limit N] [--show CATEGORY] [--n 30]

Every gold attribution falls in one bucket:
  hit           the shipped find_quotes gets it right
  rejected      some candidate (every verb, every pattern, no cutoff) has it right
  wrong-source  a candidate has the content right but not the source
  no-candidate  no candidate has the content (Jaccard >= 0.5); broken down by the gold
                cue's head word (part of speech, lemma) so new candidate patterns can be
                chosen by what they would recover
Prints counts, then the false positives (shipped quotes the reference scorer does not count:
wrong-source, duplicate of a matched quote, boundary (overlaps gold under half), no-gold),
then examples of --show CATEGORY.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path
from typing import Any

from broadsheet.bench.quotes_fit import (
    _jaccard,
    iter_split,
    load_docs,
    matched_pairs,
    read_gold,
    source_right,
)
from broadsheet.enrich.quotes import entities_from_doc, find_quotes
from broadsheet.enrich.quotes.find import _build


def _zero(*_: Any) -> float:
    return 0.0


def _cue_head(doc: Any, cue: list[tuple[int, int]]) -> str:
    if not cue:
        return "none"
    start, end = cue[0][0], cue[-1][1]
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return "none"
    root = span.root
    return f"{root.pos_}:{root.lemma_.lower()}:{root.dep_}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("split", type=Path)
    parser.add_argument("--docbin", type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--show", default="")
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--head", default="", help="only gold cues whose head holds this")
    parser.add_argument(
        "--skip-every",
        type=int,
        default=0,
        help="leave out every K-th document (quotes_fit --holdout-every K's held-out ones)",
    )
    args = parser.parse_args(argv)
    docs = load_docs(args.split, args.docbin, args.limit)
    rows = iter_split(args.split)[: len(docs)]
    buckets: collections.Counter[str] = collections.Counter()
    heads: collections.Counter[str] = collections.Counter()
    pos: collections.Counter[str] = collections.Counter()
    cue_words: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    fp: collections.Counter[str] = collections.Counter()
    for n, ((_, text, ann), doc) in enumerate(zip(rows, docs, strict=True)):
        if args.skip_every and n % args.skip_every == 0:
            continue
        gold = read_gold(ann, text)
        ents = entities_from_doc(doc, text)
        shipped = find_quotes(doc, ents)
        every = [q for _, q in _build(doc, ents, _zero, None, cutoff=-1.0, one_per_verb=False)]

        def right(q: Any, g: dict[str, Any]) -> bool:
            if _jaccard(q.content, g["content"]) < 0.5:
                return False
            if q.source is None:
                return not g["source"]
            return any(q.source[0] < e and s < q.source[1] for s, e in g["source"])

        for g in gold:
            if any(right(q, g) for q in shipped):
                cat = "hit"
            elif any(right(q, g) for q in every):
                cat = "rejected"
            elif any(_jaccard(q.content, g["content"]) >= 0.5 for q in every):
                cat = "wrong-source"
            else:
                cat = "no-candidate"
                head = _cue_head(doc, g["cue"])
                heads[head.rsplit(":", 1)[0]] += 1
                pos[head.split(":")[0] + ":" + head.rsplit(":", 1)[1]] += 1
                cue_words[" ".join(text[s:e] for s, e in g["cue"]).lower()[:40]] += 1
            buckets[cat] += 1
            buckets[cat + "|" + g["kind"]] += 1
            cs, ce = g["content"]
            if any(cs < s and e < ce for s, e in g["cue"]):
                buckets[cat + "|cue-inside"] += 1
            if cat == args.show and (not args.head or args.head in _cue_head(doc, g["cue"])):
                if cat == "wrong-source":
                    near = [q for q in every if _jaccard(q.content, g["content"]) >= 0.5]
                    ours = [text[q.source[0] : q.source[1]] if q.source else None for q in near]
                    cat_note = f" OURS={ours[:3]!r}"
                else:
                    cat_note = ""
                cue = " / ".join(text[s:e] for s, e in g["cue"])
                src = " / ".join(text[s:e] for s, e in g["source"])
                body = text[g["content"][0] : g["content"][1]].replace("\n", " ")
                examples[cat].append(
                    f"[{g['kind']}] SRC={src!r} CUE={cue!r} CONTENT={body[:160]!r}{cat_note}"
                )
        rows_p = [{"content": q.content, "source": q.source} for q in shipped]
        pairs = dict(matched_pairs(rows_p, gold))
        for i, q in enumerate(shipped):
            if i in pairs:
                if not source_right(rows_p[i], gold[pairs[i]]):
                    fp["wrong-source|" + q.kind] += 1
                continue
            near = [_jaccard(q.content, g["content"]) for g in gold]
            if any(j >= 0.5 for j in near):
                fp["duplicate|" + q.kind] += 1  # its gold went to another quote
            elif any(j > 0 for j in near):
                fp["boundary|" + q.kind] += 1  # overlaps gold, under half
            else:
                fp["no-gold|" + q.kind] += 1
    print(json.dumps(dict(sorted(buckets.items())), indent=1))
    print("no-candidate by cue head POS:dep", json.dumps(pos.most_common(25)))
    print("no-candidate by cue head POS:lemma", json.dumps(heads.most_common(60)))
    print("no-candidate by cue words", json.dumps(cue_words.most_common(60)))
    print("false positives", json.dumps(dict(sorted(fp.items()))))
    for cat, lines in examples.items():
        print(f"--- {cat}")
        for line in lines[: args.n]:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
