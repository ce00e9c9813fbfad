"""Text dumps of news pages labelled by hand-written parsers: fundus (development tool).

The corpora of :mod:`broadsheet.bench.textdump_corpus` are labelled by Broadsheet's own HTML
extractor, WCXB's (:mod:`broadsheet.bench.textdump_wcxb`) by people, but few of those pages
are news. fundus (flairNLP's news crawler, MIT, https://github.com/flairNLP/fundus) keeps,
for each of its ~180 publishers of about 40 countries, one to three saved article pages
(``tests/resources/parser/test_data/<country>/<Publisher>_<date>.html.gz``) beside what that
publisher's hand-written parser reads from them (``<Publisher>.json``: one entry per parser
version, with the article's ``body``: summary, section headlines and paragraphs). Those
bodies come from selectors a person wrote for that one site and checked against its pages,
so they are the labels a news-dump model wants: many sites, news only, not drawn from our
extractor.

This tool reads a local git mirror of fundus (``git show``; nothing is downloaded here),
pairs each page with the parser version whose body its visible text holds best, draws the
page as a dump (:func:`broadsheet.bench.textdump_corpus.render_text`) and writes the layout
of ``textdump-dev``: ``text/fd_<digest>.txt`` and ``ground-truth.json`` (``{id:
{articleBody, url, site, source: "fd", publisher, country}}``). The article is the
summary, then each section's headline and paragraphs, one block per line; the title is not
part of it (as in the other sets). A page is kept when its article has at least 25 words, at
least 90% of its 4-token shingles are in the dump, and it is not mostly Chinese, Japanese or
Korean. Pages already in ``--base CORPUS`` (same bytes, address or article) are left out;
with it, that corpus is copied in, as ``textdump_corpus more`` does. ``site`` is the page's
registered domain (from its canonical address), else the publisher's name. ``--countries
us,uk,ca,au,ind`` keeps the publishers of those fundus country folders only (the English
pages).

usage: python -m broadsheet.bench.textdump_fundus FUNDUS_GIT OUT [--base CORPUS]
           [--countries CC,...]
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from broadsheet.bench.textdump_corpus import (
    _TOKEN,
    _UNSPACED,
    _files,
    _git,
    _known,
    _norm,
    _shingles,
    _url_in_page,
    _url_key,
    _write,
    base_site,
    render_text,
)

__all__ = ["build_fundus", "fundus_article"]

_ROOT = "tests/resources/parser/test_data"
_PAGE = re.compile(r"(?P<pub>.+?)_\d{4}_\d{2}_\d{2}(?:_[^/]*)?\.html\.gz")


def fundus_article(body: object) -> str:
    """A fundus ``body`` ({summary, sections: [{headline, paragraphs}]}) as text: one block
    per line, summary first."""
    if not isinstance(body, dict):
        return ""
    lines = [s for s in body.get("summary") or [] if isinstance(s, str)]
    for section in body.get("sections") or []:
        if isinstance(section, dict):
            for key in ("headline", "paragraphs"):
                lines += [s for s in section.get(key) or [] if isinstance(s, str)]
    return "\n".join(line.strip() for line in lines if line.strip())


def build_fundus(
    repo: Path,
    out: Path,
    *,
    base: Path | None = None,
    countries: frozenset[str] | None = None,
) -> dict[str, dict[str, str]]:
    """Render and keep fundus's test pages (see the module's docstring); write ``out``."""
    digests, urls, texts = _known(base) if base else (set(), set(), set())
    kept: dict[str, tuple[str, dict[str, str]]] = {}
    skipped: dict[str, int] = {}
    seen: set[str] = set()
    paths = set(_files(repo, _ROOT))
    metas: dict[str, dict[str, object]] = {}  # a publisher's parser output, read once
    for path in sorted(p for p in paths if p.endswith(".html.gz")):
        folder, name = path.rsplit("/", 1)
        if countries is not None and folder.rsplit("/", 1)[-1] not in countries:
            continue
        m = _PAGE.fullmatch(name)
        meta_path = f"{folder}/{m.group('pub') if m else ''}.json"
        why = None
        if not m or meta_path not in paths:
            why = "no parser output beside it"
        else:
            html = gzip.decompress(_git(repo, "show", f"HEAD:{path}"))
            digest = hashlib.sha1(html).hexdigest()
            dump = render_text(html)
            dump_sh = _shingles(dump.lower())
            if meta_path not in metas:
                metas[meta_path] = json.loads(_git(repo, "show", f"HEAD:{meta_path}"))
            best, best_share = "", -1.0
            for version in metas[meta_path].values():
                article = fundus_article(version.get("body") if isinstance(version, dict) else None)
                gold = _shingles(article.lower())
                share = len(gold & dump_sh) / len(gold) if article else 0.0
                if share > best_share:
                    best, best_share = article, share
            url = _url_in_page(html) or ""
            text_key = hashlib.sha1(_norm(best).encode()).hexdigest()
            if digest in seen or digest[:12] in digests:
                why = "same page again"
            elif url and _url_key(url) in urls:
                why = "same address as a corpus page"
            elif text_key in texts:
                why = "same article as another page"
            elif len(_TOKEN.findall(best)) < 25:
                why = "short article"
            elif len(_UNSPACED.findall(best)) > 0.2 * len(best):
                why = "unspaced script"
            elif best_share < 0.9:
                why = "article not in the visible text"
        if why:
            skipped[why] = skipped.get(why, 0) + 1
            continue
        seen.add(digest)
        texts.add(text_key)
        pub = m.group("pub") if m else name
        site = base_site(urlsplit(url).hostname or "") if url else ""
        kept[f"fd_{digest[:12]}"] = (
            dump,
            {
                "articleBody": best,
                "url": url,
                "site": site or f"fd-{pub.lower()}",
                "source": "fd",
                "publisher": pub,
                "country": folder.rsplit("/", 1)[-1],
            },
        )
    if base is not None:
        old = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
        for pid, item in old.items():
            kept.setdefault(pid, ((base / "text" / f"{pid}.txt").read_text(encoding="utf-8"), item))
    if skipped:
        print("left out: " + ", ".join(f"{n} {why}" for why, n in sorted(skipped.items())))
    return _write(out, kept)


def main(argv: list[str]) -> None:
    args = argv[1:]
    opts: dict[str, str] = {}
    for flag in ("--base", "--countries"):
        if flag in args:
            i = args.index(flag)
            if i + 1 >= len(args):
                sys.exit(__doc__)
            opts[flag] = args[i + 1]
            del args[i : i + 2]
    if len(args) != 2 or any(a.startswith("-") for a in args):
        sys.exit(__doc__)
    truth = build_fundus(
        Path(args[0]),
        Path(args[1]),
        base=Path(opts["--base"]) if "--base" in opts else None,
        countries=frozenset(opts["--countries"].split(",")) if "--countries" in opts else None,
    )
    sites = {v["site"] for v in truth.values()}
    new = sum(v["source"] == "fd" for v in truth.values())
    print(f"{len(truth)} pages ({new} from fundus) from {len(sites)} sites -> {args[1]}")


if __name__ == "__main__":
    main(sys.argv)
