"""Percolation: each story is matched against every saved search as it is stored.

``AlertFollower`` follows the store's change log (a ``wire.Follower``: ``FollowLoop`` runs
it in every following process, and one-shot commands such as ``inbox`` call ``catch_up``).
For each batch of changes it finds the candidate searches with the presearcher, checks them
(``search.matches``, compiled once per search) on the story's fields and annotations, and
writes the matches, their outbox rows and its new position in one durable transaction
(``AlertStore.record_alerts``): exactly once across crashes, and when two processes follow
at once, only the first to write a batch keeps it (the other reads on from the new
position).

Annotations arrive in a later change than the story. A search that does not use them is
decided when the story is stored. One that uses them only positively (``ticker:AAPL``) fires
at once when it already matches, else is decided again when the story is annotated. One
with NOT over an annotation field waits for the annotations (or ``enrich_wait`` seconds,
when enrichment is off or fails). A story never fires one search twice: the store groups
repeats (a new version, the same story from another source) into the first item.

After writing, the follower publishes every new inbox item — its own and other processes' —
as an ``AlertFired`` on its bus (the live channel), and wakes the webhook worker. Its own
items are published from what its write returned when they follow the last item published
with no gap (not read back on the path); else, and at the look after, they are read. Published
items are marked delivered in its next write (or once it has been idle ``mark_idle``
seconds: not in a commit of its own after every round): after a crash, an item published
but not yet marked is published again, with the same ``item_id``.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from ..errors import QuerySyntaxError
from ..models import Annotations, StoredArticle
from ..search import PreparedArticle, article_fields, compile_matcher, prepare_article
from ..search.fields import INDEXED_TEXT_FIELDS, FieldValue
from ..search.matching import Matcher
from ..store import AlertHit, Change, FiredAlert, PendingStory, Store
from ..wire import AlertFired, Bus
from .compile import (
    CompiledSearch,
    Key,
    Moment,
    compile_search,
    count_keys,
    other_keys,
    story_terms,
    story_words,
)
from .presearch import Presearcher

__all__ = ["FOLLOWER_NAME", "AlertFollower", "fired_event"]

log = logging.getLogger(__name__)
_V = TypeVar("_V")

FOLLOWER_NAME = "alerts"
_KINDS = frozenset({"stored", "updated", "annotated"})
_SAMPLE = 300  # recent stories whose terms weigh the presearcher's choices
# stories whose tokens are kept for their next change (their annotations): 1-2 s of stories
# at 100 a second; each holds ~200 objects the cycle collector walks in a full collection
_TOKENISED = 128
# searches whose terms the presearcher chooses again (``Presearcher.refine``) per batch of
# changes, and per look that found the log idle: re-choosing is never on a story's path
# while others wait, beyond a trickle that keeps it moving through a long backlog
_REFINE_BUSY = 4
_REFINE_IDLE = 40
# published items are marked delivered with the next write, or after this long idle
_MARK_IDLE = 1.0
_DUE_BATCH = 500  # stories whose wait for annotations is over, decided per batch


@dataclass(frozen=True, slots=True)
class _Tokenised:
    """A story as last tokenised: its version, tokens, words and other keys."""

    version: int
    fields: Mapping[str, FieldValue]
    prepared: PreparedArticle
    words: set[str]
    others: set[Key]


def _freeze_heap() -> None:
    """Collect, then move every object alive into the garbage collector's permanent
    generation (``gc.freeze``), after the saved searches were compiled: ~30 objects a
    search, 300,000 at 10,000 searches, that every full collection would otherwise walk
    again (a 150-450 ms pause of every thread, a few times a minute at 100 stories/s,
    the longest stalls of the alert path). Frozen objects are still freed when their last
    reference goes (a removed search: they hold no cycles); only the cycle collector
    skips them."""
    gc.collect()
    gc.freeze()


class LRUPositions(OrderedDict[int, _V]):
    """A bounded map, oldest entries dropped first."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self._size = size

    def __setitem__(self, key: int, value: _V) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        if len(self) > self._size:
            self.popitem(last=False)


def fired_event(alert: FiredAlert) -> AlertFired:
    return AlertFired(
        seq=alert.seq,
        at=alert.fired_at,
        alert_id=alert.search_id,
        owner=alert.owner,
        name=alert.name,
        article_id=alert.article_id,
        story_id=alert.story_id,
        headline=alert.headline,
        stored_at=alert.stored_at,
        item_id=alert.item_id,
    )


class AlertFollower:
    """Percolates new and changed stories against the saved searches (see the module)."""

    name = FOLLOWER_NAME

    def __init__(
        self,
        store: Store,
        bus: Bus | None = None,
        *,
        enrich_wait: float = 60.0,
        batch: int = 500,
        on_fired: Callable[[Sequence[FiredAlert]], None] | None = None,
        clock: Callable[[], datetime] | None = None,
        mark_idle: float = _MARK_IDLE,
    ) -> None:
        self._store = store
        self._bus = bus
        self._enrich_wait = timedelta(seconds=enrich_wait)
        self._batch = batch
        self._on_fired = on_fired
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._presearcher: Presearcher | None = None
        self._awaits = 0
        self._live_position: int | None = None
        self._listed = False  # this look's last round published from its write's list
        self._published: list[int] = []  # items published live, not yet marked in the store
        self._published_at = 0.0  # when the oldest of them was published (monotonic)
        self._mark_idle = mark_idle
        self._relative: dict[int, tuple[int, Matcher]] = {}
        self._moment = Moment()  # the clock of relative searches, set once per batch
        # the stories last tokenised (article -> version, tokens, words, other keys): a
        # story's annotations arrive in a later change, and its text is not tokenised (nor
        # its words gathered and counted) twice
        self._tokenised: LRUPositions[_Tokenised] = LRUPositions(_TOKENISED)
        self._expect: int | None = None  # the saved position, as this follower last wrote it
        # article -> the log position its last decision with annotations had seen
        self._evaluated: LRUPositions[int] = LRUPositions(50_000)
        self.fired = 0  # inbox items this follower created
        self.published = 0  # AlertFired events it published

    # ------------------------------------------------------------------ the follower

    def catch_up(self) -> int:
        """Percolate what the log holds after the saved position; publish new items live.
        Returns how many changes were read."""
        with self._lock:
            self._listed = False
            read = self._percolate()
            if self._bus is not None:
                if not self._listed:
                    # another process's items, or this round's when they could not be
                    # published from the write's own list (a round that published from it
                    # leaves a later one, right after in a following loop, to look)
                    self._publish_live()
                if (
                    not read
                    and self._published
                    and time.monotonic() - self._published_at >= self._mark_idle
                ):
                    # idle for a while: mark what was sent. Not at the first look that finds
                    # nothing, which comes right after every round: a durable commit (an
                    # fsync) per round on top of the round's own, holding up the next story
                    self._store.mark_live_delivered(self._published)
                    self._published = []
            if not read and self._presearcher is not None:
                # idle: choose some searches' terms again (after publishing, never ahead of
                # a story's alerts)
                self._presearcher.refine(_REFINE_IDLE)
            return read

    @property
    def presearcher(self) -> Presearcher:
        with self._lock:
            return self._searches()

    # ------------------------------------------------------------------ saved searches

    def _searches(self) -> Presearcher:
        generation = self._store.saved_search_generation()
        if self._presearcher is not None and generation == self._generation:
            return self._presearcher
        active = {s.id: s for s in self._store.list_saved_searches(active=True)}
        pre = self._presearcher
        if pre is None:
            sample = self._sample()
            pre = Presearcher(count_keys(sample), sample=len(sample))
        for search in list(pre.searches()):
            now = active.get(search.id)
            if now is None or now.query != search.query or now.name != search.name:
                pre.remove(search.id)
        for search_id, saved in active.items():
            if search_id in pre:
                continue
            try:
                pre.add(compile_search(saved, self._moment))
            except QuerySyntaxError as exc:  # saved before a grammar change: skip, say why
                log.warning("saved search %s cannot be parsed: %s", saved.id, exc)
        self._presearcher, self._generation = pre, generation
        self._awaits = sum(1 for s in pre.searches() if s.annotations == "awaits")
        _freeze_heap()
        return pre

    def _sample(self) -> list[PreparedArticle]:
        stories = self._store.latest_articles(_SAMPLE)
        return [prepare_article(article_fields(a, self._annotations(a))) for a in stories]

    def _read_annotations(self, stories: Sequence[StoredArticle]) -> dict[int, Annotations]:
        many = getattr(self._store, "get_annotations_many", None)
        if many is not None:  # one read transaction for the batch
            found: dict[int, Annotations] = many([a.id for a in stories])
            return found
        # a backend from before the contract had it (merged from a branch): one each
        return {a.id: self._annotations(a) for a in stories}

    def _annotations(self, article: StoredArticle) -> Annotations:
        if article.enrich_status is None:
            return Annotations()
        try:
            return self._store.get_annotations(article.id)
        except Exception:  # deleted meanwhile
            return Annotations()

    # ------------------------------------------------------------------ percolation

    def _position(self) -> int:
        if self._expect is not None:  # as this follower wrote it (a write checks it still is)
            return self._expect
        position = self._store.saved_position(self.name)
        if position is None:  # never ran: alerts fire for what is stored from now on
            top = self._store.max_seq()
            self._store.record_alerts(self.name, expect=0, position=top, hits=[])
            return self._store.follower_position(self.name)
        return position

    def _percolate(self) -> int:
        read = 0
        while True:
            expect = self._position()
            changes = self._store.changes_since(expect, self._batch)
            # the searches as they are after the changes were read: a search saved before
            # any of these changes is among them (one read of the generation a round)
            pre = self._searches()
            now = self._clock()
            due = (
                self._store.due_pending(now, limit=_DUE_BATCH)
                if self._awaits or not changes
                else []
            )
            if not changes and not due:
                return read
            self._moment.set(now)
            hits, pending, settled = self._match(pre, changes, due, now)
            position = changes[-1].seq if changes else expect
            published = list(self._published)
            fired = self._store.record_alerts(
                self.name,
                expect=expect,
                position=position,
                hits=hits,
                pending=pending,
                settled=settled,
                published=published,
            )
            if fired is None:
                self._expect = None
                self._listed = False
                continue  # another process applied these changes first: read on from there
            self._expect = position
            del self._published[: len(published)]
            read += len(changes)
            pre.refine(_REFINE_BUSY)  # a trickle that moves on through a long backlog
            if fired:
                self.fired += len(fired)
                if self._on_fired is not None:
                    self._on_fired(fired)
                if self._bus is not None:  # live now, not once a backlog is through
                    self._publish_live(fired)
            else:
                self._listed = False
            if len(changes) < self._batch and len(due) < _DUE_BATCH:
                # the log held no more when it was read: no second look now (a following
                # loop looks again at once after a round that read changes)
                return read

    def _match(
        self,
        pre: Presearcher,
        changes: Sequence[Change],
        due: Sequence[PendingStory],
        now: datetime,
    ) -> tuple[list[AlertHit], list[PendingStory], list[int]]:
        # every change up to the horizon is committed, so the articles read below show
        # at least its annotations: an "annotated" change at or before the horizon of an
        # earlier decision on its article was already taken into account
        horizon = self._store.max_seq()
        evaluated = self._evaluated
        wanted = [
            c
            for c in changes
            if c.article_id is not None
            and c.kind in _KINDS
            and not (c.kind == "annotated" and evaluated.get(c.article_id, -1) >= c.seq)
        ]
        ids = {c.article_id for c in wanted if c.article_id is not None}
        ids.update(p.article_id for p in due)
        articles = {a.id: a for a in self._store.get_articles(sorted(ids))}
        # every annotated story's annotations in one read, not one transaction per story
        notes = self._read_annotations(
            [a for _i, a in sorted(articles.items()) if a.enrich_status is not None]
        )
        annotated_ids = [c.article_id for c in wanted if c.kind == "annotated"]
        stored_times = self._store.stored_times(a for a in annotated_ids if a is not None)
        prepared: dict[int, tuple[PreparedArticle, list[CompiledSearch]]] = {}
        second = int(now.timestamp())
        relative = self._relative

        def check(search: CompiledSearch, prep: PreparedArticle) -> bool:
            if search.timed or not search.relative:
                return search.matcher(prep)
            # a relative tree changes only with the second (parse_query's precision)
            cached = relative.get(search.id)
            if cached is None or cached[0] != second:
                cached = relative[search.id] = (second, compile_matcher(search.tree_at(now)))
            return cached[1](prep)

        def story(article: StoredArticle) -> tuple[PreparedArticle, list[CompiledSearch]]:
            if article.id not in prepared:
                fields = article_fields(article, notes.get(article.id) or Annotations())
                prep = prepare_article(fields)
                earlier = self._tokenised.get(article.id)
                if earlier is not None and earlier.version == article.version:
                    # its annotations came: the text is the same, and so are its words
                    # but those of fields that changed (quotes); only what is new is counted
                    prep.reuse(earlier.prepared)
                    changed = [
                        f for f in INDEXED_TEXT_FIELDS if fields.get(f) != earlier.fields.get(f)
                    ]
                    words = earlier.words
                    if changed:
                        words = words | story_words(prep, changed)
                    others = other_keys(prep)
                    pre.observe(words - earlier.words, others - earlier.others)
                else:
                    words, others = story_terms(prep)
                    pre.observe(words, others)
                self._tokenised[article.id] = _Tokenised(
                    article.version, fields, prep, words, others
                )
                prepared[article.id] = (prep, pre.candidates(prep, (words, others)))
            return prepared[article.id]

        hits: list[AlertHit] = []
        seen: set[tuple[int, int]] = set()
        pending: list[PendingStory] = []
        settled: list[int] = []

        def hit(search: CompiledSearch, article: StoredArticle, seq: int, at: datetime) -> None:
            if (search.id, article.id) in seen or at < search.created_at:
                return
            seen.add((search.id, article.id))
            hits.append(
                AlertHit(
                    search.id,
                    article.id,
                    article.story_id,
                    article.version,
                    seq,
                    at,
                    article.headline,
                )
            )

        for change in wanted:
            article = articles.get(change.article_id or 0)
            if article is None:
                continue  # deleted since
            prep, candidates = story(article)
            seen_before = evaluated.get(article.id, -1)
            if article.enrich_status is not None:
                evaluated[article.id] = horizon
            if change.kind == "annotated":
                if seen_before >= change.seq:
                    continue  # decided on these annotations earlier in this batch
                at = stored_times.get(article.id) or change.at or now
                for search in candidates:
                    if search.annotations != "none" and check(search, prep):
                        hit(search, article, change.seq, at)
                settled.append(article.id)
                continue
            at = change.at or now
            annotated = article.enrich_status is not None
            awaits = False
            for search in candidates:
                if annotated or search.annotations != "awaits":
                    if check(search, prep):
                        hit(search, article, change.seq, at)
                else:
                    awaits = True
            if awaits:
                pending.append(PendingStory(article.id, change.seq, at, now + self._enrich_wait))
        for waiting in due:
            article = articles.get(waiting.article_id)
            settled.append(waiting.article_id)
            if article is None:
                continue
            prep, candidates = story(article)
            for search in candidates:
                if search.annotations == "awaits" and check(search, prep):
                    hit(search, article, waiting.seq, waiting.stored_at)
        pending = [p for p in pending if p.article_id not in settled]
        return hits, pending, settled

    # ------------------------------------------------------------------ the live channel

    def _publish_live(self, written: Sequence[FiredAlert] = ()) -> None:
        """Publish the inbox items after the live position, in order. ``written``: the
        items this follower's write just returned; when they follow the live position with
        no gap (no other process's item can sit between them), they are published as they
        are, without reading them back; else the items are read from the store."""
        assert self._bus is not None
        if self._live_position is None:
            first = self._store.first_undelivered_live()
            self._live_position = first - 1 if first is not None else self._store.last_alert_item()
        if written and all(
            alert.item_id == self._live_position + i for i, alert in enumerate(written, 1)
        ):
            self._publish(written)
            self._listed = True
            return
        self._listed = False
        page = 1000
        while True:
            fired = self._store.fired_alerts_after(self._live_position, page)
            if not fired:
                return
            self._publish(fired)
            if len(fired) < page:
                return  # the last page: no read to find nothing more

    def _publish(self, fired: Sequence[FiredAlert]) -> None:
        assert self._bus is not None
        for alert in fired:
            self._bus.publish(fired_event(alert))
        self.published += len(fired)
        self._live_position = fired[-1].item_id
        # marked delivered with the next write (or when idle): no extra commit now
        if not self._published:
            self._published_at = time.monotonic()
        self._published.extend(a.item_id for a in fired)
