"""Saved searches: a query kept under a name, with an owner and an active or paused state;
and how often a query would have fired over the recent archive, before it is saved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..errors import NotFoundError
from ..search import And, DateRange, parse_query
from .news import NewsTasks
from .views import SavedSearchView, StoryHit

__all__ = ["SavedSearchTasks", "SearchPreview"]


@dataclass(frozen=True, slots=True)
class SearchPreview:
    """How often a query would have fired over the last ``days`` days, with examples."""

    query: str
    days: int
    matches: int
    examples: list[StoryHit]

    @property
    def per_day(self) -> float:
        return self.matches / self.days if self.days else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "days": self.days,
            "matches": self.matches,
            "per_day": round(self.per_day, 2),
            "examples": [e.to_json() for e in self.examples],
        }


class SavedSearchTasks(NewsTasks):
    def preview_search(
        self, query: str, *, days: int = 7, examples: int = 5, now: datetime | None = None
    ) -> SearchPreview:
        """How often ``query`` would have fired over the last ``days`` days of the archive
        (by when stories were published, else first seen), with the newest examples."""
        moment = now or datetime.now(UTC)
        tree = And((parse_query(query, now=moment), DateRange(moment - timedelta(days=days), None)))
        page = self.search(tree, limit=max(1, examples), sort="newest", now=moment)
        return SearchPreview(query, days, page.total, page.hits[:examples])

    def save_search(
        self, name: str, query: str, *, owner: str = "local", active: bool = True
    ) -> SavedSearchView:
        """Keep ``query`` under ``name`` (checked first: a malformed query is refused)."""
        parse_query(query)
        return SavedSearchView(self.store.add_saved_search(name, query, owner=owner, active=active))

    def saved_searches(self, *, owner: str | None = "local") -> list[SavedSearchView]:
        return [SavedSearchView(s) for s in self.store.list_saved_searches(owner=owner)]

    def saved_search(self, name_or_id: str | int, *, owner: str = "local") -> SavedSearchView:
        """A saved search by its name (or id) among ``owner``'s."""
        if isinstance(name_or_id, int) or str(name_or_id).isdigit():
            found = self.store.get_saved_search(int(name_or_id))
            if found.owner != owner:
                raise NotFoundError(f"no saved search {name_or_id}")
            return SavedSearchView(found)
        named = self.store.find_saved_search(str(name_or_id), owner=owner)
        if named is None:
            raise NotFoundError(f"no saved search called {name_or_id!r}")
        return SavedSearchView(named)

    def set_search_active(
        self, name_or_id: str | int, active: bool, *, owner: str = "local"
    ) -> SavedSearchView:
        found = self.saved_search(name_or_id, owner=owner).search
        return SavedSearchView(self.store.update_saved_search(found.id, active=active))

    def remove_search(self, name_or_id: str | int, *, owner: str = "local") -> SavedSearchView:
        found = self.saved_search(name_or_id, owner=owner)
        self.store.remove_saved_search(found.search.id)
        return found
