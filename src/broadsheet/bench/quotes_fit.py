"""Fit the cue weights of quote attribution on the PolNeAR training split.

usage: python -m broadsheet.bench.quotes_fit TRAIN_DIR [--docbin FILE] [--out FILE]
                                               [--limit N] [--bounds] [--holdout N]
                                               [--holdout-every K]

``--bounds`` fits the content cut table of ``enrich.quotes.bounds`` (``data/bounds.json``)
instead of the classifier; fit it first, the classifier sees the cut contents.

Every verb of every training article is turned into a candidate attribution (its pattern:
clause, infinitive, object, preposition, quotation, "according to"); a candidate is right
when the reference scorer would count it (content Jaccard >= 0.5, source overlapping).
The smoothed precision of each ``lemma|pattern`` is written to ``data/model.json``
with the threshold that maximises F1 on the training split. Only the training split is
read: development and test data stay unseen.
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import sys
from pathlib import Path
from typing import Any

from broadsheet.enrich import quotes as _quotes
from broadsheet.enrich.nlp import load_nlp
from broadsheet.enrich.quotes import entities_from_doc, straighten_quotes
from broadsheet.enrich.quotes.bounds import MIN_COUNT, cut_keys, cut_points
from broadsheet.enrich.quotes.candidates import _Candidate, _collect_candidates
from broadsheet.enrich.quotes.features import candidate_features
from broadsheet.enrich.quotes.find import _build

__all__ = [
    "collect_examples",
    "fit_bounds",
    "fit_model",
    "iter_split",
    "load_docs",
    "read_gold",
    "score_predictions",
    "tune_cutoff",
]

_MARKS = '"“”‘’«»'
_MODEL = Path(_quotes.__file__).resolve().parent / "data" / "model.json"


def read_gold(ann: Path, text: str) -> list[dict[str, Any]]:
    """Gold attributions of one brat file, as the reference scorer reads them (tolerating
    the odd malformed line the training split has)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    lines = ann.read_text("utf-8").splitlines()
    for line in lines:
        if line.startswith("T") and line.count("\t") >= 2:
            tid, meta, _ = line.split("\t", 2)
            _, offsets = meta.split(" ", 1)
            spans[tid] = [(int(a), int(b)) for a, b in (o.split() for o in offsets.split(";"))]
    out: list[dict[str, Any]] = []
    for line in lines:
        if not line.startswith("E"):
            continue
        roles: dict[str, list[tuple[int, int]]] = collections.defaultdict(list)
        for arg in line.split("\t")[1].split():
            role, tid = arg.split(":")
            roles[role.rstrip("0123456789")].extend(spans.get(tid, []))
        content = roles.get("Content", [])
        if not content:
            continue
        start, end = min(s for s, _ in content), max(e for _, e in content)
        body = text[start:end].strip()
        kind = (
            "direct"
            if body[:1] in _MARKS
            else "mixed"
            if any(q in body for q in _MARKS)
            else "indirect"
        )
        out.append(
            {
                "content": (start, end),
                "source": roles.get("Source", []),
                "cue": roles.get("Cue", []),
                "kind": kind,
            }
        )
    return out


def _jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def _right(
    quote_content: tuple[int, int], source: tuple[int, int] | None, gold: list[dict[str, Any]]
) -> bool:
    for g in gold:
        if _jaccard(quote_content, g["content"]) < 0.5:
            continue
        spans = g["source"]
        if source is None and not spans:
            return True
        if source is not None and any(source[0] < e and s < source[1] for s, e in spans):
            return True
    return False


def _prf(hit_p: int, n_pred: int, hit_r: int, n_gold: int) -> tuple[float, float, float]:
    p = hit_p / n_pred if n_pred else 0.0
    r = hit_r / n_gold if n_gold else 0.0
    return round(p, 4), round(r, 4), round(2 * p * r / (p + r), 4) if p + r else 0.0


def matched_pairs(pred: list[dict[str, Any]], gold: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Predicted and gold quotes paired one to one, best content overlap first, as the
    reference scorer pairs them (character Jaccard of the content spans at least 0.5)."""
    pairs = sorted(
        (
            (_jaccard(tuple(p["content"]), g["content"]), i, j)
            for i, p in enumerate(pred)
            for j, g in enumerate(gold)
        ),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    out: list[tuple[int, int]] = []
    for score, i, j in pairs:
        if score < 0.5:
            break
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out.append((i, j))
    return out


def source_right(pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    """A matched quote's source overlaps the gold Source (or both have none)."""
    src = pred.get("source")
    spans = gold["source"]
    if src and spans:
        return any(src[0] < e and s < src[1] for s, e in spans)
    return not src and not spans


def score_predictions(
    split: Path,
    predictions: dict[str, list[dict[str, Any]]],
    rows: list[tuple[str, str, Path]] | None = None,
) -> dict[str, Any]:
    """The reference scorer's figures (``score_quotes.py``) for predictions by document id,
    each a list of {"content": [s, e], "source": [s, e] | None} (over ``rows`` of the split
    when given)."""
    c: collections.Counter[str] = collections.Counter()
    rows = iter_split(split) if rows is None else rows
    for doc_id, text, ann in rows:
        gold = read_gold(ann, text)
        pred = [q for q in predictions.get(doc_id, []) if q.get("content")]
        c["gold"] += len(gold)
        c["pred"] += len(pred)
        for g in gold:
            c["gold_" + g["kind"]] += 1
        for i, j in matched_pairs(pred, gold):
            g, p = gold[j], pred[i]
            c["content_hit"] += 1
            if source_right(p, g):
                c["attribution_hit"] += 1
                c["attribution_hit_" + g["kind"]] += 1
    cp, cr, cf = _prf(c["content_hit"], c["pred"], c["content_hit"], c["gold"])
    ap, ar, af = _prf(c["attribution_hit"], c["pred"], c["attribution_hit"], c["gold"])
    by_kind = {
        k: round(c["attribution_hit_" + k] / c["gold_" + k], 4) if c["gold_" + k] else None
        for k in ("direct", "mixed", "indirect")
    }
    return {
        "documents": len(rows),
        "gold": c["gold"],
        "predicted": c["pred"],
        "content": {"precision": cp, "recall": cr, "f1": cf},
        "attribution": {"precision": ap, "recall": ar, "f1": af},
        "attribution_recall_by_kind": by_kind,
    }


def iter_split(split: Path) -> list[tuple[str, str, Path]]:
    """(doc id, text, annotation file) for every annotated document of a split."""
    rows: list[tuple[str, str, Path]] = []
    seen: set[str] = set()
    for ann in sorted((split / "attributions").glob("*.ann")):
        doc_id = ann.stem.rsplit("_", 1)[0]
        if doc_id in seen:
            continue
        seen.add(doc_id)
        rows.append((doc_id, (split / "text" / f"{doc_id}.txt").read_text("utf-8"), ann))
    return rows


def _record(
    seen: dict[int, list[str]], cand: _Candidate, content: tuple[int, int], text: str
) -> float:
    seen[id(cand)] = candidate_features(cand, content, text)
    return 0.0


def load_docs(split: Path, docbin: Path | None, limit: int = 0) -> list[Any]:
    """spaCy parses of a split's annotated documents (from a DocBin of all its texts in
    file-name order when given and present)."""
    from spacy.tokens import DocBin

    nlp = load_nlp()
    rows = iter_split(split)
    all_ids = sorted(p.stem for p in (split / "text").glob("*.txt"))
    if limit:
        rows = [r for r in rows if r[0] in set(all_ids[:limit])]
    if docbin is not None and docbin.exists():
        by_id = dict(zip(all_ids, DocBin().from_disk(docbin).get_docs(nlp.vocab), strict=False))
        return [by_id[doc_id] for doc_id, _, _ in rows]
    return list(nlp.pipe((straighten_quotes(t) for _, t, _ in rows), batch_size=16))


def fit_bounds(
    split: Path,
    docs: list[Any],
    min_count: int = MIN_COUNT,
    rows: list[tuple[str, str, Path]] | None = None,
) -> dict[str, float]:
    """The cut table of ``enrich.quotes.bounds``: for every candidate whose cue is a gold cue, and
    every place its content could be cut that the gold content reaches, whether the gold
    content ends there; smoothed rates of keys seen at least ``min_count`` times (over
    ``rows`` of the split when given)."""
    rows = iter_split(split) if rows is None else rows
    seen: collections.Counter[str] = collections.Counter()
    ends: collections.Counter[str] = collections.Counter()
    for (_, text, ann), doc in zip(rows, docs, strict=False):
        gold = read_gold(ann, text)
        for cand in _collect_candidates(doc, None, text, []):
            if cand.tokens is None or cand.cue is None:
                continue
            first, last = cand.tokens
            start = doc[first].idx
            cue = cand.cue
            match = next(
                (
                    g
                    for g in gold
                    if any(cue[0] < e and s < cue[1] for s, e in g["cue"])
                    and abs(g["content"][0] - start) <= 3
                ),
                None,
            )
            if match is None:
                continue
            g_end = match["content"][1]
            for k, dep in cut_points(doc, first, last):
                j = k - 1
                while j > first and (doc[j].is_punct or doc[j].is_space):
                    j -= 1
                if g_end <= doc[j].idx:
                    break  # the gold content ended earlier
                ended = g_end <= doc[k].idx
                for key in cut_keys(doc, k, dep, cand.pattern, first, last):
                    seen[key] += 1
                    ends[key] += int(ended)
                if ended:
                    break
    return {
        key: round((ends[key] + 0.5) / (n + 1.0), 3)
        for key, n in sorted(seen.items())
        if n >= min_count
    }


def collect_examples(
    split: Path, docs: list[Any], rows: list[tuple[str, str, Path]] | None = None
) -> tuple[list[list[str]], list[int], int]:
    """Features and labels (1 = the reference scorer would count it right) of every
    candidate attribution in a split (its ``rows`` when given), and the number of gold
    attributions."""
    rows = iter_split(split) if rows is None else rows
    features: list[list[str]] = []
    labels: list[int] = []
    n_gold = 0
    for (_, text, ann), doc in zip(rows, docs, strict=True):
        gold = read_gold(ann, text)
        n_gold += len(gold)
        seen: dict[int, list[str]] = {}
        keep = functools.partial(_record, seen)
        ents = entities_from_doc(doc, text)
        for cand, quote in _build(doc, ents, keep, None, cutoff=-1.0, one_per_verb=False):
            if id(cand) not in seen:
                continue  # continued quotations are not the classifier's business
            features.append(seen[id(cand)])
            labels.append(int(_right(quote.content, quote.source, gold)))
    return features, labels, n_gold


def fit_model(
    features: list[list[str]],
    labels: list[int],
    n_gold: int,
    *,
    min_count: int = 3,
    l2: float = 1e-4,
) -> dict[str, Any]:
    """Logistic regression over the features, and the score cutoff that maximises F1."""
    import numpy as np

    counts = collections.Counter(f for row in features for f in set(row))
    names = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: i for i, f in enumerate(names)}
    rows_idx: list[int] = []
    feat_idx: list[int] = []
    for r, row in enumerate(features):
        for f in set(row):
            if f in index:
                rows_idx.append(r)
                feat_idx.append(index[f])
    row_of = np.asarray(rows_idx)
    col_of = np.asarray(feat_idx)
    y = np.asarray(labels, dtype=float)
    n = len(labels)
    w = np.zeros(len(names))
    b = 0.0
    g2w = np.full(len(names), 1e-8)
    g2b = 1e-8
    rate = 0.5
    for _ in range(400):
        z = np.bincount(row_of, weights=w[col_of], minlength=n) + b
        p = 1.0 / (1.0 + np.exp(-z))
        err = p - y
        gw = np.bincount(col_of, weights=err[row_of], minlength=len(names)) / n + l2 * w
        gb = float(err.mean())
        g2w += gw * gw
        g2b += gb * gb
        w -= rate * gw / np.sqrt(g2w)
        b -= rate * gb / np.sqrt(g2b)
    z = np.bincount(row_of, weights=w[col_of], minlength=n) + b
    order = np.argsort(-z)
    hits = np.cumsum(y[order])
    kept = np.arange(1, n + 1)
    f1 = 2 * hits / (kept + n_gold)
    best = int(np.argmax(f1))
    weights = {f: round(float(v), 4) for f, v in zip(names, w, strict=True) if abs(v) >= 1e-3}
    return {
        "about": "logistic regression over candidate features, fitted on PolNeAR train only "
        "(python -m broadsheet.bench.quotes_fit); keep a candidate when bias + sum >= cutoff",
        "bias": round(b, 4),
        "cutoff": round(float(z[order[best]]), 4),
        "train_f1_estimate": round(float(f1[best]), 4),
        "weights": weights,
    }


def predict_split(
    docs: list[Any],
    rows: list[tuple[str, str, Path]],
    model: dict[str, Any],
    cutoffs: list[float],
) -> list[dict[str, list[dict[str, Any]]]]:
    """Predictions of the whole pipeline under ``model`` for each cutoff, by document id."""
    weights: dict[str, float] = model["weights"]
    bias = float(model["bias"])

    def score(cand: _Candidate, content: tuple[int, int], text: str) -> float:
        return bias + sum(weights.get(f, 0.0) for f in candidate_features(cand, content, text))

    ents = [entities_from_doc(doc, text) for (_, text, _), doc in zip(rows, docs, strict=True)]
    out: list[dict[str, list[dict[str, Any]]]] = []
    for cutoff in cutoffs:
        predictions = {}
        for (doc_id, _, _), doc, found in zip(rows, docs, ents, strict=True):
            quotes = _build(doc, found, score, None, cutoff=cutoff)
            predictions[doc_id] = [
                {"content": list(q.content), "source": list(q.source) if q.source else None}
                for _, q in quotes
            ]
        out.append(predictions)
    return out


def tune_cutoff(
    split: Path,
    docs: list[Any],
    model: dict[str, Any],
    rows: list[tuple[str, str, Path]] | None = None,
) -> dict[str, Any]:
    """Move the cutoff to where the whole pipeline (one quote per verb, continuations)
    scores best on the split: the fitted one assumes every candidate stands alone."""
    rows = iter_split(split) if rows is None else rows
    cutoffs = [float(model["cutoff"]) + 0.1 * step for step in range(-3, 5)]
    best = (-1.0, float(model["cutoff"]))
    for cutoff, predictions in zip(cutoffs, predict_split(docs, rows, model, cutoffs), strict=True):
        f1 = float(score_predictions(split, predictions, rows)["attribution"]["f1"])
        if f1 > best[0]:
            best = (f1, cutoff)
    return {**model, "cutoff": round(best[1], 4), "train_f1": round(best[0], 4)}


def holdout(split: Path, docs: list[Any], n: int, every: int = 0) -> dict[str, Any]:
    """Fit on the other documents and score the whole pipeline on the held-out ones: the
    first ``n`` (train is sorted by publisher, so that holds out whole publishers), or,
    with ``every`` = k, every k-th document (the publishers mixed, as in dev and test):
    an estimate of how the fitted model does on text it has not seen."""
    rows = iter_split(split)
    held = set(range(0, len(rows), every)) if every else set(range(min(n, len(rows))))
    fit_rows = [r for i, r in enumerate(rows) if i not in held]
    fit_docs = [d for i, d in enumerate(docs) if i not in held]
    test_rows = [r for i, r in enumerate(rows) if i in held]
    test_docs = [d for i, d in enumerate(docs) if i in held]
    features, labels, n_gold = collect_examples(split, fit_docs, fit_rows)
    model = tune_cutoff(split, fit_docs, fit_model(features, labels, n_gold), fit_rows)
    (predictions,) = predict_split(test_docs, test_rows, model, [float(model["cutoff"])])
    return {"fit_f1": model["train_f1"], **score_predictions(split, predictions, test_rows)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="fit quote-cue weights on PolNeAR train")
    parser.add_argument("train_dir", type=Path)
    parser.add_argument("--docbin", type=Path)
    parser.add_argument("--out", type=Path, default=_MODEL)
    parser.add_argument("--limit", type=int, default=0, help="the first N texts only (--bounds)")
    parser.add_argument(
        "--bounds", action="store_true", help="fit the content cut table (bounds.json)"
    )
    parser.add_argument(
        "--holdout",
        type=int,
        default=0,
        help="fit on all but the first N documents, score on those N, write nothing",
    )
    parser.add_argument(
        "--holdout-every",
        type=int,
        default=0,
        help="hold out every K-th document instead (publishers mixed), write nothing",
    )
    args = parser.parse_args(argv)
    docs = load_docs(args.train_dir, args.docbin, args.limit)
    if args.holdout or args.holdout_every:
        print(json.dumps(holdout(args.train_dir, docs, args.holdout, args.holdout_every)))
        return 0
    if args.bounds:
        table = fit_bounds(args.train_dir, docs)
        out = args.out.with_name("bounds.json")
        out.write_text(json.dumps(table, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(json.dumps({"keys": len(table), "cuts": sum(v > 0.5 for v in table.values())}))
        return 0
    features, labels, n_gold = collect_examples(args.train_dir, docs)
    model = tune_cutoff(args.train_dir, docs, fit_model(features, labels, n_gold))
    args.out.write_text(json.dumps(model, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    summary = {"candidates": len(labels), "right": sum(labels), "gold": n_gold}
    summary.update(cutoff=model["cutoff"], f1=model["train_f1"])
    print(json.dumps(summary), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
