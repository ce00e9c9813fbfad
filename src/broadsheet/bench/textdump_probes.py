"""Probes of issue 12's failure shapes on the development dumps (development tool).

usage: python -m broadsheet.bench.textdump_probes [short [WORDS] | box [MARKER] | synth DIR]

    short  each dev page with its story cut to its first WORDS words (default 60; the rest
           of the story's lines taken out of the dump): a short story among the page's
           notices, teasers and sidebars, scored against the lines left
    box    a "Related" box (MARKER, default "Related", and two headlines) set into each dev
           story at 60% of its prose lines: a long story that must not end at the box
    synth  leave-sites-out over the synthetic pages of ``broadsheet.bench.textdump_synth``
           in DIR: each fold's dev sites left out of the fit, and the synthetic pages built
           on those sites scored by that fold's model (and the dev pages, as ``cv`` does)

``short`` and ``box`` read with the committed weights (fitted on the dev pages, so these
are in-sample for the model: they test the reading rules); ``synth`` fits per fold.
"""

from __future__ import annotations

import sys
from pathlib import Path

from broadsheet.bench import textdump_fit as fitting
from broadsheet.bench.textdump_fit import Page, labels, load_dir, macro, page_prf
from broadsheet.errors import ExtractionError
from broadsheet.extract.textdump import extract_textdump
from broadsheet.extract.textdump_features import split_lines

BOX = ("Council Backs Second Bridge Plan For Spring", "Bakery Opens In The Old Bank On Main Street")


def _core(line: str) -> str:
    return line.strip().lstrip("•").strip()


def _read(text: str, url: str | None) -> str:
    try:
        return extract_textdump(text, url=url).body
    except ExtractionError:
        return ""


def short_pages(pages: list[Page], words: int) -> list[tuple[str, str, str | None]]:
    """(dump, gold, url) with each story cut to its first ``words`` words."""
    out = []
    for page in pages:
        lines = split_lines(page.text)
        y, _ = labels(lines, page.gold)
        story = [line.text for line, v in zip(lines, y, strict=True) if v]
        keep: list[str] = []
        count = 0
        for text in story:
            if count >= words:
                break
            keep.append(text)
            count += len(text.split())
        drop = set(story[len(keep) :])
        dump = "\n".join(r for r in page.text.split("\n") if _core(r) not in drop)
        out.append((dump, "\n".join(keep), page.url))
    return out


def box_pages(pages: list[Page], marker: str) -> list[tuple[str, str, str | None]]:
    """(dump, gold, url) with a "Related" box set into each story at 60% of its prose."""
    out = []
    for page in pages:
        lines = split_lines(page.text)
        y, _ = labels(lines, page.gold)
        prose = [line.text for line, v in zip(lines, y, strict=True) if v and line.prose]
        if len(prose) < 3:
            continue
        raw = page.text.split("\n")
        at = next(i for i, r in enumerate(raw) if _core(r) == prose[int(len(prose) * 0.6)])
        box = ["", marker, "", BOX[0], "", BOX[1], ""]
        out.append(("\n".join(raw[:at] + box + raw[at:]), page.gold, page.url))
    return out


def _report(name: str, cases: list[tuple[str, str, str | None]]) -> None:
    pairs = [page_prf(gold, _read(dump, url)) for dump, gold, url in cases]
    f, p, r = macro(pairs)
    low = sum(1 for x in pairs if x[1] < 0.8)
    print(f"{name}: pages={len(pairs)} F1={f:.4f} P={p:.4f} R={r:.4f} recall<0.8: {low}")


def synth_cv(folder: Path) -> None:
    dev = fitting.prepare(load_dir(fitting.DEV, "dev"))
    synth = fitting.prepare(load_dir(folder))
    scored: dict[str, tuple[float, float]] = {}
    for fold in range(fitting.FOLDS):
        model = fitting.fit([d for d in dev if fitting.fold_of(d.page.site) != fold])
        test = [d for d in synth + dev if fitting.fold_of(d.page.site) == fold]
        for doc, pr in zip(test, fitting.score_docs(test, model), strict=True):
            scored[doc.page.key] = pr
        print(f"fold {fold}: {len(test)} pages held out", file=sys.stderr)
    groups: dict[str, list[tuple[float, float]]] = {}
    for key, pr in scored.items():
        band = key.rsplit("-", 1)[1] if "-s" in key else "dev"
        groups.setdefault(band, []).append(pr)
        if band != "dev":
            groups.setdefault("synth", []).append(pr)
    for band in sorted(groups):
        f, p, r = macro(groups[band])
        print(f"{band:5s} pages={len(groups[band]):4d} F1={f:.4f} P={p:.4f} R={r:.4f}")


def main(argv: list[str]) -> None:
    cmd = argv[1] if len(argv) > 1 else "short"
    pages = load_dir(fitting.DEV, "dev")
    if cmd == "short":
        words = int(argv[2]) if len(argv) > 2 else 60
        _report(f"short({words})", short_pages(pages, words))
    elif cmd == "box":
        marker = argv[2] if len(argv) > 2 else "Related"
        _report(f"box({marker})", box_pages(pages, marker))
    elif cmd == "synth" and len(argv) > 2:
        synth_cv(Path(argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
