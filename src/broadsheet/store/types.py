"""Value types returned by the store (beyond the shared ones in ``broadsheet.models``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from broadsheet.models import CueClass, QuoteKind

__all__ = [
    "AccountSession",
    "AlertHit",
    "AlertReport",
    "AlertStats",
    "AlertWebhook",
    "ApiToken",
    "ArticleVersion",
    "Change",
    "ChangeKind",
    "ChangeOp",
    "DatedValue",
    "FiredAlert",
    "InboxEntry",
    "PendingStory",
    "PersonProfile",
    "SavedSearch",
    "SpeakerQuote",
    "TickerArticle",
    "User",
    "WebhookJob",
]

# what a change does to the set of searchable articles: upsert or delete one, or nothing
# ("note": an event about a source, not an article)
ChangeOp = Literal["upsert", "delete", "note"]
# what happened: an article first stored, a new version of it, its annotations saved, its
# story cluster renamed, its deletion; a source failing, or answering again after failures
ChangeKind = Literal[
    "stored", "updated", "annotated", "story", "deleted", "source_failed", "source_recovered"
]


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the store's write log, which is also its event log (``broadsheet.wire``):
    ``seq`` only ever grows. ``article_id`` is None for an event about a source."""

    seq: int
    article_id: int | None
    op: ChangeOp
    kind: ChangeKind = "stored"
    source_id: int | None = None
    at: datetime | None = None  # when the write was made (None for logs older than kinds)
    detail: str | None = None  # e.g. a source's error


@dataclass(frozen=True, slots=True)
class ArticleVersion:
    """One version of an article's text (1 = as first seen)."""

    article_id: int
    version: int
    saved_at: datetime  # when this version was stored
    headline: str | None
    byline: str | None
    published_at: datetime | None
    url: str | None
    canonical_url: str | None
    body: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class TickerArticle:
    """An article that mentions a ticker; ``date`` is YYYY-MM-DD (published, else first seen)."""

    article_id: int
    date: str
    headline: str | None
    relevance: float


@dataclass(frozen=True, slots=True)
class SpeakerQuote:
    """A quote attributed to a speaker, with the quoted text cut from the stored body."""

    article_id: int
    start: int
    end: int
    text: str
    kind: QuoteKind
    speaker: str | None
    title: str | None
    affiliation: str | None
    date: str  # YYYY-MM-DD of the article
    cue_class: CueClass = "speech"  # what the cue reports: speech, writing, thought, action


@dataclass(frozen=True, slots=True)
class DatedValue:
    """A value (a title, an affiliation) seen across the archive, with when it was seen."""

    value: str
    first_seen: str  # YYYY-MM-DD
    last_seen: str  # YYYY-MM-DD
    count: int


@dataclass(frozen=True, slots=True)
class PersonProfile:
    """What the archive knows about one person."""

    name: str
    entity_id: str | None
    aliases: tuple[str, ...]  # surface forms and names seen, most frequent first
    titles: tuple[DatedValue, ...]
    affiliations: tuple[DatedValue, ...]
    article_count: int
    quotes: tuple[SpeakerQuote, ...]  # newest first
    co_occurring: tuple[tuple[str, int], ...]  # (person, articles in common), most first


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A query in the query language kept under a name, matched against every new story."""

    id: int
    owner: str  # the user it belongs to ("local": the user of this machine's command line)
    name: str
    query: str
    active: bool
    created_at: datetime


# --------------------------------------------------------------------------- alerts


@dataclass(frozen=True, slots=True)
class AlertWebhook:
    """Where a saved search's alerts are POSTed, and the secret that signs them."""

    search_id: int
    url: str
    secret: str  # "whsec_" + base64 of the key (Standard Webhooks)
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AlertHit:
    """A saved search matched one report of a story (what the percolator hands the store)."""

    search_id: int
    article_id: int
    story_id: int | None
    version: int
    seq: int  # the change-log position that was being applied
    stored_at: datetime  # when this version of the story was stored
    headline: str | None


@dataclass(frozen=True, slots=True)
class PendingStory:
    """A story whose annotations are awaited before some searches are decided on it."""

    article_id: int
    seq: int
    stored_at: datetime
    due_at: datetime


@dataclass(frozen=True, slots=True)
class FiredAlert:
    """An inbox item as it was created: one saved search fired for one story."""

    item_id: int
    search_id: int
    owner: str
    name: str
    article_id: int
    story_id: int | None
    headline: str | None
    seq: int
    stored_at: datetime
    fired_at: datetime


@dataclass(frozen=True, slots=True)
class AlertStats:
    """How a saved search has fired, and the health of its webhook deliveries."""

    search_id: int
    fired: int
    last_fired_at: datetime | None
    webhook_url: str | None
    delivered: int  # webhook deliveries made
    pending: int  # webhook deliveries not made yet (due, or waiting to retry)
    failing: int  # of those, how many have failed at least once
    gave_up: int  # deliveries abandoned after every retry failed
    last_error: str | None
    last_error_at: datetime | None


@dataclass(frozen=True, slots=True)
class AlertReport:
    """One report grouped into an inbox item (the first one included)."""

    article_id: int
    version: int
    at: datetime


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """One inbox item: a saved search fired for a story, with every report grouped into it."""

    item_id: int
    search_id: int
    name: str
    owner: str
    article_id: int
    story_id: int | None
    headline: str | None
    seq: int
    stored_at: datetime
    fired_at: datetime
    updated_at: datetime
    read_at: datetime | None
    reports: tuple[AlertReport, ...]


@dataclass(frozen=True, slots=True)
class WebhookJob:
    """A webhook delivery claimed by one process."""

    outbox_id: int
    attempts: int  # before this one
    url: str
    secret: str
    alert: FiredAlert


# --------------------------------------------------------------------------- accounts


@dataclass(frozen=True, slots=True)
class User:
    """An account. ``password_hash`` is an argon2id PHC string; ``totp_secret`` the base32
    TOTP key (None: no second factor); ``totp_last_step`` the last accepted TOTP time step
    (a code of that step or an earlier one is refused)."""

    id: int
    name: str
    admin: bool
    created_at: datetime
    password_hash: str
    totp_secret: str | None
    totp_last_step: int | None
    recovery_left: int  # recovery codes not yet used


@dataclass(frozen=True, slots=True)
class ApiToken:
    """An API token of a user: only the hash of the token is kept."""

    id: int
    user_id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class AccountSession:
    """A login session kept on the server, under the hash of its cookie value. ``public_id``
    names it in lists (ending it) without revealing the cookie."""

    public_id: str
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    client: str
