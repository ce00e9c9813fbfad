"""The jobs the stages hand each other, and their one JSON form.

    fetch    {"kind": "source", "source_id": 3}                  poll a subscribed source
             {"kind": "url", "url": "https://..."}               take in a URL once
             {"kind": "page", "url", "guid", "source_id", "fallback"}   a feed entry's page
    extract  {"doc": <document>, "source_id", "guid"}            read the article
    store    {"article": <article>, "source_id", "guid", "first_seen_at"}
    enrich   {"article_id": 12, "version": 1}                    annotate a stored story

A job that cannot be read is a ``JobError`` (poison: it goes to the dead letters at once).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, get_args

from ..errors import BroadsheetError
from ..models import Article, Document, Image, Paragraph, ParagraphKind

__all__ = [
    "JOB_STAGES",
    "JobError",
    "Outgoing",
    "Result",
    "article_from_json",
    "article_to_json",
    "document_from_json",
    "document_to_json",
    "job_id",
    "read_job",
]

JOB_STAGES = ("fetch", "extract", "enrich", "store")


class JobError(BroadsheetError):
    """A job that cannot be done however often it is tried (a malformed message, a page with
    no article): it goes to the dead-letter stream with this error."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A job one stage hands to the next; ``msg_id`` lets JetStream drop a repeat."""

    stage: str
    payload: dict[str, Any]
    msg_id: str


@dataclass(frozen=True, slots=True)
class Result:
    """What a job made: the next stage's jobs, and ``then``, run once they are published
    (bookkeeping that must not be written before its jobs are safe, such as a polled feed's
    validators: written first, a redelivered poll would be answered "not modified")."""

    jobs: list[Outgoing]
    then: Callable[[], object] | None = None


def job_id(stage: str, *parts: object) -> str:
    digest = hashlib.blake2b(
        json.dumps(parts, default=str, sort_keys=True).encode(), digest_size=12
    ).hexdigest()
    return f"{stage}-{digest}"


def read_job(data: bytes) -> dict[str, Any]:
    try:
        job = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise JobError(f"not a JSON job: {exc}") from exc
    if not isinstance(job, dict):
        raise JobError("a job is a JSON object")
    return job


def field(job: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = job.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise JobError(f"job field {name!r} is missing or not {_kind_name(kind)}")
    return value


def optional(job: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = job.get(name)
    if value is None:
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise JobError(f"job field {name!r} is not {_kind_name(kind)}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(job: dict[str, Any], name: str) -> datetime | None:
    text = optional(job, name, str)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise JobError(f"job field {name!r} is not an ISO date") from exc


def document_to_json(doc: Document) -> dict[str, Any]:
    return {
        "uri": doc.uri,
        "body": base64.b64encode(doc.body).decode("ascii"),
        "media_type": doc.media_type,
        "fetched_at": _when(doc.fetched_at),
        "charset": doc.charset,
        "title": doc.title,
        "published_at": _when(doc.published_at),
        "author": doc.author,
        "guid": doc.guid,
    }


def document_from_json(data: Any) -> Document:
    if not isinstance(data, dict):
        raise JobError("job field 'doc' is not an object")
    try:
        body = base64.b64decode(field(data, "body", str), validate=True)
    except ValueError as exc:
        raise JobError("the document body is not base64") from exc
    fetched = _date(data, "fetched_at")
    if fetched is None:
        raise JobError("the document lacks fetched_at")
    return Document(
        uri=field(data, "uri", str),
        body=body,
        media_type=field(data, "media_type", str),
        fetched_at=fetched,
        charset=optional(data, "charset", str),
        title=optional(data, "title", str),
        published_at=_date(data, "published_at"),
        author=optional(data, "author", str),
        guid=optional(data, "guid", str),
    )


def article_to_json(article: Article) -> dict[str, Any]:
    return {
        "paragraphs": [[p.text, p.kind] for p in article.paragraphs],
        "headline": article.headline,
        "byline": article.byline,
        "published_at": _when(article.published_at),
        "updated_at": _when(article.updated_at),
        "url": article.url,
        "canonical_url": article.canonical_url,
        "language": article.language,
        "site_name": article.site_name,
        "description": article.description,
        "images": [[i.url, i.title, i.caption, i.credit] for i in article.images],
    }


def article_from_json(data: Any) -> Article:
    if not isinstance(data, dict):
        raise JobError("job field 'article' is not an object")
    paragraphs = []
    for item in field(data, "paragraphs", list):
        if (
            not isinstance(item, list)
            or len(item) != 2
            or not all(isinstance(x, str) for x in item)
            or item[1] not in get_args(ParagraphKind)
        ):
            raise JobError("a paragraph is [text, kind]")
        paragraphs.append(Paragraph(item[0], item[1]))
    images = []
    for item in optional(data, "images", list) or []:
        if not isinstance(item, list) or len(item) != 4:
            raise JobError("an image is [url, title, caption, credit]")
        if not all(x is None or isinstance(x, str) for x in item):
            raise JobError("an image's parts are text")
        images.append(Image(*item))
    return Article(
        paragraphs=tuple(paragraphs),
        headline=optional(data, "headline", str),
        byline=optional(data, "byline", str),
        published_at=_date(data, "published_at"),
        updated_at=_date(data, "updated_at"),
        url=optional(data, "url", str),
        canonical_url=optional(data, "canonical_url", str),
        language=optional(data, "language", str),
        site_name=optional(data, "site_name", str),
        description=optional(data, "description", str),
        images=tuple(images),
    )
