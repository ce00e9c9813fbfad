"""Regular expressions over word lists, written so that Python's engine scans them fast.

``re`` tries the branches of an alternation one by one at every position where the
pattern can start: a list of 100 names is 100 tries at each word. ``alternation`` groups
the words by their first letter (``a(?:pple|lphabet)|b(?:oeing)``): the same matches and
the same word chosen where several could match — order is kept within a letter, and words
of different letters never start at the same character — but one try per letter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["alternation"]


def alternation(words: Sequence[str], *, ignore_case: bool) -> str:
    """``(?:w1|w2|...)`` matching as the flat alternation of ``words`` in this order does,
    under ``re.IGNORECASE`` when ``ignore_case`` (then letters group regardless of case).
    Words starting with a character outside ASCII keep the flat form (other scripts' case
    rules are not worth reasoning about here)."""
    groups: dict[str, list[str]] = {}
    for word in words:
        first = word[:1]
        groups.setdefault(first.lower() if ignore_case else first, []).append(word)
    if not all(first.isascii() for first in groups):
        return "(?:" + "|".join(re.escape(w) for w in words) + ")"
    return (
        "(?:"
        + "|".join(
            re.escape(first) + "(?:" + "|".join(re.escape(w[1:]) for w in group) + ")"
            for first, group in groups.items()
        )
        + ")"
    )
