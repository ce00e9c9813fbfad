"""Fit, measure and time the text-dump line classifier.

usage:
    python benchmarks/train_textdump.py fit    # fit on the tune half, write weights, report
    python benchmarks/train_textdump.py eval   # report with the committed weights
    python benchmarks/train_textdump.py speed  # pages/s over the 65 dumps
    python benchmarks/train_textdump.py cv     # two-fold check (each half fitted on the other)

Knobs (environment): TEXTDUMP_L2 (ridge strength, default 10), TEXTDUMP_PAGE_NORM (weight
of each page in the fit, default 3). Two-fold F1 with L2 3/10/30: 0.913/0.914/0.913.

Data: ``../shared/data/textdump-dev`` (``text/<id>.txt`` + ``ground-truth.json``), located as
``$BROADSHEET_SHARED/data/textdump-dev`` (default ``/work/shared``). The dumps are split by
the parity of the sum of their id's hex digits: even is the tune half (31 pages), odd is
held out (34). The labels come from the gold text: a line is article when most of its
4-token shingles are in the gold body (short lines: when they appear as a whole line of it).

The model is two logistic regressions fitted with numpy (Newton steps, L2): stage 1 over
the per-line features, stage 2 over each line's stage-1 score and its neighbours' scores
(stage-1 scores for stage 2 are cross-fitted so stage 2 learns from honest inputs).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

from broadsheet.errors import ExtractionError
from broadsheet.extract.textdump import (
    TextdumpModel,
    _Stage,
    extract_textdump,
    read_article,
    score_lines,
)
from broadsheet.extract.textdump_features import (
    CONTEXT_NAMES,
    FEATURE_NAMES,
    Line,
    context_features,
    line_features,
    split_lines,
)

SHARED = Path(os.environ.get("BROADSHEET_SHARED", "/work/shared"))
DEV = SHARED / "data" / "textdump-dev"
WEIGHTS = Path(__file__).resolve().parents[1] / "src/broadsheet/extract/textdump_data/weights.json"
TOKEN = re.compile(r"\w+")
PAGE_NORM = float(os.environ.get("TEXTDUMP_PAGE_NORM", "3"))
L2 = float(os.environ.get("TEXTDUMP_L2", "10"))


# ----------------------------------------------------------------------------- metric


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_prf(truth: str, pred: str) -> tuple[float, float]:
    """Precision and recall of one page, as shared/tools/score_extraction.py counts them."""
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec


def macro(pairs: list[tuple[float, float]]) -> tuple[float, float, float]:
    p = statistics.mean(x[0] for x in pairs)
    r = statistics.mean(x[1] for x in pairs)
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


# ----------------------------------------------------------------------------- data


def load() -> list[tuple[str, str, str, str | None]]:
    gold = json.loads((DEV / "ground-truth.json").read_text(encoding="utf-8"))
    rows = []
    for key in sorted(gold):
        text = (DEV / "text" / f"{key}.txt").read_text(encoding="utf-8")
        rows.append((key, text, gold[key]["articleBody"], gold[key].get("url")))
    return rows


def is_tune(key: str) -> bool:
    return sum(int(c, 16) for c in key) % 2 == 0


def labels(lines: list[Line], gold: str) -> tuple[np.ndarray, np.ndarray]:
    gtoks = TOKEN.findall(gold)
    gset = set(shingles(gold).keys())
    glines = {" ".join(TOKEN.findall(x)) for x in gold.splitlines() if x.strip()}
    y, w = [], []
    for line in lines:
        toks = list(line.words)
        if not toks:
            y.append(0.0)
        elif len(toks) < 6:
            y.append(1.0 if " ".join(toks) in glines else 0.0)
        else:
            s = shingles(line.text)
            y.append(1.0 if sum(1 for x in s if x in gset) / max(len(s), 1) >= 0.5 else 0.0)
        w.append(1.0 + min(len(toks), 100) ** 0.75)
    del gtoks
    warr = np.array(w)
    # every page weighs the same, as in the macro-averaged metric
    return np.array(y), warr * (len(warr) / warr.sum()) * PAGE_NORM / max(len(warr), 1) ** 0.5


# ----------------------------------------------------------------------------- fitting


def fit_lr(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> _Stage:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    beta = np.zeros(z.shape[1])
    reg = np.full(z.shape[1], L2)
    reg[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(z @ beta, -40, 40)))
        grad = z.T @ (w * (p - y)) + reg * beta
        hess = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(reg + 1e-6)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-7:
            break
    return _Stage(tuple(beta.tolist()), tuple(mean.tolist()), tuple(scale.tolist()))


def stage_json(stage: _Stage, names: tuple[str, ...]) -> dict[str, object]:
    return {
        "names": list(names),
        "weights": [round(v, 6) for v in stage.weights],
        "mean": [round(v, 6) for v in stage.mean],
        "scale": [round(v, 6) for v in stage.scale],
    }


def fit(rows: list[tuple[str, str, str, str | None]]) -> TextdumpModel:
    docs = []
    for _key, text, gold, _url in rows:
        lines = split_lines(text)
        y, w = labels(lines, gold)
        docs.append((lines, np.array(line_features(lines)), y, w))
    x1 = np.vstack([d[1] for d in docs])
    y1 = np.concatenate([d[2] for d in docs])
    w1 = np.concatenate([d[3] for d in docs])
    stage1 = fit_lr(x1, y1, w1)
    # cross-fitted stage-1 scores for stage 2
    folds = [list(range(0, len(docs), 2)), list(range(1, len(docs), 2))]
    ctx: list[np.ndarray] = [np.zeros(0)] * len(docs)
    for k in (0, 1):
        train = folds[1 - k]
        s = fit_lr(
            np.vstack([docs[i][1] for i in train]),
            np.concatenate([docs[i][2] for i in train]),
            np.concatenate([docs[i][3] for i in train]),
        )
        for i in folds[k]:
            probs = s.predict(docs[i][1].tolist())
            ctx[i] = np.array(context_features(docs[i][0], probs, docs[i][1].tolist()))
    stage2 = fit_lr(np.vstack(ctx), y1, w1)
    best = TextdumpModel(stage1, stage2, 0.5, 0)
    scored = []
    base = TextdumpModel(stage1, stage2, 0.5)
    for (_key, _text, gold, url), (lines, *_rest) in zip(rows, docs, strict=True):
        scored.append((lines, score_lines(lines, base), gold, url))

    def score(model: TextdumpModel) -> float:
        pairs = []
        for lines, probs, gold, url in scored:
            try:
                body = read_article(lines, probs, model, url=url).body
            except ExtractionError:
                body = ""
            pairs.append(page_prf(gold, body))
        return macro(pairs)[0]

    best_f = -1.0
    for t in np.arange(0.3, 0.75, 0.05):
        for gap in (0, 3, 4, 6, 8, 12):
            for dp in (0.0, 0.1, 0.2, 0.3):
                model = replace(best, threshold=round(float(t), 2), gap=gap)
                model = replace(model, gap_p=round(float(t) + dp, 2))
                f = score(model)
                if f > best_f:
                    best, best_f = model, f
    for low in (0.1, 0.15, 0.2, 0.3):
        for extend_gap in (0, 2, 3, 5, 8):
            model = replace(best, extend_p=low, extend_gap=extend_gap)
            f = score(model)
            if f > best_f + 1e-6:
                best, best_f = model, f
    return best


def evaluate(
    rows: list[tuple[str, str, str, str | None]], model: TextdumpModel | None = None
) -> tuple[float, float, float]:
    pairs = []
    for _key, text, gold, url in rows:
        try:
            body = extract_textdump(text, url=url, model=model).body
        except Exception:  # an ExtractionError scores as empty output
            body = ""
        pairs.append(page_prf(gold, body))
    return macro(pairs)


def report(rows: list[tuple[str, str, str, str | None]], model: TextdumpModel | None) -> None:
    tune = [r for r in rows if is_tune(r[0])]
    held = [r for r in rows if not is_tune(r[0])]
    for name, part in (("tune", tune), ("held-out", held), ("all", rows)):
        f, p, r = evaluate(part, model)
        print(f"{name:9s} pages={len(part):3d}  F1={f:.4f}  P={p:.4f}  R={r:.4f}")


def speed(rows: list[tuple[str, str, str, str | None]]) -> None:
    """Pages per second over the dev dumps, wall clock and CPU time of this process."""
    extract_textdump(rows[0][1])
    rounds = 5
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for _key, text, _gold, url in rows:
            extract_textdump(text, url=url)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    pages = len(rows) * rounds
    mb = sum(len(r[1]) for r in rows) * rounds / 1e6
    print(
        f"{pages} pages ({mb:.1f} MB): {pages / wall:.0f} pages/s wall, "
        f"{pages / cpu:.0f} pages/s CPU, {mb / cpu:.2f} MB/s CPU"
    )


def main(argv: list[str]) -> None:
    if not DEV.exists():
        sys.exit(f"no dev data at {DEV}")
    rows = load()
    cmd = argv[1] if len(argv) > 1 else "eval"
    if cmd == "fit":
        model = fit([r for r in rows if is_tune(r[0])])
        WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
        WEIGHTS.write_text(
            json.dumps(
                {
                    "about": "text-dump line classifier; fitted by benchmarks/train_textdump.py",
                    "threshold": model.threshold,
                    "gap": model.gap,
                    "gap_p": model.gap_p,
                    "extend_p": model.extend_p,
                    "extend_gap": model.extend_gap,
                    "stage1": stage_json(model.stage1, FEATURE_NAMES),
                    "stage2": stage_json(model.stage2, CONTEXT_NAMES),
                },
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
        print(model.threshold, model.gap, model.gap_p, model.extend_p, model.extend_gap, L2)
        report(rows, model)
    elif cmd == "cv":  # two-fold: each half fitted on the other (for design choices)
        tune = [r for r in rows if is_tune(r[0])]
        held = [r for r in rows if not is_tune(r[0])]
        a = evaluate(held, fit(tune))
        b = evaluate(tune, fit(held))
        print(f"cv  held|tune F1={a[0]:.4f}  tune|held F1={b[0]:.4f}  mean={(a[0] + b[0]) / 2:.4f}")
    elif cmd == "eval":
        report(rows, None)
    elif cmd == "speed":
        speed(rows)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
