"""Fit the text-dump reader's sequence stage (a bidirectional GRU over each page's lines).

    python -m broadsheet.bench.textdump_seqfit cv CACHE [OPTIONS]
    python -m broadsheet.bench.textdump_seqfit fit CACHE [OPTIONS]

OPTIONS: --epochs N (10), --hidden H (32), --mix M (0.5), --seed S (0),
--seeds K (1: the mean of K stages fitted from seeds S, S+1, ...), --dropout P (0: in
fitting, drop each unit of the GRU's input and output with probability P),
--extra DIR[:SOURCES] (repeatable: a folder of dumps, optionally only its pages of the given
sources, ``/data/corpus2:pl,np,g3``), --extra-weight W (1), --words N (0: a word layer over
the N terms seen on the most sites of the fitting pages, each on at least --word-sites K
(15) of them, so that no site's own menu is a term).

CACHE is a cache of ``benchmarks/textdump_rules.py cache`` (the leave-sites-out folds of
the committed fitting code: each fold's model and each held-out page's second-stage
scores). The stage learns from those scores, which no model fitted on their page gave, and
from the pages' first-stage features and labels.

``cv`` fits one stage per fold on the other folds' pages and reads the fold's pages with it
(the fold's model and knobs, the stage read with numpy as the product reads it): F1 per
source without and with the stage, sites held out throughout. ``fit`` fits one stage on
every page of the cache and writes it into the committed ``weights.json`` (as
``"sequence"``; a refit of the trees drops it: fit the stage again on a new cache).

``--extra`` pages are fitted on by the stage, never scored: their second-stage scores come
from the cache's fold model of their site's fold (none of them was fitted on by the trees),
and ``cv`` leaves out of each fold's stage the extra pages whose registered domain is one of
the fold's test sites'.

Needs PyTorch (a development dependency); reading needs numpy only.
"""

from __future__ import annotations

import json
import pickle
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from broadsheet.bench import textdump_fit as tf
from broadsheet.bench.textdump_corpus import base_site
from broadsheet.extract.textdump_seq import SequenceStage, StageMean, line_terms, raw_inputs

EPOCHS = 10
HIDDEN = 32
MIX = 0.5
MAX_TRAIN_LINES = 3000  # longer pages are left out of the fit (time), never out of a reading
BATCH = 16
RATE = 3e-3
WORD_SITES = 15

# a training page: inputs, labels, line weights, and for a word layer the lines' texts and
# the page's site (a tuple of three when the stage reads no words)
Row = tuple[Any, ...]


def _net(inputs: int, hidden: int, dropout: float = 0.0, terms: int = 0) -> Any:
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inp = nn.Linear(inputs, hidden)
            self.gru = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * hidden + inputs, 1)
            self.drop = nn.Dropout(dropout)  # in training only: the reader has none
            if terms:  # made last, so that without words a seed starts as it always did
                self.emb = nn.EmbeddingBag(terms + 1, hidden, mode="mean", padding_idx=terms)
                nn.init.normal_(self.emb.weight, 0.0, 0.1)

        def forward(self, x: Any, lengths: Any, ids: Any = None, offsets: Any = None) -> Any:
            pre = self.inp(x)
            if ids is not None:  # each line's mean term vector (a line of no term: zeros)
                pre = pre + self.emb(ids, offsets).view(x.shape[0], x.shape[1], -1)
            h = self.drop(torch.tanh(pre))
            packed = nn.utils.rnn.pack_padded_sequence(
                h, lengths, batch_first=True, enforce_sorted=False
            )
            o, _ = self.gru(packed)
            o, _ = nn.utils.rnn.pad_packed_sequence(o, batch_first=True, total_length=x.shape[1])
            return self.out(torch.cat([self.drop(o), x], dim=2)).squeeze(-1)

    return Net()


def build_vocab(pages: Sequence[Row], size: int, min_sites: int = WORD_SITES) -> dict[str, int]:
    """The ``size`` terms found on the most sites of ``pages`` (each with its lines' texts
    and its site), each on at least ``min_sites`` of them: term -> id."""
    sites: dict[str, set[str]] = {}
    for page in pages:
        terms: set[str] = set()
        for text in page[3]:
            terms |= line_terms(text)
        for term in terms:
            sites.setdefault(term, set()).add(page[4])
    ranked = sorted(((len(s), t) for t, s in sites.items() if len(s) >= min_sites), reverse=True)
    return {t: k for k, (_, t) in enumerate(ranked[:size])}


def _bags(texts: Sequence[str], vocab: dict[str, int]) -> list[list[int]]:
    return [[vocab[t] for t in line_terms(text) if t in vocab] for text in texts]


def _batch_ids(bags: Sequence[list[list[int]]], width: int, pad: int) -> tuple[Any, Any]:
    """Pages' lines (padded to ``width``) as an EmbeddingBag's flat ids and offsets."""
    import torch

    flat: list[int] = []
    offsets: list[int] = []
    for lines in bags:
        for j in range(width):
            offsets.append(len(flat))
            flat.extend(lines[j] if j < len(lines) and lines[j] else [pad])
    return torch.tensor(flat), torch.tensor(offsets)


def fit_stage(
    pages: Sequence[Row],
    *,
    epochs: int = EPOCHS,
    hidden: int = HIDDEN,
    mix: float = MIX,
    seed: int = 0,
    dropout: float = 0.0,
    vocab: dict[str, int] | None = None,
    log: bool = False,
) -> SequenceStage:
    """Fit the stage on ``pages``: each (raw inputs, labels, line weights), and with a
    ``vocab`` (a word layer) also the lines' texts."""
    import torch
    from torch import nn

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    pages = [p for p in pages if 0 < len(p[0]) <= MAX_TRAIN_LINES]
    stacked = np.vstack([p[0] for p in pages])
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0) + 1e-3
    mean[:2], scale[:2] = 0.0, 1.0  # the score and its log-odds as they are
    xs = [((p[0] - mean) / scale).astype(np.float32) for p in pages]
    terms = len(vocab) if vocab else 0
    bags = [_bags(p[3], vocab) for p in pages] if vocab else []
    net = _net(stacked.shape[1], hidden, dropout, terms)
    opt = torch.optim.Adam(net.parameters(), lr=RATE)
    start = time.monotonic()
    for epoch in range(epochs):
        order = rng.permutation(len(pages))
        total = 0.0
        for s in range(0, len(order), BATCH):
            part = order[s : s + BATCH]
            lengths = [len(xs[i]) for i in part]
            width = max(lengths)
            xb = np.zeros((len(part), width, stacked.shape[1]), np.float32)
            yb = np.zeros((len(part), width), np.float32)
            wb = np.zeros((len(part), width), np.float32)
            for b, i in enumerate(part):
                n = lengths[b]
                xb[b, :n], yb[b, :n], wb[b, :n] = xs[i], pages[i][1], pages[i][2]
            ids, offsets = (
                _batch_ids([bags[i] for i in part], width, terms) if terms else (None, None)
            )
            logit = net(torch.from_numpy(xb), torch.tensor(lengths), ids, offsets)
            y, w = torch.from_numpy(yb), torch.from_numpy(wb)
            bce = nn.functional.binary_cross_entropy_with_logits(logit, y, reduction="none")
            loss = (bce * w).sum() / w.sum()
            opt.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            total += float(loss.detach())
        if log:
            took = time.monotonic() - start
            print(f"  epoch {epoch + 1}/{epochs}: loss {total:.3f} ({took:.0f} s)", file=sys.stderr)
    return _export(net, mean, scale, mix, vocab)


def fit_stages(
    pages: Sequence[Row],
    *,
    seeds: int = 1,
    seed: int = 0,
    mix: float = MIX,
    words: int = 0,
    word_sites: int = WORD_SITES,
    log: bool = False,
    **opts: Any,
) -> SequenceStage | StageMean:
    """One stage (``seeds`` 1) or the mean of ``seeds`` stages fitted from consecutive seeds;
    with ``words``, each with a word layer over one vocabulary of the pages' terms."""
    vocab = build_vocab(pages, words, word_sites) if words else None
    members = [
        fit_stage(pages, seed=seed + k, mix=mix, vocab=vocab, log=log, **opts)
        for k in range(max(1, seeds))
    ]
    return members[0] if len(members) == 1 else StageMean(tuple(members), mix)


def _export(
    net: Any, mean: np.ndarray, scale: np.ndarray, mix: float, vocab: dict[str, int] | None = None
) -> SequenceStage:
    sd = {k: v.detach().numpy().astype(np.float64) for k, v in net.state_dict().items()}
    words: dict[str, Any] = {}
    if vocab:
        from broadsheet.extract.textdump_seq import _emb_to_json

        words = {"vocab": sorted(vocab, key=vocab.__getitem__)}
        words["emb_f32"] = _emb_to_json(sd["emb.weight"][: len(vocab)])  # less the padding row

    def direction(suffix: str) -> dict[str, Any]:
        return {
            "w_ih": sd[f"gru.weight_ih_l0{suffix}"],
            "w_hh": sd[f"gru.weight_hh_l0{suffix}"],
            "b_ih": sd[f"gru.bias_ih_l0{suffix}"],
            "b_hh": sd[f"gru.bias_hh_l0{suffix}"],
        }

    hidden, inputs = sd["inp.weight"].shape
    return SequenceStage.from_json(
        {
            "hidden": hidden,
            "inputs": inputs,
            "mean": mean,
            "scale": scale,
            "w_in": sd["inp.weight"],
            "b_in": sd["inp.bias"],
            "forward": direction(""),
            "backward": direction("_reverse"),
            "w_out": sd["out.weight"][0],
            "b_out": float(sd["out.bias"][0]),
            "mix": mix,
            **words,
        }
    )


def _load(cache: Path) -> tuple[dict[str, Any], list[tf.Doc]]:
    with cache.open("rb") as fh:
        data = pickle.load(fh)  # a cache textdump_rules.py wrote
    return data, tf.prepare(tf.load([Path(c) for c in data["corpora"]]))


def _row(doc: tf.Doc, probs: Any, weight: float, site: str) -> Row:
    texts = [line.text for line in doc.lines]
    return (raw_inputs(probs, doc.x), doc.y, doc.w * weight, texts, site)


def _rows(data: dict[str, Any], docs: list[tf.Doc], keep: Any) -> list[Row]:
    return [
        _row(docs[rec["i"]], rec["probs"], 1.0, docs[rec["i"]].page.site)
        for rec in data["pages"]
        if keep(rec)
    ]


def _extra_rows(data: dict[str, Any], specs: Sequence[str], weight: float) -> list[tuple[str, Row]]:
    """Each extra page's registered domain and training row, scored by its site's fold model."""
    out = []
    folds = len(data["models"])
    for spec in specs:
        folder, _, only = spec.partition(":")
        keep = set(only.split(",")) if only else None
        pages = [p for p in tf.load_dir(Path(folder)) if keep is None or p.source in keep]
        for doc in tf.prepare(pages):
            model = data["models"][tf.fold_of(doc.page.site, folds)]
            site = base_site(doc.page.site)
            out.append((site, _row(doc, tf._probs(doc, model), weight, site)))
    return out


def cross_validate(
    cache: Path, extra: Sequence[str] = (), extra_weight: float = 1.0, **opts: Any
) -> dict[str, tuple[float, float]]:
    """Per source, F1 without and with a stage fitted on the other folds' pages."""
    data, docs = _load(cache)
    extras = _extra_rows(data, extra, extra_weight)
    before: dict[str, list[tuple[float, float]]] = {}
    after: dict[str, list[tuple[float, float]]] = {}
    for fold in sorted({rec["fold"] for rec in data["pages"]}):
        held = {base_site(docs[r["i"]].page.site) for r in data["pages"] if r["fold"] == fold}
        added = [row for site, row in extras if site not in held]
        rows = _rows(data, docs, lambda r, k=fold: r["fold"] != k) + added
        stage = fit_stages(rows, **opts)
        for rec in (r for r in data["pages"] if r["fold"] == fold):
            doc, model = docs[rec["i"]], data["models"][fold]
            src = doc.page.source
            before.setdefault(src, []).append(doc.scorer(tf._read(doc, rec["probs"], model)))
            probs = stage.rescore(rec["probs"], doc.x, [line.text for line in doc.lines])
            after.setdefault(src, []).append(doc.scorer(tf._read(doc, probs, model)))
        print(f"fold {fold} done", file=sys.stderr, flush=True)
    for part in (before, after):
        part["all"] = [pr for v in list(part.values()) for pr in v]
    return {k: (tf.macro(before[k])[0], tf.macro(after[k])[0]) for k in before}


def fit_weights(
    cache: Path,
    weights: Path = tf.WEIGHTS,
    extra: Sequence[str] = (),
    extra_weight: float = 1.0,
    **opts: Any,
) -> SequenceStage | StageMean:
    """Fit the stage on every cached page (and ``extra`` pages) and write it into ``weights``."""
    data, docs = _load(cache)
    rows = _rows(data, docs, lambda r: True)
    rows += [row for _, row in _extra_rows(data, extra, extra_weight)]
    stage = fit_stages(rows, log=True, **opts)
    lines = weights.read_text(encoding="utf-8").strip().splitlines()
    entries = [ln.rstrip(",") for ln in lines[1:-1] if not ln.startswith('"sequence"')]
    entries.append(f'"sequence": {json.dumps(stage.to_json(), separators=(",", ":"))}')
    weights.write_text("{\n" + ",\n".join(entries) + "\n}\n", encoding="utf-8")
    json.loads(weights.read_text(encoding="utf-8"))  # still one JSON object
    return stage


def main(argv: list[str]) -> None:
    args = argv[1:]
    if {"-h", "--help"} & set(args) or len(args) < 2 or args[0] not in ("cv", "fit"):
        print(__doc__)
        return
    cmd, cache, rest = args[0], Path(args[1]), args[2:]
    opts: dict[str, Any] = {}
    kinds = {
        "--epochs": ("epochs", int),
        "--hidden": ("hidden", int),
        "--mix": ("mix", float),
        "--seed": ("seed", int),
        "--seeds": ("seeds", int),
        "--extra-weight": ("extra_weight", float),
        "--dropout": ("dropout", float),
        "--words": ("words", int),
        "--word-sites": ("word_sites", int),
    }
    extra: list[str] = []
    while rest:
        flag = rest.pop(0)
        if flag == "--extra" and rest:
            extra.append(rest.pop(0))
            continue
        if flag not in kinds or not rest:
            sys.exit(f"unknown or incomplete option {flag!r}\n{__doc__}")
        name, kind = kinds[flag]
        opts[name] = kind(rest.pop(0))
    if cmd == "cv":
        for src, (b, a) in sorted(cross_validate(cache, extra, **opts).items()):
            print(f"{src:6s} without {b:.4f}  with the sequence stage {a:.4f}  ({a - b:+.4f})")
    else:
        fit_weights(cache, extra=extra, **opts)
        print(f"wrote the sequence stage into {tf.WEIGHTS}")


if __name__ == "__main__":
    main(sys.argv)
