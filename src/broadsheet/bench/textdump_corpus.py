"""Build a text-dump training corpus from public HTML test pages (development tool).

The text-dump extractor reads the visible text of a page. Its 65 development dumps come from
few sites, so a model fitted on them learns those sites. This tool makes many more dumps:

1. ``export``: the HTML test pages of trafilatura (``tests/eval``, ``tests/cache``, with the
   URLs and "with"/"without" snippets of ``tests/evaldata.json``) and htmldate
   (``tests/eval``, ``tests/test_set``, ``tests/cache``, URLs from its ``eval_*.json``), read
   from local git mirrors of those repositories (``git show``; nothing is downloaded here).
   Pages named like article-extraction-benchmark ids starting with 6-9 or a-f are skipped
   (those ids are a held-out public set). Duplicate pages (same bytes) are kept once.
2. ``render``: each page drawn as a visible-text dump in the form of ``textdump-dev``: one
   block per line with blank lines between, list items as ``•`` (indented by depth), table
   rows on one line, inline elements run together, scripts, styles, ``<noscript>``,
   form controls and ``hidden``/``display:none`` elements left out. On the 65 development
   pages the lines drawn this way match about 96% of the lines of the given dumps.
3. ``label``: the article is what Broadsheet's HTML extractor keeps (``extract_html``).
   A page is kept when that article has at least 25 words, at least 90% of its 4-token
   shingles appear in the dump, and (trafilatura pages) every "with" snippet is in it and
   no "without" snippet is. Pages mostly in Chinese, Japanese or Korean are left out (the
   features count space-separated words).

Output (``OUT``): ``text/<id>.txt`` and ``ground-truth.json`` (``{id: {articleBody, url,
site, source}}``), the layout of ``textdump-dev``. ``site`` (host name without ``www.``)
groups pages for leave-sites-out validation.

usage: python -m broadsheet.bench.textdump_corpus TRAFILATURA_GIT HTMLDATE_GIT OUT
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from broadsheet.errors import BroadsheetError
from broadsheet.extract.encoding import decode_html
from broadsheet.extract.html import extract_html

__all__ = ["build", "render_text"]

_HELD_OUT_ID = re.compile(r"[6-9a-f][0-9a-f]{31}(?:[0-9a-f]{32})?\.html?")
_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "head",
        "title",
        "meta",
        "link",
        "iframe",
        "object",
        "embed",
        "canvas",
        "select",
        "option",
        "datalist",
        "audio",
        "video",
        "map",
        "input",
        "textarea",
    ]
)
_BLOCK = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "table",
        "tr",
        "thead",
        "tbody",
        "tfoot",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "main",
        "figure",
        "figcaption",
        "blockquote",
        "pre",
        "form",
        "dl",
        "dt",
        "dd",
        "address",
        "hr",
        "fieldset",
        "legend",
        "caption",
        "details",
        "summary",
        "center",
        "body",
        "html",
        "menu",
        "dialog",
        "picture",
    ]
)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")  # kana, CJK, hangul


def render_text(page: bytes | str) -> str:
    """The visible text of an HTML page as a text dump (see the module docstring)."""
    html = decode_html(page) if isinstance(page, bytes) else page
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    out: list[str] = []
    cur: list[str] = []
    state = {"bullet": 0, "depth": 0}

    def flush() -> None:
        text = _WS.sub(" ", "".join(cur)).strip()
        cur.clear()
        if text:
            level = state["bullet"]
            out.append(("  " * (level - 1) + "• " if level else "") + text)
            state["bullet"] = 0

    def walk(el: etree._Element) -> None:
        if not isinstance(el.tag, str):
            return  # comments and processing instructions (their tails are the parent's)
        tag = el.tag.lower()
        if tag in _SKIP or el.get("hidden") is not None or _HIDDEN.search(el.get("style") or ""):
            return
        block = tag in _BLOCK
        if block or tag == "br":
            flush()
        if tag == "li":
            state["depth"] += 1
            state["bullet"] = state["depth"]
        if tag in ("td", "th"):
            cur.append("  ")
        if el.text:
            cur.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                cur.append(child.tail)
        if block:
            flush()
        if tag == "li":
            state["depth"] -= 1

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return "\n\n".join(out) + "\n"


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True).stdout


def _files(repo: Path, *folders: str) -> list[str]:
    out = _git(repo, "ls-tree", "-r", "--name-only", "-z", "HEAD", *folders).decode()
    return [p for p in out.split("\0") if p]


def _site(url: str | None, name: str) -> str:
    host = urlsplit(url).hostname if url else None
    if not host:  # "spiegel.de.politik.html", "citylimits.org-Nycha.htm": the name's host
        host = ".".join(re.split(r"[-_]", name.removeprefix("www."))[0].split(".")[:2])
    return host.lower().removeprefix("www.")


def _norm(text: str) -> str:
    return " ".join(_TOKEN.findall(text.lower()))


def _shingles(text: str) -> set[tuple[str, ...]]:
    toks = _TOKEN.findall(text)
    return {tuple(toks[i : i + 4]) for i in range(max(len(toks) - 3, 1))}


def build(trafilatura: Path, htmldate: Path, out: Path) -> dict[str, dict[str, str]]:
    """Export, render and label the pages; write ``out`` and return its ground truth."""
    pages: list[tuple[str, bytes, str | None, str, dict[str, list[str]]]] = []
    seen: set[str] = set()

    def add(repo: Path, path: str, url: str | None, src: str, snip: dict[str, list[str]]) -> None:
        name = path.rsplit("/", 1)[-1]
        if _HELD_OUT_ID.fullmatch(name):
            return
        body = _git(repo, "show", f"HEAD:{path}")
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        digest = hashlib.sha1(body).hexdigest()
        if digest in seen or len(body) < 2000:
            return
        seen.add(digest)
        pages.append((f"{src}_{digest[:12]}", body, url, _site(url, name), snip))

    evaldata = json.loads(_git(trafilatura, "show", "HEAD:tests/evaldata.json"))
    by_file = {v["file"]: (u, v) for u, v in evaldata.items()}
    # the evaluation folders first: a page also in the cache is kept with its URL
    for path in _files(trafilatura, "tests/eval") + _files(trafilatura, "tests/cache"):
        if path.endswith((".html", ".htm")):
            url, v = by_file.get(path.rsplit("/", 1)[-1], (None, {}))
            snip = {"with": v.get("with", []), "without": v.get("without", [])}
            add(trafilatura, path, url, "tr", snip)
    urls: dict[str, str] = {}
    for meta in ("tests/eval_default.json", "tests/eval_mediacloud_2020.json"):
        for u, v in json.loads(_git(htmldate, "show", f"HEAD:{meta}")).items():
            urls[v["file"]] = u
    for folder in ("tests/eval", "tests/test_set", "tests/cache"):
        for path in _files(htmldate, folder):
            add(htmldate, path, urls.get(path.rsplit("/", 1)[-1]), "hd", {})

    (out / "text").mkdir(parents=True, exist_ok=True)
    truth: dict[str, dict[str, str]] = {}
    for pid, body, url, site, snip in pages:
        try:
            article = extract_html(body, url=url).body
        except BroadsheetError:
            continue
        dump = render_text(body)
        if len(_TOKEN.findall(article)) < 25 or not dump.strip():
            continue
        if len(_UNSPACED.findall(article)) > 0.2 * len(article):
            continue  # scripts written without spaces: the features count words
        gold_sh = _shingles(article)
        if len(gold_sh & _shingles(dump)) < 0.9 * len(gold_sh):
            continue
        norm = _norm(article)
        if any(_norm(s) not in norm for s in snip.get("with", [])):
            continue
        if any(_norm(s) and _norm(s) in norm for s in snip.get("without", [])):
            continue
        (out / "text" / f"{pid}.txt").write_text(dump, encoding="utf-8")
        truth[pid] = {"articleBody": article, "url": url or "", "site": site, "source": pid[:2]}
    (out / "ground-truth.json").write_text(
        json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return truth


def main(argv: list[str]) -> None:
    if len(argv) != 4:
        sys.exit(__doc__)
    truth = build(Path(argv[1]), Path(argv[2]), Path(argv[3]))
    sites = {v["site"] for v in truth.values()}
    print(f"{len(truth)} pages from {len(sites)} sites -> {argv[3]}")


if __name__ == "__main__":
    main(sys.argv)
