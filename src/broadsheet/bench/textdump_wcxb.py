"""Human-labelled text dumps from the WCXB benchmark (development tool, not run time).

The 1,031-page corpus of :mod:`broadsheet.bench.textdump_corpus` is labelled by Broadsheet's
own HTML extractor, and rules fitted to those labels carried over to human-labelled unseen
pages less well than they raised the corpus. WCXB (Murrough Foley's Web Content eXtraction
Benchmark, CC-BY-4.0, https://github.com/Murrough-Foley/web-content-extraction-benchmark)
gives each saved page a complete ``main_content`` that people reviewed: LLM-drafted,
human-reviewed four times, never drawn from an extractor's output.

This tool reads a local git mirror of that repository (``git show``; nothing is downloaded
here), takes the pages of one split (``dev`` or ``test``) and page types (``article`` by
default: blog posts, news, editorials, guides, reviews), draws each page as a dump the way
:func:`broadsheet.bench.textdump_corpus.render_text` does, and writes the layout of
``textdump-dev``: ``text/wx_<id>.txt`` and ``ground-truth.json`` (``{id: {articleBody,
url, site, source: "wx", page_type}}``). A page is kept when its reference text has at
least 25 words, at least 90% of its 4-token shingles are in the dump (a page whose story
only a script draws cannot be read from its visible text), and it is not mostly Chinese,
Japanese or Korean.

``--half A`` or ``--half B`` keeps the sites (registered domains) whose hash is even or odd,
so one half can steer work while the other checks it. WCXB's ``test`` split is kept for
unseen checks: build it, score it once, and do not develop on it.

usage: python -m broadsheet.bench.textdump_wcxb WCXB_GIT OUT [--split dev|test]
           [--types article,...] [--half A|B]
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

from broadsheet.bench.textdump_corpus import (
    _TOKEN,
    _UNSPACED,
    _git,
    _shingles,
    base_site,
    render_text,
)

__all__ = ["build_wcxb", "half_of"]


def half_of(site: str) -> str:
    """ "A" or "B": a stable split of registered domains into two halves."""
    return "AB"[hashlib.sha1(site.encode()).digest()[0] & 1]


def _dev_digests(repo: Path, meta: dict[str, dict[str, str]]) -> set[str]:
    return {
        hashlib.sha1(
            gzip.decompress(_git(repo, "show", f"HEAD:dev/html/{fid}.html.gz"))
        ).hexdigest()
        for fid, info in meta.items()
        if info.get("split") == "dev"
    }


def build_wcxb(
    repo: Path,
    out: Path,
    *,
    split: str = "dev",
    types: frozenset[str] = frozenset({"article"}),
    half: str | None = None,
) -> dict[str, dict[str, str]]:
    """Render and keep the pages of ``split`` (see the module's docstring); write ``out``."""
    meta = json.loads(_git(repo, "show", "HEAD:metadata.json"))["files"]
    truth: dict[str, dict[str, str]] = {}
    (out / "text").mkdir(parents=True, exist_ok=True)
    skipped: dict[str, int] = {}
    # WCXB's test split repeats some development pages byte for byte: those are not unseen
    dev_pages = _dev_digests(repo, meta) if split != "dev" else set()
    for fid in sorted(meta):
        info = meta[fid]
        if info.get("split") != split or info.get("page_type") not in types:
            continue
        gt = json.loads(_git(repo, "show", f"HEAD:{split}/ground-truth/{fid}.json"))
        url = gt.get("url") or ""
        host = (urlsplit(url).hostname or info.get("domain") or "").lower().removeprefix("www.")
        site = base_site(host) or host or fid
        if half and half_of(site) != half:
            continue
        body = (gt.get("ground_truth") or {}).get("main_content") or ""
        why = None
        if len(_TOKEN.findall(body)) < 25:
            why = "short reference"
        elif len(_UNSPACED.findall(body)) > 0.2 * len(body):
            why = "unspaced script"
        else:
            html = gzip.decompress(_git(repo, "show", f"HEAD:{split}/html/{fid}.html.gz"))
            dump = render_text(html)
            gold = _shingles(body.lower())
            if hashlib.sha1(html).hexdigest() in dev_pages:
                why = "same page as a development page"
            elif len(gold & _shingles(dump.lower())) < 0.9 * len(gold):
                why = "story not in the visible text"
        if why:
            skipped[why] = skipped.get(why, 0) + 1
            continue
        pid = f"wx_{fid}"
        (out / "text" / f"{pid}.txt").write_text(dump, encoding="utf-8")
        truth[pid] = {
            "articleBody": body,
            "url": url,
            "site": site,
            "source": "wx",
            "page_type": info.get("page_type", ""),
        }
    (out / "ground-truth.json").write_text(
        json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if skipped:
        print("left out: " + ", ".join(f"{n} {why}" for why, n in sorted(skipped.items())))
    return truth


def main(argv: list[str]) -> None:
    args = argv[1:]
    opts = {"--split": "dev", "--types": "article", "--half": ""}
    pos: list[str] = []
    while args:
        arg = args.pop(0)
        if arg in opts and args:
            opts[arg] = args.pop(0)
        elif arg.startswith("-"):
            sys.exit(__doc__)
        else:
            pos.append(arg)
    if (
        len(pos) != 2
        or opts["--half"] not in ("", "A", "B")
        or opts["--split"] not in ("dev", "test")
    ):
        sys.exit(__doc__)
    truth = build_wcxb(
        Path(pos[0]),
        Path(pos[1]),
        split=opts["--split"],
        types=frozenset(t.strip() for t in opts["--types"].split(",") if t.strip()),
        half=opts["--half"] or None,
    )
    sites = {v["site"] for v in truth.values()}
    print(f"{len(truth)} pages from {len(sites)} sites -> {pos[1]}")


if __name__ == "__main__":
    main(sys.argv)
