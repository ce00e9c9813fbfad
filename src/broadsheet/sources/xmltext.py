"""Turning hostile feed bytes into safe Unicode XML text before any XML parser sees them.

* :func:`decode_xml` picks the character encoding (BOM > byte-pattern sniff > HTTP charset >
  XML declaration > UTF-8 > statistics > windows-1252), survives wrong declarations and invalid
  UTF-8, and maps stray C1 controls to the windows-1252 characters the author meant.
* :func:`screen_doctype` removes DOCTYPE declarations: external DTDs and external, parameter,
  nested or large entities are dropped (no billion laughs, no quadratic blow-up, no XXE, nothing
  fetched); only small literal entities survive, re-declared in a fresh internal subset.
"""

from __future__ import annotations

import codecs
import re

from ..budget import Budget
from ..charsets import BOMS, LABEL_ALIASES

__all__ = ["decode_xml", "fix_c1_controls", "screen_doctype", "set_xml_encoding"]

_SNIFF: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),  # EBCDIC '<?xm'
)
_DECL = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']""")
_DECL_ENCODING = re.compile(r"""(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_DECL_ANY = re.compile(r"^\s*<\?xml[^>]*\?>")
# labels as WHATWG reads them (``charsets``); in a feed, "unicode" means UTF-16
_ALIASES = {**LABEL_ALIASES, "unicode": "utf-16"}
_C1 = {i: bytes([i]).decode("cp1252", errors="ignore") or chr(i) for i in range(0x80, 0xA0)}
_C1_RE = re.compile("[\x80-\x9f]")
_C1_TABLE = str.maketrans({chr(i): c for i, c in _C1.items()})


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("broadsheet-latin1", _latin1_fallback)


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _declared(body: bytes, family: str | None) -> str | None:
    head = body[:1024]
    try:
        prefix = head.decode(family or "latin-1", errors="ignore")
    except LookupError:
        return None
    match = _DECL.match(prefix.lstrip("\ufeff"))
    return match.group(1) if match else None


def fix_c1_controls(text: str) -> str:
    """Map U+0080–U+009F (never meant in feeds) to the windows-1252 characters they encode."""
    if _C1_RE.search(text):
        return text.translate(_C1_TABLE)
    return text


def _mostly_utf8(body: bytes) -> bool:
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    return good > 0 and bad <= max(2, good // 4)


# legacy encodings seen on the web, in order of preference when statistics tie
_WEB_LEGACY = (
    "cp1252",
    "cp1251",
    "koi8_r",
    "cp1250",
    "iso8859_2",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "iso8859_5",
    "iso8859_7",
    "iso8859_9",
    "iso8859_15",
    "koi8_u",
    "cp932",
    "shift_jis",
    "euc_jp",
    "gb18030",
    "gbk",
    "gb2312",
    "big5",
    "euc_kr",
    "cp949",
    "cp874",
    "tis_620",
)


def _statistical(body: bytes) -> str | None:
    """A legacy encoding guessed from byte statistics, when there is enough text to tell."""
    high = sum(1 for b in body if b > 0x7F)
    if high < 32:
        return None
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency of trafilatura
        return None
    matches = [m for m in from_bytes(body[:65536]) if m.encoding in _WEB_LEGACY]
    if not matches:
        return None
    best = max(matches, key=lambda m: (round(m.coherence, 2), -_WEB_LEGACY.index(m.encoding)))
    return _codec(best.encoding)


def decode_xml(body: bytes, http_charset: str | None = None) -> tuple[str, str, list[str]]:
    """Decode a feed document: returns (text, codec used, problems found on the way)."""
    problems: list[str] = []
    for bom, name in BOMS:
        if body.startswith(bom):
            text = body[len(bom) :].decode(name, errors="replace")
            if "\ufffd" in text:
                problems.append(f"invalid {name} byte sequences replaced")
            return fix_c1_controls(text), name, problems
    family = next((name for sig, name in _SNIFF if body.startswith(sig)), None)
    declared_label = _declared(body, family)
    declared = _codec(declared_label)
    if declared_label and declared is None:
        problems.append(f"unknown encoding {declared_label!r} declared")
    candidates: list[str] = []
    if family is not None and family.startswith("utf-"):
        candidates.append(family)  # the byte pattern proves the encoding and its byte order
    else:
        for label in (_codec(http_charset), declared, family, "utf-8"):
            if label and label not in candidates:
                candidates.append(label)
    for index, name in enumerate(candidates):
        try:
            text = body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        if index > 0:
            problems.append(f"encoding override: {candidates[0]} failed, read as {name}")
        return fix_c1_controls(text), name, problems
    if _mostly_utf8(body):
        problems.append("invalid UTF-8 byte sequences replaced")
        return fix_c1_controls(body.decode("utf-8", errors="replace")), "utf-8", problems
    guess = _statistical(body) or "cp1252"
    try:
        text = body.decode(guess, errors="broadsheet-latin1" if guess == "cp1252" else "replace")
    except LookupError:
        guess = "cp1252"
        text = body.decode(guess, errors="broadsheet-latin1")
    problems.append(f"encoding override: {', '.join(candidates)} failed, read as {guess}")
    return fix_c1_controls(text), guess, problems


def set_xml_encoding(text: str, encoding: str = "utf-8") -> str:
    """Make the XML declaration (if any) state ``encoding``; drops a leading BOM."""
    text = text.lstrip("\ufeff")
    head = text[:1024]  # the declaration opens the document: never search further
    if _DECL_ENCODING.search(head):
        head = _DECL_ENCODING.sub(lambda m: f'{m.group(1)}"{encoding}"', head, count=1)
        return head + text[1024:]
    return text


# --------------------------------------------------------------------------- DOCTYPE

_ROOT_NAME = re.compile(r"<!DOCTYPE\s+([A-Za-z_:][\w.:\-]*)", re.IGNORECASE)
# one declaration's head, matched at a known ``<!ENTITY``: what follows (a quoted value or an
# external identifier up to ``>``) is found with str.find, so the scan only moves forward
_ENTITY_HEAD = re.compile(
    r"""<!ENTITY\s+(%\s+)?([A-Za-z_:][\w.:\-]*)\s+(?:(["'])|(SYSTEM|PUBLIC)\b)""", re.IGNORECASE
)
_DECL_CLOSE = re.compile(r"\s*>")
_SAFE_VALUE = re.compile(r"^(?:[^&<%]|&#[0-9]{1,7};|&#x[0-9a-fA-F]{1,6};)*$")
MAX_ENTITY_VALUE = 200
MAX_ENTITIES = 64


MAX_DOCTYPE = 256 * 1024  # characters of a DOCTYPE read; a longer one runs to the end
MAX_DECLARATIONS = 4 * MAX_ENTITIES  # entity declarations looked at; the rest are dropped
_DOCTYPE_SPECIAL = re.compile(r"[\"'\[\]>]")


def _doctype_end(text: str, start: int) -> int:
    """Index just past the DOCTYPE starting at ``start`` (quotes and subset aware).

    A DOCTYPE that has not ended within :data:`MAX_DOCTYPE` characters is taken to run to the
    end of the text (so the whole document is screened away, as for an unterminated one).
    """
    limit = min(len(text), start + MAX_DOCTYPE)
    depth = 0
    i = start + len("<!DOCTYPE")
    while (match := _DOCTYPE_SPECIAL.search(text, i, limit)) is not None:
        ch = match.group()
        i = match.end()
        if ch in "\"'":
            close = text.find(ch, i, limit)
            if close < 0:
                break
            i = close + 1
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(depth - 1, 0)
        elif depth == 0:
            return i
    return len(text)


def _entity_declarations(
    declaration: str,
) -> tuple[list[tuple[bool, str, str | None]], int]:
    """(is parameter, name, literal value or None) of the entity declarations in a DOCTYPE,
    in one forward scan, and how many more were seen but not looked at."""
    found: list[tuple[bool, str, str | None]] = []
    upper = declaration.upper()
    position = upper.find("<!ENTITY")
    while position >= 0 and len(found) < MAX_DECLARATIONS:
        head = _ENTITY_HEAD.match(declaration, position)
        resume = position + len("<!ENTITY")
        if head is not None:
            is_parameter, name, quote = bool(head.group(1)), head.group(2), head.group(3)
            if quote:
                close = declaration.find(quote, head.end())
                if close < 0:
                    break
                resume = close + 1
                end = _DECL_CLOSE.match(declaration, resume)
                if end is not None:
                    found.append((is_parameter, name, declaration[head.end() : close]))
                    resume = end.end()
            else:
                close = declaration.find(">", head.end())
                if close < 0:
                    break
                found.append((is_parameter, name, None))
                resume = close + 1
        position = upper.find("<!ENTITY", resume)
    seen = upper.count("<!ENTITY")
    return found, max(seen - len(found), 0)


_CHARREF = re.compile(r"&#(x[0-9a-fA-F]{1,6}|[0-9]{1,7});")
MAX_EXPANSION = 1024 * 1024  # characters all kept entities may add to a document


def _safe_value(value: str) -> bool:
    if len(value) > MAX_ENTITY_VALUE or not _SAFE_VALUE.match(value):
        return False

    def expand(m: re.Match[str]) -> str:
        ref = m.group(1)
        code = int(ref[1:], 16) if ref[0] in "xX" else int(ref)
        return chr(code) if 0 < code <= 0x10FFFF else "&"

    # a character reference to & < or % would become markup when the entity is used
    decoded = _CHARREF.sub(expand, value)
    return not any(c in decoded for c in "&<%")


def _prolog_doctypes(text: str) -> list[tuple[int, int]]:
    """Spans of the DOCTYPE declarations in the prolog (the only place XML allows one)."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n\ufeff":
            i += 1
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
            i = n if end < 0 else end + 2
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            i = n if end < 0 else end + 3
        elif text[i : i + 9].upper() == "<!DOCTYPE":
            end = _doctype_end(text, i)
            spans.append((i, end))
            i = end
        else:
            break
    return spans


def screen_doctype(text: str) -> tuple[str, list[str]]:
    """Remove DOCTYPE declarations, keeping only small literal internal entities."""
    screened, problems, _kept = screen_doctype_entities(text)
    return screened, problems


def screen_doctype_entities(text: str) -> tuple[str, list[str], frozenset[str]]:
    """:func:`screen_doctype`, also returning the names of the entities kept."""
    spans = _prolog_doctypes(text)
    if not spans:
        return text, [], frozenset()
    kept: dict[str, str] = {}
    dropped = 0
    name = _ROOT_NAME.match(text, spans[0][0])
    root = name.group(1) if name else "rss"
    for start, end in spans:
        entities, unread = _entity_declarations(text[start:end])
        dropped += unread
        for is_parameter, ename, value in entities:
            if is_parameter or value is None or not _safe_value(value) or len(kept) >= MAX_ENTITIES:
                dropped += 1
                continue
            kept.setdefault(ename, value)
    if kept:
        expansion = sum(text.count(f"&{k};") * len(v) for k, v in kept.items())
        if expansion > MAX_EXPANSION:
            dropped += len(kept)
            kept = {}
    replacement = ""
    if kept:
        subset = "".join(f'<!ENTITY {k} "{v}">' for k, v in kept.items())
        replacement = f"<!DOCTYPE {root} [{subset}]>"
    pieces: list[str] = []
    position = 0
    for index, (start, end) in enumerate(spans):
        pieces.append(text[position:start])
        if index == 0:
            pieces.append(replacement)
        position = end
    pieces.append(text[position:])
    problems: list[str] = []
    if dropped:
        problems.append(
            f"DOCTYPE removed: {dropped} external, parameter, nested or oversized entity "
            "declaration(s) ignored"
        )
    return "".join(pieces), problems, frozenset(kept)


_PREDEFINED = frozenset({"amp", "lt", "gt", "quot", "apos"})
_CDATA_SPLIT = re.compile(r"(<!\[CDATA\[.*?(?:\]\]>|$))", re.S)
_AMPERSAND = re.compile(
    r"&(?:#([0-9]{1,10});|#[xX]([0-9a-fA-F]{1,8});|([A-Za-z_:][\w.:\-]{0,63});)?"
)


def _xml_char_ok(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def normalize_entities(
    text: str, declared: frozenset[str] = frozenset(), *, budget: Budget | None = None
) -> tuple[str, list[str]]:
    """Make every ``&`` well-formed XML outside CDATA sections.

    HTML named entities become numeric references, unknown names and bare ampersands are
    escaped (shown literally), invalid numeric references become U+FFFD. A strict XML parser can
    then read feeds written with HTML habits, quickly and without falling back to a slow
    tolerant parser. ``budget`` is checked as the references are rewritten.
    """
    import html.entities

    counts = {"html": 0, "unknown": 0, "bare": 0, "invalid": 0}

    def fix(match: re.Match[str]) -> str:
        if budget is not None:
            budget.tick("escaping entity references")
        decimal, hexadecimal, name = match.groups()
        if decimal is not None or hexadecimal is not None:
            code = int(decimal) if decimal is not None else int(hexadecimal, 16)
            if _xml_char_ok(code):
                return match.group(0)
            counts["invalid"] += 1
            return "&#65533;"
        if name is None:
            counts["bare"] += 1
            return "&amp;"
        if name in _PREDEFINED or name in declared:
            return match.group(0)
        value = html.entities.html5.get(name + ";")
        if value is not None:
            counts["html"] += 1
            return "".join(f"&#{ord(ch)};" for ch in value)
        counts["unknown"] += 1
        return "&amp;" + name + ";"

    pieces = _CDATA_SPLIT.split(text)
    for index in range(0, len(pieces), 2):  # even indexes are outside CDATA
        if "&" in pieces[index]:
            pieces[index] = _AMPERSAND.sub(fix, pieces[index])
    problems: list[str] = []
    if counts["unknown"]:
        problems.append(f"{counts['unknown']} undefined entity reference(s) shown literally")
    if counts["bare"]:
        problems.append(f"{counts['bare']} unescaped '&' escaped")
    if counts["invalid"]:
        problems.append(f"{counts['invalid']} invalid character reference(s) replaced")
    if counts["html"]:
        problems.append(f"{counts['html']} HTML entity reference(s) converted")
    return "".join(pieces), problems


def strip_xml_declaration(text: str) -> str:
    return _DECL_ANY.sub("", text, count=1)
