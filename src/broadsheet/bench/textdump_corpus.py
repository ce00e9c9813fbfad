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

``more`` adds the test pages of three more extractors (:func:`build_more`): postlight's
parser (``fixtures/<host>.html``, source ``pl``), newspaper (``tests/data/html``, ``np``) and
goose3 (``tests/data/content``, ``g3``), rendered, labelled and filtered the same way; with
``--base CORPUS`` the pages already in that corpus (same bytes, address or labelled text)
are left out and the corpus is copied in, so ``OUT`` holds the old and the new pages. Sites
of these pages are registered domains (``uk.reuters.com`` -> ``reuters.com``).

usage: python -m broadsheet.bench.textdump_corpus TRAFILATURA_GIT HTMLDATE_GIT OUT
       python -m broadsheet.bench.textdump_corpus more [--postlight GIT] [--newspaper GIT]
           [--goose3 GIT] [--base CORPUS] OUT
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

__all__ = ["base_site", "build", "build_more", "render_text"]

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


def _page(
    repo: Path, path: str, seen: set[str], known: set[str] | frozenset[str] = frozenset()
) -> tuple[bytes, str] | None:
    """A test page's bytes (un-gzipped) and SHA-1, or None: a held-out id's name, a page
    already ``seen`` (added to it here) or ``known`` (first 12 hex digits), or under 2,000
    bytes."""
    if _HELD_OUT_ID.fullmatch(path.rsplit("/", 1)[-1]):
        return None
    body = _git(repo, "show", f"HEAD:{path}")
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    digest = hashlib.sha1(body).hexdigest()
    if digest in seen or digest[:12] in known or len(body) < 2000:
        return None
    seen.add(digest)
    return body, digest


def build(trafilatura: Path, htmldate: Path, out: Path) -> dict[str, dict[str, str]]:
    """Export, render and label the pages; write ``out`` and return its ground truth."""
    pages: list[tuple[str, bytes, str | None, str, dict[str, list[str]]]] = []
    seen: set[str] = set()

    def add(repo: Path, path: str, url: str | None, src: str, snip: dict[str, list[str]]) -> None:
        name = path.rsplit("/", 1)[-1]
        page = _page(repo, path, seen)
        if page is None:
            return
        body, digest = page
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

    return _write(out, _label(pages))


def _label(
    pages: list[tuple[str, bytes, str | None, str, dict[str, list[str]]]],
) -> dict[str, tuple[str, dict[str, str]]]:
    """Render and label each page; keep those whose label passes the checks."""
    kept: dict[str, tuple[str, dict[str, str]]] = {}
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
        kept[pid] = (
            dump,
            {"articleBody": article, "url": url or "", "site": site, "source": pid[:2]},
        )
    return kept


def _write(out: Path, pages: dict[str, tuple[str, dict[str, str]]]) -> dict[str, dict[str, str]]:
    (out / "text").mkdir(parents=True, exist_ok=True)
    truth: dict[str, dict[str, str]] = {}
    for pid, (dump, item) in pages.items():
        (out / "text" / f"{pid}.txt").write_text(dump, encoding="utf-8")
        truth[pid] = item
    (out / "ground-truth.json").write_text(
        json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return truth


# hosts under which unrelated sites live: a site there is its own host name
_HOSTING = re.compile(
    r"(?:^|\.)(?:blogspot\.[a-z.]+|wordpress\.com|hypotheses\.org|tumblr\.com|github\.io|"
    r"substack\.com|typepad\.com|livejournal\.com|over-blog\.com|medium\.com)$"
)
_SECOND_LEVEL = frozenset(["co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go"])
_HEAD_TAG = re.compile(rb"<(?:link|meta)\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(rb"""([a-z:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_PLACEHOLDER_HOSTS = frozenset(["example.com", "exemple.com", "localhost"])


def base_site(host: str) -> str:
    """The site a host belongs to: its registered domain ("uk.reuters.com" -> "reuters.com",
    "news.bbc.co.uk" -> "bbc.co.uk"), or the whole host on shared blog hosts."""
    host = host.lower().removeprefix("www.")
    if _HOSTING.search(host) or re.fullmatch(r"[\d.]+", host):
        return host
    parts = host.split(".")
    keep = 3 if len(parts) >= 3 and parts[-2] in _SECOND_LEVEL and len(parts[-1]) == 2 else 2
    return ".".join(parts[-keep:])


def _url_in_page(body: bytes) -> str | None:
    """The page's canonical or og:url address, when it gives one."""
    for tag in _HEAD_TAG.findall(body[:300_000]):
        attrs = {
            m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or b"").strip()
            for m in _ATTR.finditer(tag)
        }
        if attrs.get(b"rel", b"").lower() == b"canonical":
            url = attrs.get(b"href", b"")
        elif attrs.get(b"property", b"").lower() == b"og:url":
            url = attrs.get(b"content", b"")
        else:
            continue
        text = url.decode("utf-8", "replace")
        host = (urlsplit(text).hostname or "").removeprefix("www.")
        if text.startswith(("http://", "https://")) and host not in _PLACEHOLDER_HOSTS:
            return text
    return None


def _newspaper_urls(repo: Path) -> dict[str, str]:
    """newspaper's ``tests/data/html/<domain><n>.html`` -> URL, numbered the way its
    ``test_exhaustive`` numbers the lines of ``fulltext_url_list.txt``."""
    text = _git(repo, "show", "HEAD:tests/data/fulltext_url_list.txt").decode()
    counts: dict[str, int] = {}
    out = {}
    for url in (line.strip() for line in text.splitlines()):
        if not url:
            continue
        host = (urlsplit(url).hostname or "").lower()
        parts = host.split(".")
        tail = ".".join(parts[-2:])
        domain = ".".join(parts[-3:] if tail in ("co.uk", "com.au", "au.com") else parts[-2:])
        counts[domain] = counts.get(domain, 0) + 1
        out[f"{domain}{counts[domain]}.html"] = url
    return out


def _goose3_url(repo: Path, path: str) -> str | None:
    try:
        meta = json.loads(_git(repo, "show", f"HEAD:{path.rsplit('.', 1)[0]}.json"))
    except (subprocess.CalledProcessError, ValueError):
        return None
    url = meta.get("url") or (meta.get("expected") or {}).get("final_url")
    return url if isinstance(url, str) else None


def _known(corpus: Path) -> tuple[set[str], set[str], set[str]]:
    """What a corpus already holds: page digests (the ids' 12 hex digits), addresses and
    labelled texts, to leave its pages out of a new one."""
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    digests = {key.split("_", 1)[-1] for key in truth}
    urls = {_url_key(v.get("url") or "") for v in truth.values()} - {""}
    texts = {hashlib.sha1(_norm(v["articleBody"]).encode()).hexdigest() for v in truth.values()}
    return digests, urls, texts


def _url_key(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" if host else ""


def build_more(
    out: Path,
    *,
    postlight: Path | None = None,
    newspaper: Path | None = None,
    goose3: Path | None = None,
    base: Path | None = None,
) -> dict[str, dict[str, str]]:
    """More pages, from the test pages of postlight's parser (``fixtures/<host>.html``),
    newspaper (``tests/data/html``, URLs from ``tests/data/fulltext_url_list.txt``) and
    goose3 (``tests/data/content``, URLs from the ``.json`` beside each page), rendered and
    labelled as :func:`build` does. Pages of ``base`` (a corpus already built) are left out
    (same bytes, same address or the same labelled text) and, with it, copied into ``out``
    so that ``out`` holds the old and the new pages. Sites are registered domains
    (:func:`base_site`): two pages of one news group's hosts fall in one fold."""
    digests, urls, texts = _known(base) if base else (set(), set(), set())
    seen: set[str] = set()
    pages: list[tuple[str, bytes, str | None, str, dict[str, list[str]]]] = []

    def add(repo: Path, path: str, url: str | None, src: str, host: str | None = None) -> None:
        name = path.rsplit("/", 1)[-1]
        page = _page(repo, path, seen, digests)
        if page is None:
            return
        body, digest = page
        if not url or (urlsplit(url).hostname or "").removeprefix("www.") in _PLACEHOLDER_HOSTS:
            url = _url_in_page(body) or (f"https://{host}/" if host else None)
        if url and _url_key(url) in urls:
            return
        site = base_site(urlsplit(url).hostname or "") if url else ""
        pages.append((f"{src}_{digest[:12]}", body, url, site or f"{src}-{name}", {}))

    if postlight is not None:
        for path in _files(postlight, "fixtures"):
            if path.endswith(".html"):
                host = path.rsplit("/", 1)[-1].removesuffix(".html")
                add(postlight, path, None, "pl", host if "." in host else None)
    if newspaper is not None:
        np_urls = _newspaper_urls(newspaper)
        for path in _files(newspaper, "tests/data/html"):
            add(newspaper, path, np_urls.get(path.rsplit("/", 1)[-1]), "np")
    if goose3 is not None:
        for path in _files(goose3, "tests/data/content"):
            if path.endswith(".html"):
                add(goose3, path, _goose3_url(goose3, path), "g3")

    kept: dict[str, tuple[str, dict[str, str]]] = {}
    for pid, (dump, item) in _label(pages).items():
        digest = hashlib.sha1(_norm(item["articleBody"]).encode()).hexdigest()
        if digest not in texts:  # the same story again (another copy of a page)
            texts.add(digest)
            kept[pid] = (dump, item)
    if base is not None:
        old = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
        for pid, item in old.items():
            dump = (base / "text" / f"{pid}.txt").read_text(encoding="utf-8")
            kept.setdefault(pid, (dump, item))
    return _write(out, kept)


def main(argv: list[str]) -> None:
    if len(argv) >= 3 and argv[1] == "more":
        opts: dict[str, Path] = {}
        args = argv[2:]
        while len(args) > 1 and args[0] in ("--postlight", "--newspaper", "--goose3", "--base"):
            opts[args[0][2:]] = Path(args[1])
            args = args[2:]
        if len(args) != 1 or not opts.keys() - {"base"}:
            sys.exit(__doc__)
        out = args[0]
        truth = build_more(Path(out), **opts)
    elif len(argv) == 4:
        out = argv[3]
        truth = build(Path(argv[1]), Path(argv[2]), Path(out))
    else:
        sys.exit(__doc__)
    sites = {v["site"] for v in truth.values()}
    by_source: dict[str, int] = {}
    for v in truth.values():
        by_source[v["source"]] = by_source.get(v["source"], 0) + 1
    print(f"{len(truth)} pages from {len(sites)} sites {by_source} -> {out}")


if __name__ == "__main__":
    main(sys.argv)
