"""The searchable fields of an article: what the query language accepts after ``name:`` and
how each one is filled from a stored article and its annotations.

``article_fields`` is the one definition of an article's searchable values: the index builds
its documents from it and ``matches`` evaluates saved searches against it, so the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit

from ..models import Annotations, StoredArticle

__all__ = [
    "DEFAULT_TEXT_FIELDS",
    "INDEXED_KEYWORD_FIELDS",
    "INDEXED_TEXT_FIELDS",
    "NAME_FIELDS",
    "FieldKind",
    "FieldSpec",
    "FieldValue",
    "article_fields",
    "field_names",
    "get_field",
    "register_field",
    "to_utc",
]

FieldKind = Literal["text", "keyword", "since", "until"]
FieldValue = str | Sequence[str] | datetime | None

# Fields the index holds, by kind. A registered field must target one of these (or a date bound).
INDEXED_TEXT_FIELDS: tuple[str, ...] = ("headline", "body", "quote")
INDEXED_KEYWORD_FIELDS: tuple[str, ...] = (
    "source",
    "lang",
    "person",
    "org",
    "place",
    "ticker",
    "topic",
    "by",
)
# Keyword fields holding names: a query value matches the whole name or any run of its
# consecutive words ("Glaser", "Bonnie Glaser" find "Bonnie Glaser"), because people search
# a news archive by surname and by the short form of an organisation's or paper's name.
# Codes and labels (lang, ticker, topic) stay whole-value only: they are not names, and
# "topic:energy" must not find articles filed under "renewable energy".
NAME_FIELDS: tuple[str, ...] = ("source", "person", "org", "place", "by")
# A bare word or "phrase" searches these (the headline counts double in ranking).
DEFAULT_TEXT_FIELDS: tuple[str, ...] = ("headline", "body")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What ``name:value`` means in a query.

    ``kind`` is how the value is read: ``text`` (words and phrases, tokenized), ``keyword``
    (the whole value, compared case-insensitively; for a target in ``NAME_FIELDS`` also any
    run of consecutive whole words of it), ``since`` / ``until`` (a date bound on the
    article's date). ``target`` is the index field searched (default: the field's own name),
    so ``register_field("speaker", FieldSpec("keyword", "by"))`` makes an alias.
    """

    kind: FieldKind
    target: str | None = None
    description: str = ""

    def target_for(self, name: str) -> str:
        return self.target or name


_BUILTIN: dict[str, FieldSpec] = {
    "headline": FieldSpec("text", None, "words in the headline"),
    "body": FieldSpec("text", None, "words in the article text"),
    "source": FieldSpec("keyword", None, "the publication's name or web site, or words of it"),
    "lang": FieldSpec("keyword", None, 'language code, e.g. "en"'),
    "since": FieldSpec("since", None, "published on or after a date (2010-05-03, 7d, today)"),
    "until": FieldSpec("until", None, "published on or before a date"),
    "person": FieldSpec("keyword", None, "a person named in the article (full name or surname)"),
    "org": FieldSpec("keyword", None, "an organisation named in the article, or words of its name"),
    "place": FieldSpec("keyword", None, "a place named in the article, or words of its name"),
    "ticker": FieldSpec("keyword", None, "a stock ticker the article is about"),
    "topic": FieldSpec("keyword", None, "a topic of the article"),
    "quote": FieldSpec("text", None, "words someone is quoted saying"),
    "by": FieldSpec("keyword", None, "a speaker quoted in the article (full name or surname)"),
}

_registry: dict[str, FieldSpec] = dict(_BUILTIN)


def register_field(name: str, spec: FieldSpec) -> None:
    """Make ``name:`` a query field. Re-registering a name with the same spec is a no-op."""
    key = name.lower()
    if not key.isidentifier() or not key.isascii():
        raise ValueError(f"field name must be ASCII letters, digits or _: {name!r}")
    target = spec.target_for(key)
    if spec.kind == "text" and target not in INDEXED_TEXT_FIELDS:
        raise ValueError(f"text field {name!r} must target one of {INDEXED_TEXT_FIELDS}")
    if spec.kind == "keyword" and target not in INDEXED_KEYWORD_FIELDS:
        raise ValueError(f"keyword field {name!r} must target one of {INDEXED_KEYWORD_FIELDS}")
    existing = _registry.get(key)
    if existing is not None and existing != spec:
        raise ValueError(f"field {name!r} is already registered differently")
    _registry[key] = spec


def get_field(name: str) -> FieldSpec | None:
    return _registry.get(name.lower())


def field_names() -> list[str]:
    return sorted(_registry)


def to_utc(value: datetime) -> datetime:
    """Aware UTC, whole seconds (the index's date precision). Naive datetimes are UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0)


def _host_names(url: str | None) -> list[str]:
    if not url:
        return []
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return []
    if not host:
        return []
    names = [host]
    if host.startswith("www."):
        names.append(host[4:])
    return names


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value not in seen:
            seen[value] = None
    return list(seen)


def article_fields(
    article: StoredArticle, annotations: Annotations | None = None
) -> dict[str, FieldValue]:
    """The searchable values of one article, keyed by index field.

    Text fields hold a string (``quote`` a list of strings), keyword fields a list of strings,
    ``published`` / ``first_seen`` datetimes. This is the mapping ``matches`` takes.
    """
    sources = _unique(
        [article.source_name or "", *_host_names(article.canonical_url or article.url)]
    )
    langs: list[str] = []
    if article.language:
        langs = _unique([article.language, article.language.replace("_", "-").split("-")[0]])
    fields: dict[str, FieldValue] = {
        "headline": article.headline or "",
        "body": article.body,
        "source": sources,
        "lang": langs,
        "published": article.published_at,
        "first_seen": article.first_seen_at,
    }
    ann = annotations or Annotations()
    by_type: dict[str, list[str]] = {"PERSON": [], "ORG": [], "PLACE": []}
    for entity in ann.entities:
        if entity.type in by_type:
            by_type[entity.type].append(entity.name)
    fields["person"] = _unique(by_type["PERSON"])
    fields["org"] = _unique(by_type["ORG"])
    fields["place"] = _unique(by_type["PLACE"])
    fields["ticker"] = _unique([t.ticker for t in ann.tickers])
    fields["topic"] = _unique(list(ann.topics))
    # a group ("Obama administration officials") is no one speaker: by:Obama must not find it
    fields["by"] = _unique(
        [q.speaker for q in ann.quotes if q.speaker and q.speaker_type != "GROUP"]
    )
    body = article.body
    fields["quote"] = [body[q.content[0] : q.content[1]] for q in ann.quotes]
    return fields


def effective_date(fields: Mapping[str, object]) -> datetime | None:
    """The date an article is filed under: published, else first seen."""
    for key in ("published", "first_seen"):
        value = fields.get(key)
        if isinstance(value, datetime):
            return to_utc(value)
    return None
