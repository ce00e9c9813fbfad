"""Finding people: an initial and a surname joined ("D. Fulton", "A. Giles"), full names
with a particle ("Osama bin Laden"), titles taken off names and title phrases dropped,
names completed by the proper nouns the model left off, and a short name given a person's
role made a person."""

from __future__ import annotations

import re

from .spans import _clean_span, _Span
from .steps import _Steps

_INITIAL = re.compile(r"[A-Z]\.")
# "(?<![^\W_])[A-Z]\.(?=\s)" and "((?:[A-Z][a-z]+[ ]){1,3})...", written to begin with the
# capital (the look-behind one character wider past it; the first repeat taken out): the
# same matches, and ``re`` skips to the capitals instead of trying every character
_INITIAL_IN_TEXT = re.compile(r"[A-Z](?<![^\W_][A-Z])\.(?=\s)")
_PARTICLE_NAME = re.compile(
    r"([A-Z][a-z]+[ ](?:[A-Z][a-z]+[ ]){0,2})(?:al|el|ad|bin|ben|ibn)(?:-|[ ])([A-Z][a-z]+)"
    r"(?![\w-])"
)


_FIRST_WORDS: dict[int, tuple[tuple[tuple[str, ...], ...], frozenset[str]]] = {}


def _first_words(phrases: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    """The first words of the title phrases, made once per table (by identity: hashing
    the table would cost what the set saves)."""
    kept = _FIRST_WORDS.get(id(phrases))
    if kept is None or kept[0] is not phrases:
        kept = _FIRST_WORDS[id(phrases)] = (phrases, frozenset(p[0] for p in phrases))
    return kept[1]


class _People(_Steps):
    """The mention-finding steps about people."""

    def _initials(self, spans: list[_Span]) -> list[_Span]:
        """An initial and a surname are one person: "D. Fulton", where the model tagged the
        initial alone (or nothing but the surname)."""
        doc = self.doc
        changed = False
        for sp in spans:
            if sp.type not in ("PERSON", "MISC", "ORG"):
                continue
            toks = self._tokens_between(sp.start, sp.end)
            if toks is None or not len(toks):
                continue
            if len(toks) == 1 and _INITIAL.fullmatch(toks[0].text) and toks.end < len(doc):
                nxt = doc[toks.end]
                if nxt.is_alpha and nxt.text[:1].isupper() and toks[0].whitespace_:
                    sp.end, sp.type, changed = nxt.idx + len(nxt.text), "PERSON", True
                    continue
            if sp.type == "PERSON":
                j = toks.start - 1
                while j >= 0 and _INITIAL.fullmatch(doc[j].text) and doc[j].whitespace_:
                    sp.start, changed = doc[j].idx, True
                    j -= 1
        return self._absorb(spans) if changed else spans

    def _untagged_initials(self, spans: list[_Span]) -> list[_Span]:
        """An initial and a proper-noun surname the model left untagged ("A. Giles")."""
        doc = self.doc
        taken = bytearray(len(self.text) + 1)
        for sp in spans:
            taken[sp.start : sp.end] = b"\x01" * (sp.end - sp.start)
        found: list[_Span] = []
        for m in _INITIAL_IN_TEXT.finditer(self.text):  # not every token: the initials
            one = doc.char_span(m.start(), m.end())
            if one is None or len(one) != 1 or one.end >= len(doc):
                continue
            tok = one[0]
            nxt = doc[tok.i + 1]
            if tok.i and (doc[tok.i - 1].text[:1].isupper() and not doc[tok.i - 1].is_punct):
                continue  # inside a longer capitalised run
            if nxt.pos_ != "PROPN" or not nxt.is_alpha or not nxt.text[:1].isupper():
                continue
            if taken[tok.idx] or taken[nxt.idx] or self.in_heading(tok.idx):
                continue
            found.append(_Span(tok.idx, nxt.idx + len(nxt.text), "PERSON", rule=True))
        if not found:
            return spans
        return sorted(spans + found, key=lambda sp: sp.start)

    def _particle_names(self, spans: list[_Span]) -> list[_Span]:
        """Full names joined by a particle that the model missed or cut ("Omar Hassan
        al-Bashir", "Osama bin Laden"), found from a surname it did tag as a person: the
        particle, the surname and up to three capitalised words before it (titles off)."""
        surnames = {
            self.text[sp.start : sp.end]
            for sp in spans
            if sp.type == "PERSON" and " " not in self.text[sp.start : sp.end].strip()
        }
        surnames = {w for w in surnames if len(w) >= 3 and w[:1].isupper() and w.isalpha()}
        if not surnames:
            return spans
        owner = bytearray(len(self.text) + 1)  # 1: inside a mention other than a person's
        for sp in spans:
            if sp.type != "PERSON":
                owner[sp.start : sp.end] = b"\x01" * (sp.end - sp.start)
        ends = {sp.end for sp in spans if sp.type == "PERSON"}
        found: list[_Span] = []
        for m in _PARTICLE_NAME.finditer(self.text):
            if m.group(2) not in surnames or self.in_heading(m.start()):
                continue
            start = m.start(2) - 1
            while start > 0 and self.text[start - 1] in "-‐‑ ":
                start -= 1
            start = self.text.rfind(" ", 0, start) + 1  # the particle
            taken = 0
            for word in reversed(m.group(1).split()):
                at = self.text.rfind(word, m.start(1), start)
                low = word.lower().rstrip(".")
                if at < 0 or low in self.rules.person_title_words or owner[at]:
                    break
                if low in self.rules.not_entities or taken == 3:
                    break
                start, taken = at, taken + 1
            if not taken or (
                m.end() in ends
                and any(
                    sp.start <= start and sp.end == m.end() for sp in spans if sp.type == "PERSON"
                )
            ):
                continue
            found.append(_Span(start, m.end(), "PERSON", rule=True))
        if not found:
            return spans
        kept = [sp for sp in spans if not any(f.start < sp.end and sp.start < f.end for f in found)]
        return sorted(kept + found, key=lambda sp: sp.start)

    def _apply_titles(self, spans: list[_Span]) -> list[_Span]:
        """Strip titles from people; drop entities that are part of a title phrase."""
        doc = self.doc
        phrase_ranges: list[tuple[int, int]] = []
        lowers = self.lowers()
        first_words = _first_words(self.rules.title_phrases)
        for i, low in enumerate(lowers):
            if low not in first_words:
                continue
            for phrase in self.rules.title_phrases:
                n = len(phrase)
                if tuple(lowers[i : i + n]) == phrase:
                    last = doc[i + n - 1]
                    phrase_ranges.append((doc[i].idx, last.idx + len(last)))
                    break
        out: list[_Span] = []
        for sp in spans:
            if sp.type != "PERSON" and any(
                s <= sp.start and sp.end <= e and (sp.start, sp.end) != (s, e)
                for s, e in phrase_ranges
            ):
                continue
            if sp.type != "PERSON" and any((sp.start, sp.end) == r for r in phrase_ranges):
                continue
            if sp.type == "PERSON":
                self._extend_person(sp)
                for s, e in phrase_ranges:
                    if s <= sp.start < e < sp.end:
                        sp.start, sp.end = _clean_span(self.text, e, sp.end)
                toks = self._tokens_between(sp.start, sp.end)
                if toks is not None:
                    k = 0
                    while k < len(toks) - 1 and (
                        toks[k].lower_ in self.rules.person_title_words
                        or toks[k].lower_.rstrip(".") in self.rules.person_title_words
                    ):
                        k += 1
                    if k:
                        sp.start, sp.end = _clean_span(self.text, toks[k].idx, sp.end)
                    # "Arcelor Chairman": an organisation followed by a title, no name
                    j = len(toks)
                    while j > k + 1 and toks[j - 1].lower_ in self.rules.person_title_words:
                        j -= 1
                    if j < len(toks) and toks[j - 1].i >= toks[k].i:
                        last = toks[j - 1]
                        sp.end = _clean_span(self.text, sp.start, last.idx + len(last))[1]
                        sp.type = "ORG"
            if sp.end > sp.start:
                out.append(sp)
        return out

    def _people_by_role(self, spans: list[_Span]) -> None:
        """A short capitalised name the model took for something else is a person when the
        story gives it a person's role: "Odile Ferrand, the chief executive of ...",
        "Ravi Castellano, who studies ...", "analyst Jane Roe"."""
        doc = self.doc
        titles = self.rules.person_title_words | {p[0] for p in self.rules.title_phrases}
        for sp in spans:
            if sp.type == "PERSON":
                continue
            toks = self._tokens_between(sp.start, sp.end)
            if toks is None or not 2 <= len(toks) <= 3:
                continue
            if not all(t.is_alpha and t.text[:1].isupper() for t in toks):
                continue
            words = [t.text for t in toks]
            if self._has_keyword(words, self.rules.org_keywords) or self._has_keyword(
                words, self.rules.org_keywords_strong
            ):
                continue
            after = toks.end
            role = False
            if after + 1 < len(doc) and doc[after].text == ",":
                nxt = doc[after + 1]
                if nxt.lower_ == "who":
                    role = True
                else:
                    j = after + 1 + (nxt.lower_ in ("the", "a", "an"))
                    window = [t.lower_.rstrip(".") for t in doc[j : j + 3]]
                    role = any(w in titles for w in window)
            before = toks.start - 1
            if before >= 0 and doc[before].lower_.rstrip(".") in titles:
                role = True
            if role:
                sp.type = "PERSON"

    def _extend_person(self, sp: _Span) -> None:
        """Take in up to two proper-noun tokens the model left off a name ("Park Sun" Ho)."""
        doc = self.doc
        toks = self._tokens_between(sp.start, sp.end)
        if toks is None or len(toks) == 0:
            return
        i = toks.end
        added = 0
        while i < len(doc) and added < 2:
            tok = doc[i]
            if tok.tag_ != "NNP" or tok.ent_type_ or not tok.text[:1].isupper():
                break
            if tok.whitespace_ == "" and i + 1 < len(doc) and doc[i + 1].tag_ not in ("POS", "."):
                break
            sp.end = tok.idx + len(tok.text)
            added += 1
            i += 1
        # and one the model left off the front ("Tarek" Nasrallah), unless it is a title
        j = toks.start - 1
        if j >= 0:
            tok = doc[j]
            if (
                tok.tag_ == "NNP"
                and not tok.ent_type_
                and tok.is_alpha
                and tok.text[:1].isupper()
                and tok.whitespace_
                and tok.lower_ not in self.rules.person_title_words
                and tok.lower_ not in self.rules.demonyms  # "Frenchman" Julien Marceau
                and tok.lower_ not in {p[0] for p in self.rules.title_phrases}
                and not self._has_keyword([tok.text], self.rules.org_keywords)
                and not self._has_keyword([tok.text], self.rules.org_keywords_strong)
                # it must start the capitalised run: "Ministry Spokeswoman Jiang" is a title
                and (j == 0 or not doc[j - 1].text[:1].isupper() or doc[j - 1].is_sent_start)
            ):
                sp.start = tok.idx
