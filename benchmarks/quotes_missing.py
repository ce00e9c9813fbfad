#!/usr/bin/env python3
"""Dump the gold attributions no candidate reaches, one JSON line each, for categorising.

usage: quotes_missing.py SPLIT_DIR --docbin FILE --skip-every 4 > missing.jsonl

"No candidate" is quotes_errors.py's bucket: no candidate of any verb and pattern (no
cutoff) has content Jaccard >= 0.5 with the gold. Each line holds the gold cue's words and
head (POS, lemma, dep, the head's head), the content and source words, where the source is
(same sentence, an earlier or a later one, none), the content's place against the cue, and
the sentence. Develop on train's fitted-on quarters only (--skip-every 4).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from broadsheet.bench.quotes_fit import _jaccard, iter_split, load_docs, read_gold
from broadsheet.enrich.quotes import entities_from_doc
from broadsheet.enrich.quotes.find import _build


def _zero(*_: Any) -> float:
    return 0.0


def _where(doc: Any, span: tuple[int, int], sent: Any) -> str:
    if span is None:
        return "none"
    if sent.start_char <= span[0] < sent.end_char:
        return "same"
    return "before" if span[0] < sent.start_char else "after"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("split", type=Path)
    parser.add_argument("--docbin", type=Path)
    parser.add_argument("--skip-every", type=int, default=4)
    args = parser.parse_args(argv)
    docs = load_docs(args.split, args.docbin)
    rows = iter_split(args.split)[: len(docs)]
    for n, ((doc_id, text, ann), doc) in enumerate(zip(rows, docs, strict=True)):
        if args.skip_every and n % args.skip_every == 0:
            continue
        ents = entities_from_doc(doc, text)
        every = [q for _, q in _build(doc, ents, _zero, None, cutoff=-1.0, one_per_verb=False)]
        for g in read_gold(ann, text):
            if any(_jaccard(q.content, g["content"]) >= 0.5 for q in every):
                continue
            cue = g["cue"]
            mine = [
                q
                for q in every
                if q.cue and cue and any(q.cue[0] < e and s < q.cue[1] for s, e in cue)
            ]
            head = None
            if cue:
                span = doc.char_span(cue[0][0], cue[-1][1], alignment_mode="expand")
                head = span.root if span is not None and len(span) else None
            cs, ce = g["content"]
            csp = doc.char_span(cs, ce, alignment_mode="expand")
            sent = (head if head is not None else csp[0]).sent
            src = g["source"]
            src_span = (src[0][0], src[-1][1]) if src else None
            print(
                json.dumps(
                    {
                        "doc": doc_id,
                        "kind": g["kind"],
                        "cue": " / ".join(text[s:e] for s, e in cue).lower(),
                        "head": None
                        if head is None
                        else [head.pos_, head.lemma_.lower(), head.dep_, head.tag_],
                        "head_head": None
                        if head is None
                        else [head.head.pos_, head.head.lemma_.lower(), head.head.dep_],
                        "content_place": "none"
                        if not cue
                        else "inside"
                        if cs <= cue[0][0] and cue[-1][1] <= ce
                        else "after"
                        if cs >= cue[-1][1]
                        else "before"
                        if ce <= cue[0][0]
                        else "overlap",
                        "cue_cands": len(mine),
                        "cue_best": max(
                            (_jaccard(q.content, g["content"]) for q in mine), default=0
                        ),
                        "content_sents": len(list(csp.sents)) if csp is not None else 0,
                        "source": " / ".join(text[s:e] for s, e in src),
                        "source_where": _where(doc, src_span, sent),
                        "content": text[cs:ce][:200],
                        "sent": sent.text[:300],
                    }
                )
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
