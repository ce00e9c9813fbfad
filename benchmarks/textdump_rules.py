"""Check a change to the text-dump reading rules on sites left out, in about a minute.

    python benchmarks/textdump_rules.py cache CACHE --corpus DIR [--corpus DIR ...]
    python benchmarks/textdump_rules.py read CACHE [--set NAME=DIR[:SOURCES] ...] [--out F.json]
    python benchmarks/textdump_rules.py compare BEFORE.json AFTER.json

``cache`` runs the leave-sites-out folds of ``train_textdump.py cv`` once (about 25 minutes
on one core) and keeps each fold's fitted model and each held-out page's line scores in
CACHE (a pickle: it holds this tool's own objects; load only caches you made). ``read``
reads every held-out page again with the rules as they are in the working tree, with the
cached scores and the fold's knobs, and prints F1 per source; each ``--set`` is a folder of
dumps (``textdump_corpus`` layout) read with the committed weights, optionally only its
pages of the given sources (``more=/data/corpus2:pl,np,g3``). ``--out`` writes each page's
precision and recall; ``compare`` lists the pages that moved between two such files.

A rule change does not change what the model scores, so this gives ``cv``'s figures
without refitting. The cached pages are read on their second-stage scores (the fold models
have no sequence stage; ``python -m broadsheet.bench.textdump_seqfit cv CACHE`` reads them
with one); the ``--set`` folders are read with the committed weights, sequence stage
included. The cache is also what the sequence stage is fitted from. It does not choose the
knobs again for the new rules: run ``cv`` for the figure to report, this to find out
quickly what a change does and to which pages.
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path
from typing import Any

from broadsheet.bench import textdump_fit as tf
from broadsheet.extract.textdump import load_model


def _f1(pr: list[float] | tuple[float, float]) -> float:
    p, r = pr
    return 2 * p * r / (p + r) if p + r else 0.0


def cache(out: Path, corpora: list[Path]) -> None:
    docs = tf.prepare(tf.load(corpora))
    models: list[Any] = []
    pages: list[dict[str, Any]] = []
    for fold in range(tf.FOLDS):
        test = [i for i, d in enumerate(docs) if tf.fold_of(d.page.site, tf.FOLDS) == fold]
        model = tf.fit([d for d in docs if tf.fold_of(d.page.site, tf.FOLDS) != fold])
        models.append(model)
        for i in test:
            probs = [float(p) for p in tf._probs(docs[i], model)]
            pages.append({"i": i, "fold": fold, "key": docs[i].page.key, "probs": probs})
        print(f"fold {fold}: {len(test)} pages held out", file=sys.stderr, flush=True)
    with out.open("wb") as fh:
        pickle.dump({"corpora": [str(c) for c in corpora], "models": models, "pages": pages}, fh)


def read(path: Path, sets: list[str], out: Path | None) -> None:
    with path.open("rb") as fh:
        data = pickle.load(fh)  # a cache this tool wrote
    docs = tf.prepare(tf.load([Path(c) for c in data["corpora"]]))
    pairs: dict[str, tuple[float, float]] = {}
    groups: dict[str, list[tuple[float, float]]] = {}
    for rec in data["pages"]:
        doc = docs[rec["i"]]
        pr = doc.scorer(tf._read(doc, rec["probs"], data["models"][rec["fold"]]))
        pairs[doc.page.key] = pr
        groups.setdefault(doc.page.source, []).append(pr)
    groups["ALL"] = [pr for part in groups.values() for pr in part]
    line = [f"{name}={tf.macro(part)[0]:.4f}" for name, part in sorted(groups.items())]
    model = load_model()
    for spec in sets:
        name, _, where = spec.partition("=")
        folder, _, only = where.partition(":")
        keep = set(only.split(",")) if only else None
        chosen = [p for p in tf.load_dir(Path(folder)) if keep is None or p.source in keep]
        got = []
        for doc in tf.prepare(chosen):
            got.append(doc.scorer(tf._read(doc, tf._probs(doc, model), model)))
            pairs[f"{name}:{doc.page.key}"] = got[-1]
        line.append(f"{name}={tf.macro(got)[0]:.4f}")
    print("  ".join(line))
    if out:
        out.write_text(json.dumps(pairs), encoding="utf-8")


def compare(before: Path, after: Path) -> None:
    a = json.loads(before.read_text(encoding="utf-8"))
    b = json.loads(after.read_text(encoding="utf-8"))
    moved = sorted(((_f1(b[k]) - _f1(a[k]), k) for k in a if k in b), reverse=True)
    print(
        f"better {sum(1 for d, _ in moved if d > 0.005)}"
        f"  worse {sum(1 for d, _ in moved if d < -0.005)}"
    )
    for d, k in [m for m in moved if abs(m[0]) > 0.005]:
        print(f"{d:+.3f}  {k}  {_f1(a[k]):.3f} -> {_f1(b[k]):.3f}")


def main(argv: list[str]) -> None:
    args = argv[1:]
    if {"-h", "--help"} & set(args):
        print(__doc__)
        return
    if len(args) < 2 or args[0] not in ("cache", "read", "compare"):
        sys.exit(__doc__)
    cmd, first, rest = args[0], Path(args[1]), args[2:]
    if cmd == "compare":
        compare(first, Path(rest[0]) if rest else sys.exit(__doc__))
        return
    corpora: list[Path] = []
    sets: list[str] = []
    out: Path | None = None
    while rest:
        flag = rest.pop(0)
        if not rest or flag not in ("--corpus", "--set", "--out"):
            sys.exit(__doc__)
        value = rest.pop(0)
        if flag == "--corpus":
            corpora.append(Path(value))
        elif flag == "--set":
            sets.append(value)
        else:
            out = Path(value)
    if cmd == "cache":
        if not corpora:
            sys.exit("cache: name at least one --corpus DIR (the dev dumps alone are too few)")
        cache(first, corpora)
    else:
        read(first, sets, out)


if __name__ == "__main__":
    main(sys.argv)
