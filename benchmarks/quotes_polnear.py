#!/usr/bin/env python3
"""Run quote attribution over a PolNeAR split and write score_quotes.py's prediction JSONL.

usage: quotes_polnear.py SPLIT_DIR OUT.jsonl [--limit N] [--docbin FILE] [--analyze] [--score]

SPLIT_DIR holds text/<doc>.txt. Each text is parsed with broadsheet.enrich.nlp.load_nlp() (sentence
breaks at paragraph ends)
(on the quote-straightened text, offsets unchanged) and entities come from the parse via
enrich.quotes.entities_from_doc; with --analyze, broadsheet.enrich.analyze_text does the
whole enrichment instead. --docbin reuses parses saved by an earlier run (spaCy DocBin,
written there when the file does not exist yet). Timing goes to stderr as JSON.

Then score: python /work/shared/tools/score_quotes.py SPLIT_DIR OUT.jsonl
(--score prints the same figures from broadsheet.bench.quotes_fit.score_predictions, which
also reads the training split's one malformed annotation line that the reference trips on.)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from broadsheet.enrich.nlp import load_nlp
from broadsheet.enrich.quotes import entities_from_doc, find_quotes, straighten_quotes
from broadsheet.models import Quote


def _rows(quotes: list[Quote]) -> list[dict[str, Any]]:
    return [
        {
            "content": list(q.content),
            "source": list(q.source) if q.source else None,
            "cue": list(q.cue) if q.cue else None,
            "speaker": q.speaker,
            "kind": q.kind,
        }
        for q in quotes
    ]


def _parsed(texts: list[str], docbin: Path | None) -> Iterator[Any]:
    from spacy.tokens import DocBin

    nlp = load_nlp()
    if docbin is not None and docbin.exists():
        yield from DocBin().from_disk(docbin).get_docs(nlp.vocab)
        return
    store = DocBin() if docbin is not None else None
    for doc in nlp.pipe((straighten_quotes(t) for t in texts), batch_size=16):
        if store is not None:
            store.add(doc)
        yield doc
    if store is not None and docbin is not None:
        store.to_disk(docbin)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("split_dir", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--docbin", type=Path)
    parser.add_argument("--analyze", action="store_true")
    parser.add_argument("--score", action="store_true")
    args = parser.parse_args(argv)
    files = sorted((args.split_dir / "text").glob("*.txt"))
    if args.limit:
        files = files[: args.limit]
    texts = [f.read_text("utf-8") for f in files]
    predictions: dict[str, list[dict[str, Any]]] = {}
    words = sum(len(t.split()) for t in texts)
    started = time.perf_counter()
    rule_seconds = 0.0
    with args.out.open("w", encoding="utf-8") as out:
        if args.analyze:
            from broadsheet.enrich import analyze_text

            for path, text in zip(files, texts, strict=True):
                quotes = list(analyze_text(text).quotes)
                predictions[path.stem] = _rows(quotes)
                out.write(json.dumps({"id": path.stem, "quotes": _rows(quotes)}) + "\n")
        else:
            for path, text, doc in zip(files, texts, _parsed(texts, args.docbin), strict=True):
                t0 = time.perf_counter()
                quotes = find_quotes(doc, entities_from_doc(doc, text))
                rule_seconds += time.perf_counter() - t0
                predictions[path.stem] = _rows(quotes)
                out.write(json.dumps({"id": path.stem, "quotes": _rows(quotes)}) + "\n")
    total = time.perf_counter() - started
    report = {
        "articles": len(files),
        "words": words,
        "seconds": round(total, 2),
        "articles_per_s": round(len(files) / total, 2) if total else None,
        "rules_seconds": round(rule_seconds, 3),
        "rules_articles_per_s": round(len(files) / rule_seconds, 1) if rule_seconds else None,
    }
    print(json.dumps(report), file=sys.stderr)
    if args.score:
        from broadsheet.bench.quotes_fit import score_predictions

        print(json.dumps(score_predictions(args.split_dir, predictions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
