"""The presearcher: an index from required terms to the saved searches that need them, so
a new story is checked only against the searches it could match (see ``compile``).

Searches whose required set is None (pure NOT, dates only) sit on an always-check list.
Term costs are document frequencies from a sample of the archive's recent stories: an AND
is indexed under its rarest part, so a common word ("said") never makes every story a
candidate of a search that also names a rare ticker.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..search import PreparedArticle
from .compile import CompiledSearch, Key, required_keys, story_keys

__all__ = ["Presearcher"]


class Presearcher:
    """Saved searches indexed by their required terms."""

    def __init__(self, frequencies: Mapping[Key, int] | None = None) -> None:
        self._frequencies = dict(frequencies or {})
        self._index: dict[Key, set[int]] = {}
        self._keys: dict[int, frozenset[Key] | None] = {}
        self._searches: dict[int, CompiledSearch] = {}
        self._always: set[int] = set()

    def __len__(self) -> int:
        return len(self._searches)

    def __contains__(self, search_id: object) -> bool:
        return search_id in self._searches

    @property
    def always(self) -> int:
        """How many searches every story is checked against."""
        return len(self._always)

    def cost(self, key: Key) -> float:
        return float(self._frequencies.get(key, 0))

    def add(self, search: CompiledSearch) -> None:
        self.remove(search.id)
        keys = required_keys(search.tree, self.cost)
        self._searches[search.id] = search
        self._keys[search.id] = keys
        if keys is None:
            self._always.add(search.id)
            return
        for key in keys:
            self._index.setdefault(key, set()).add(search.id)

    def remove(self, search_id: int) -> None:
        if search_id not in self._searches:
            return
        del self._searches[search_id]
        keys = self._keys.pop(search_id)
        if keys is None:
            self._always.discard(search_id)
            return
        for key in keys:
            holders = self._index.get(key)
            if holders is not None:
                holders.discard(search_id)
                if not holders:
                    del self._index[key]

    def searches(self) -> Iterable[CompiledSearch]:
        return self._searches.values()

    def get(self, search_id: int) -> CompiledSearch | None:
        return self._searches.get(search_id)

    def candidates(self, story: PreparedArticle) -> list[CompiledSearch]:
        """The searches ``story`` could match, in id order (a superset of those it does)."""
        found = set(self._always)
        index = self._index
        for key in story_keys(story):
            holders = index.get(key)
            if holders:
                found |= holders
        return [self._searches[i] for i in sorted(found)]
