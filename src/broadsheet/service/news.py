"""Reading the archive: top stories, search, a story read like an analyst, quotes, people."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime

from ..errors import InvalidRequestError, NotFoundError, QuerySyntaxError
from ..models import CUE_CLASSES, READER_CUE_CLASSES, CueClass
from ..search import DateRange, Keyword, Or, Query, SortOrder, parse_query
from ..search.analysis import keyword_value, name_part_key, name_parts
from ..search.query import And
from .base import ServiceBase
from .text import quote_sentence
from .views import (
    ArticleView,
    PersonView,
    QuoteView,
    SearchPage,
    StoryCluster,
    StoryHit,
    VersionView,
    decode_cursor,
    encode_cursor,
)

__all__ = ["NewsTasks"]

# TOP: a story carried by twice as many outlets ranks as if it were this much newer
_SOURCES_HOURS = 6.0
# TOP: a story one of the user's active saved searches finds ranks as if this much newer
# (each further saved search that finds it adds half as much again: log2)
_SAVED_HOURS = 12.0
_SAVED_MOST = 50  # saved searches consulted for TOP's ranking


class NewsTasks(ServiceBase):
    def search(
        self,
        query: str | Query,
        *,
        limit: int | None = None,
        sort: SortOrder = "relevance",
        cursor: str | None = None,
        now: datetime | None = None,
    ) -> SearchPage:
        """Stories matching ``query`` (the query language; ``QuerySyntaxError`` with the
        position when it is malformed), a page at a time."""
        tree = parse_query(query, now=now) if isinstance(query, str) else query
        text = query if isinstance(query, str) else ""
        size = max(1, limit or self.settings.search.default_limit)
        try:
            offset = decode_cursor(cursor)
        except ValueError as exc:
            raise InvalidRequestError(str(exc)) from exc
        results = self.fresh_index().search(tree, limit=size, offset=offset, sort=sort, now=now)
        hits = [StoryHit.from_hit(h) for h in results.hits]
        # a capped count (``total_exact`` False) says "at least": more pages may follow it
        more = len(hits) == size and (offset + len(hits) < results.total or not results.total_exact)
        return SearchPage(
            query=text,
            total=results.total,
            total_exact=results.total_exact,
            hits=hits,
            next_cursor=encode_cursor(offset + size) if more else None,
        )

    def top(
        self,
        query: str = "",
        *,
        limit: int = 20,
        now: datetime | None = None,
        owner: str = "local",
    ) -> list[StoryCluster]:
        """Top stories now: one row per story cluster, ranked by how recent it is, how many
        outlets carry it and how many of ``owner``'s active saved searches find it
        (optionally only stories matching ``query``)."""
        window = max(limit * 6, 60)
        page = self.search(query or "*", limit=window, sort="newest", now=now)
        clusters: dict[int, list[StoryHit]] = {}
        for hit in page.hits:
            clusters.setdefault(hit.story_id or hit.id, []).append(hit)
        rows = [
            StoryCluster(story_id=key, lead=members[0], articles=members)
            for key, members in clusters.items()
        ]
        found = self._saved_search_finds(page.hits, owner, now)

        def rank(cluster: StoryCluster) -> float:
            saved = len({s for a in cluster.articles for s in found.get(a.id, ())})
            return _top_rank(cluster) + _SAVED_HOURS * math.log2(1 + saved)

        rows.sort(key=rank, reverse=True)
        return rows[:limit]

    def _saved_search_finds(
        self, hits: list[StoryHit], owner: str, now: datetime | None
    ) -> dict[int, set[int]]:
        """Which of ``owner``'s active saved searches find each of ``hits`` (by article id)."""
        saved = self.store.list_saved_searches(owner=owner, active=True)[:_SAVED_MOST]
        times = [h.when for h in hits if h.when is not None]
        if not saved or not times:
            return {}
        wanted = {h.id for h in hits}
        since = DateRange(min(times), None)
        found: dict[int, set[int]] = {}
        index = self.fresh_index()
        for s in saved:
            try:
                tree = And((parse_query(s.query, now=now), since))
            except QuerySyntaxError:  # kept from before a grammar change: it finds nothing
                continue
            results = index.search(tree, limit=len(hits), sort="newest", now=now)
            for hit in results.hits:
                if hit.article_id in wanted:
                    found.setdefault(hit.article_id, set()).add(s.id)
        return found

    def read(
        self, article_id: int, *, cue_classes: Collection[CueClass] | None = None
    ) -> ArticleView:
        """One story with its annotations (each with the sentence behind it), its earlier
        versions, and the same story from other sources. Its quotes are what was said or
        written unless ``cue_classes`` names others (``CUE_CLASSES``: all of them)."""
        art = self.store.get_article(article_id)
        annotations = self.store.get_annotations(article_id)
        wanted = _cue_classes(cue_classes)
        if any(q.cue_class not in wanted for q in annotations.quotes):
            shown = tuple(q for q in annotations.quotes if q.cue_class in wanted)
            annotations = replace(annotations, quotes=shown)
        versions = [VersionView.from_version(v) for v in self.store.article_versions(article_id)]
        others: list[StoryHit] = []
        if art.story_id is not None:
            for other in self.store.story_articles(art.story_id):
                if other.id != art.id:
                    others.append(
                        StoryHit(
                            other.id,
                            0.0,
                            other.headline,
                            other.source_name,
                            other.published_at,
                            other.first_seen_at,
                            "",
                            other.story_id,
                        )
                    )
        return ArticleView(art, annotations, versions, others)

    def quotes(
        self, query: str, *, limit: int = 20, cue_classes: Collection[CueClass] | None = None
    ) -> list[QuoteView]:
        """Quotes in the stories matching ``query``; when it names speakers (``by:Glaser``),
        only theirs (a group's words, "officials said", are no one person's). Only what was
        said or written unless ``cue_classes`` names others."""
        tree = parse_query(query)
        speakers = _speaker_terms(tree)
        wanted = _cue_classes(cue_classes)
        found: list[QuoteView] = []
        for hit in self.search(tree, limit=limit).hits:
            art = self.store.get_article(hit.id)
            day = (art.published_at or art.first_seen_at).date().isoformat()
            for q in self.store.get_annotations(hit.id).quotes:
                if q.cue_class not in wanted:
                    continue
                if speakers and (q.speaker_type == "GROUP" or not _said_by(q.speaker, speakers)):
                    continue
                found.append(
                    QuoteView(
                        article_id=art.id,
                        headline=art.headline,
                        date=day,
                        speaker=q.speaker,
                        kind=q.kind,
                        text=art.body[q.content[0] : q.content[1]],
                        sentence=quote_sentence(art.body, q),
                        speaker_title=q.speaker_title,
                        speaker_affiliation=q.speaker_affiliation,
                        cue_class=q.cue_class,
                        speaker_type=q.speaker_type,
                    )
                )
        return found

    def person(
        self, name: str, *, quotes: int = 20, cue_classes: Collection[CueClass] | None = None
    ) -> PersonView:
        """Who someone is in the archive: names, titles, affiliations, quotes, company kept.
        The quotes are what they said or wrote unless ``cue_classes`` names others."""
        profile = self.store.person_profile(name)
        if profile is None:
            raise NotFoundError(f"no one called {name!r} in the archive")
        said = self.store.quotes_by_speaker(
            profile.name, limit=quotes, cue_classes=_cue_classes(cue_classes)
        )
        return PersonView(profile, said)


def _cue_classes(wanted: Collection[CueClass] | None) -> frozenset[CueClass]:
    """The cue classes asked for (speech and writing when none are); an unknown one is a
    clear error."""
    if wanted is None:
        return frozenset(READER_CUE_CLASSES)
    unknown = sorted(set(wanted) - set(CUE_CLASSES))
    if unknown:
        raise InvalidRequestError(
            f"unknown quote class {unknown[0]!r}; one of {', '.join(CUE_CLASSES)}"
        )
    return frozenset(wanted)


def _top_rank(cluster: StoryCluster) -> float:
    when = cluster.lead.when or datetime(1970, 1, 1, tzinfo=UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    hours = when.timestamp() / 3600
    return hours + _SOURCES_HOURS * math.log2(max(1, len(cluster.sources)))


def _speaker_terms(query: Query) -> list[str]:
    """The values of the ``by:`` terms a query asks for (not under NOT)."""
    if isinstance(query, Keyword):
        return [query.value] if query.field == "by" else []
    if isinstance(query, And | Or):
        return [v for part in query.parts for v in _speaker_terms(part)]
    return []


def _said_by(speaker: str | None, wanted: list[str]) -> bool:
    """Whether a quote's speaker is one a ``by:`` term names (whole name or a run of its
    words, as the search matches it)."""
    if speaker is None:
        return False
    parts = name_parts(speaker)
    return any(
        keyword_value(w) == keyword_value(speaker) or name_part_key(w) in parts for w in wanted
    )
