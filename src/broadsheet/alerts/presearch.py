"""The presearcher: an index from required terms to the saved searches that need them, so
a new story is checked only against the searches it could match (see ``compile``).

Searches whose required set is None (pure NOT, dates only) sit on an always-check list.
Term costs are document frequencies from a sample of the archive's recent stories, over a
prior for terms the sample lacks (a field value is rarer than a word, a long word rarer
than a short one): an AND is indexed under its rarest part, so a common word ("said")
never makes every story a candidate of a search that also names a rare ticker.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from ..search import PreparedArticle
from .compile import _SEP, WORD_PREFIX, CompiledSearch, Key, required_keys, story_terms

__all__ = ["Presearcher"]


# fields with few values (a handful of languages, a taxonomy of topics, the sources one
# follows) are poor filters; tickers and people are good ones
_FIELD_PRIOR = {
    "ticker": 1.0,
    "person": 1.5,
    "by": 1.5,
    "org": 2.0,
    "place": 4.0,
    "source": 20.0,
    "topic": 25.0,
    "lang": 60.0,
}
# re-choose every search's terms when the sample has grown this many times over since they
# were last chosen (a cold start: at 4, 16, 64... stories; after an archive of 300, at 1,200),
# and at least every _REINDEX_EVERY stories. Each re-choice costs ~10,000 ``add`` calls at
# 10,000 searches, so not often: terms chosen from a few hundred stories are already good
_REINDEX_GROWTH = 4
_REINDEX_EVERY = 16384


def _prior(key: Key) -> float:
    kind, _, rest = key.partition(_SEP)
    if kind in ("k", "n"):  # a whole field value, or words of a name
        field = rest.partition(_SEP)[0]
        return _FIELD_PRIOR.get(field, 5.0) + (0.5 if kind == "n" else 0.0)
    return 3.0 + 30.0 / max(1, len(rest))  # a word: short ones are the common ones


class Presearcher:
    """Saved searches indexed by their required terms."""

    def __init__(self, frequencies: Mapping[Key, int] | None = None, *, sample: int = 0) -> None:
        self._frequencies: dict[Key, int] = {}  # field keys
        self._word_counts: Counter[str] = Counter()  # words, by bare token
        for key, count in (frequencies or {}).items():
            if key.startswith(WORD_PREFIX):
                self._word_counts[key[len(WORD_PREFIX) :]] = count
            else:
                self._frequencies[key] = count
        self._sample = max(sample, 1)
        self._chosen_at = self._sample  # the sample's size when the terms were chosen
        self._seen = 0
        self._stale: list[int] = []
        self._index: dict[Key, set[int]] = {}  # field keys -> searches
        self._words: dict[str, set[int]] = {}  # bare tokens -> searches
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

    def observe(self, words: Iterable[str], others: Iterable[Key] = ()) -> None:
        """Count one more story's terms (``story_terms``). When the sample has grown
        enough, the searches' terms are chosen again, a few at a time (``refine``)."""
        self._word_counts.update(words)
        frequencies = self._frequencies
        for key in others:
            frequencies[key] = frequencies.get(key, 0) + 1
        self._seen += 1
        self._sample += 1
        if (
            self._sample >= _REINDEX_GROWTH * self._chosen_at
            or self._sample - self._chosen_at >= _REINDEX_EVERY
        ):
            self._chosen_at = self._sample
            self._stale = sorted(self._searches)

    def refine(self, budget: int = 100) -> int:
        """Choose the required terms of up to ``budget`` searches again, with the
        frequencies seen so far (small steps: a story waiting meanwhile is not held up)."""
        done = 0
        while self._stale and done < budget:
            search = self._searches.get(self._stale.pop())
            if search is not None:
                self.add(search)
            done += 1
        return done

    def cost(self, key: Key) -> float:
        """How likely a story is to hold ``key``: its share of the sample (0..1000), plus
        a prior that orders the terms a small sample has not seen."""
        if key.startswith(WORD_PREFIX):
            count = self._word_counts.get(key[len(WORD_PREFIX) :], 0)
        else:
            count = self._frequencies.get(key, 0)
        share = 1000.0 * count / self._sample
        return share + _prior(key)

    def add(self, search: CompiledSearch) -> None:
        keys = required_keys(search.tree, self.cost)
        if search.id in self._searches and self._keys[search.id] == keys:
            self._searches[search.id] = search  # terms chosen again, the same ones
            return
        self.remove(search.id)
        self._searches[search.id] = search
        self._keys[search.id] = keys
        if keys is None:
            self._always.add(search.id)
            return
        for key in keys:
            if key.startswith(WORD_PREFIX):
                self._words.setdefault(key[len(WORD_PREFIX) :], set()).add(search.id)
            else:
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
            index: dict[str, set[int]] = self._index
            if key.startswith(WORD_PREFIX):
                index, key = self._words, key[len(WORD_PREFIX) :]
            holders = index.get(key)
            if holders is not None:
                holders.discard(search_id)
                if not holders:
                    del index[key]

    def searches(self) -> Iterable[CompiledSearch]:
        return self._searches.values()

    def get(self, search_id: int) -> CompiledSearch | None:
        return self._searches.get(search_id)

    def candidates(
        self, story: PreparedArticle, terms: tuple[set[str], set[Key]] | None = None
    ) -> list[CompiledSearch]:
        """The searches ``story`` could match, in id order (a superset of those it does).
        ``terms``: the story's ``story_terms``, when already computed."""
        words, others = story_terms(story) if terms is None else terms
        found = set(self._always)
        by_word = self._words
        for token in by_word.keys() & words:  # one C-level intersection, not a loop
            found |= by_word[token]
        index = self._index
        for key in others:
            holders = index.get(key)
            if holders:
                found |= holders
        return [self._searches[i] for i in sorted(found)]
