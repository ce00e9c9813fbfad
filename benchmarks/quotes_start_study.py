#!/usr/bin/env python3
"""Where find_quotes' contents start and end against the gold of the same cue.

usage: quotes_start_study.py SPLIT_DIR --docbin F [--skip-every 4] [--examples N]

For every quote find_quotes gives (``find._build``, the shipped classifier and cutoff)
whose cue overlaps a gold cue and whose content overlaps a gold content of that cue but
misses it (Jaccard < 0.5 with all of them): the gold content it overlaps most, and how the
two differ at each edge (more than 3 characters apart), bucketed by pattern, quotation
marks at the edges and the first word only one side has, with ``--examples N`` of each.
``--skip-every 4`` leaves out the held-out quarter (analysis on the fitted-on documents).
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

from broadsheet.bench.quotes_fit import _jaccard, iter_split, load_docs, read_gold
from broadsheet.enrich.quotes import entities_from_doc
from broadsheet.enrich.quotes.features import _score
from broadsheet.enrich.quotes.find import _build
from broadsheet.enrich.quotes.lexicon import _lexicon
from broadsheet.enrich.quotes.marks import QUOTE_CHARS


def _shape(piece: str) -> str:
    words = re.findall(r"[\w'’]+|[^\w\s]", piece.lower())
    if not words:
        return "(punct/space)"
    return " ".join(words[:2]) + (" …" if len(words) > 2 else "") + f" [{len(words)}w]"


def _edge(pattern: str, ours_q: bool, gold_q: bool, piece: str) -> str:
    """The pattern, whether each side's edge is a quotation mark, and the first word of
    the words only one side has."""
    words = piece.split()
    first = words[0].lower() if words else ""
    return f"{pattern} oursQ={ours_q:d} goldQ={gold_q:d} first={first}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("split", type=Path)
    parser.add_argument("--docbin", type=Path)
    parser.add_argument("--skip-every", type=int, default=0)
    parser.add_argument("--examples", type=int, default=0)
    args = parser.parse_args(argv)
    rows = iter_split(args.split)
    docs = load_docs(args.split, args.docbin)
    c: collections.Counter[str] = collections.Counter()
    shapes: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    examples: dict[str, list[str]] = collections.defaultdict(list)
    for n, ((_, text, ann), doc) in enumerate(zip(rows, docs, strict=True)):
        if args.skip_every and n % args.skip_every == 0:
            continue
        gold = read_gold(ann, text)
        lex = _lexicon()
        built = _build(doc, entities_from_doc(doc, text), _score, lex.lemmas, cutoff=lex.cutoff)
        for cand, q in built:
            if q.cue is None:
                continue
            golds = [g for g in gold if any(q.cue[0] < e and s < q.cue[1] for s, e in g["cue"])]
            if not golds:
                continue
            c["quotes with a gold cue"] += 1
            best = max(golds, key=lambda g: _jaccard(q.content, g["content"]))
            if _jaccard(q.content, best["content"]) >= 0.5:
                c["match"] += 1
                continue
            (s, e), (gs, ge) = q.content, best["content"]
            if min(e, ge) <= max(s, gs):
                c["no overlap"] += 1
                continue
            ds, de = abs(s - gs) > 3, abs(e - ge) > 3
            where = {(True, False): "start", (False, True): "end", (True, True): "both"}
            shapes["pattern"][cand.pattern] += 1
            key = where.get((ds, de), "edges within 3")
            c["miss: " + key] += 1
            if ds:
                k = "ours starts earlier: " if s < gs else "gold starts earlier: "
                piece = text[s:gs] if s < gs else text[gs:s]
                qo, qg = text[s] in QUOTE_CHARS, text[gs] in QUOTE_CHARS
                shapes["start"][k + _edge(cand.pattern, qo, qg, piece)] += 1
                shapes["startshape"][k + _shape(piece)] += 1
                c["start " + k] += 1
                if len(examples[k]) < args.examples:
                    examples[k].append(f"OURS[{text[s:e][:160]!r}]\n   GOLD[{text[gs:ge][:160]!r}]")
            if de:
                k = "ours ends later: " if e > ge else "gold ends later: "
                piece = text[ge:e] if e > ge else text[e:ge]
                shapes["end"][k + _shape(piece)] += 1
                qo, qg = text[e - 1] in QUOTE_CHARS, text[ge - 1] in QUOTE_CHARS
                kk = k + _edge(cand.pattern, qo, qg, piece)
                shapes["endpat"][kk] += 1
                if len(examples[kk]) < args.examples:
                    examples[kk].append(
                        f"OURS[{text[s:e][-200:]!r}]\n   GOLD[{text[gs:ge][-300:]!r}]"
                    )
                c["end " + k] += 1
                if "\n" in piece:
                    c["end " + k + "across paragraph"] += 1
                if len(examples[k]) < args.examples:
                    examples[k].append(
                        f"OURS[{text[s:e][-160:]!r}]\n   GOLD[{text[gs:ge][-160:]!r}]"
                    )
    for k, v in sorted(c.items()):
        print(f"{v:6d}  {k}")
    for edge, counter in shapes.items():
        print(f"--- {edge}")
        for k, v in counter.most_common(40):
            print(f"{v:6d}  {k}")
    for k, ex in examples.items():
        print(f"=== {k}")
        for x in ex:
            print(" - " + x)
    return 0


if __name__ == "__main__":
    sys.exit(main())
