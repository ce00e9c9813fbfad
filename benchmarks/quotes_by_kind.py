#!/usr/bin/env python3
"""Attribution precision, recall and F1 by kind (direct, mixed, indirect) and precision by
cue class, for ``broadsheet analyze --plain --format jsonl`` output on a PolNeAR split.

usage: quotes_by_kind.py SPLIT_DIR PREDICTIONS.jsonl

Matching is the reference scorer's (``shared/tools/score_quotes.py``: content Jaccard >=
0.5, one to one, best overlap first; right when the source overlaps the gold Source, or
both are empty). Recall by kind uses the gold attribution's kind, precision the predicted
quote's kind read the same way from its own content (a quote mark first: direct; one
inside: mixed); precision by cue class uses the ``cue_class`` field. The overall figures
equal the reference scorer's.
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

from broadsheet.bench.quotes_fit import iter_split, matched_pairs, read_gold, source_right

_MARKS = '"“”‘’«»'


def _kind(text: str) -> str:
    body = text.strip()
    return (
        "direct"
        if body[:1] in _MARKS
        else "mixed"
        if any(q in body for q in _MARKS)
        else "indirect"
    )


def main(split: Path, pred_path: Path) -> dict[str, object]:
    preds = {}
    for line in pred_path.read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            preds[str(row["id"])] = [q for q in row.get("quotes") or [] if q.get("content")]
    c: collections.Counter[str] = collections.Counter()
    for doc_id, text, ann in iter_split(split):
        gold = read_gold(ann, text)
        pred = preds.get(doc_id, [])
        kinds = [_kind(text[q["content"][0] : q["content"][1]]) for q in pred]
        for g in gold:
            c["gold|" + g["kind"]] += 1
        for k, q in zip(kinds, pred, strict=True):
            c["pred|" + k] += 1
            c["class|" + str(q.get("cue_class"))] += 1
        for i, j in matched_pairs(pred, gold):
            g, p = gold[j], pred[i]
            right = source_right(p, g)
            if right:
                c["hit_gold|" + g["kind"]] += 1
                c["hit_pred|" + kinds[i]] += 1
                c["hit_class|" + str(p.get("cue_class"))] += 1

    def prf(hp: int, np_: int, hr: int, ng: int) -> dict[str, float]:
        p = hp / np_ if np_ else 0.0
        r = hr / ng if ng else 0.0
        return {
            "p": round(p, 4),
            "r": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        }

    out: dict[str, object] = {}
    for k in ("direct", "mixed", "indirect"):
        out[k] = prf(c["hit_pred|" + k], c["pred|" + k], c["hit_gold|" + k], c["gold|" + k])
    hits = sum(c["hit_gold|" + k] for k in ("direct", "mixed", "indirect"))
    n_pred = sum(c["pred|" + k] for k in ("direct", "mixed", "indirect"))
    n_gold = sum(c["gold|" + k] for k in ("direct", "mixed", "indirect"))
    out["all"] = prf(hits, n_pred, hits, n_gold)
    out["precision_by_cue_class"] = {
        k: {"predicted": c["class|" + k], "p": round(c["hit_class|" + k] / c["class|" + k], 4)}
        for k in ("speech", "writing", "thought", "action")
        if c["class|" + k]
    }
    return out


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
