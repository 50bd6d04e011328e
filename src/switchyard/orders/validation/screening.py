"""Denied-party screening: is this name (nearly) one on the restricted-party list?

Build a ``PartyScreener`` once per list load and reuse it for every order. Every primary
and alternative name is normalised up front (``names.normalise_name``); a screened name
then matches a listed one when

* both normalise to the same words (any order, case, diacritics, punctuation), or to the
  same letters with the spaces left out ("NORDWINDMASCHINENBAU"), or
* every word of the shorter one, at least two words of two letters or more, appears in the
  longer one ("Ivan Petrov" and "PETROV, Ivan Sergeyevich"), or
* their sorted-word spellings are similar enough (``rapidfuzz.fuzz.ratio`` at or above
  the threshold, 0-100): this catches typos and transliteration variants.

The fuzzy step only scores listed names sharing a word's first or last three letters with
the screened name (a cheap inverted index), so a list of tens of thousands of names costs
well under a millisecond per name. One- and two-letter words are looked up whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from switchyard.orders.validation.names import NormalisedName, normalise_name

# Above this share of all names, scoring every listed name beats building a candidate set.
_FULL_SCAN_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class DeniedParty:
    id: str
    name: str
    alt_names: tuple[str, ...] = ()
    source: str = ""
    programs: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    entity_type: str = ""


@dataclass(frozen=True, slots=True)
class PartyMatch:
    party: DeniedParty
    matched_name: str  # the listed spelling that matched
    score: float  # 0-100
    method: str  # exact | all_words | fuzzy


@dataclass(frozen=True, slots=True)
class Screening:
    name: str
    screenable: bool  # False: the name has letters the list's script cannot match
    match: PartyMatch | None


def _block_keys(token: str) -> tuple[str, ...]:
    if len(token) <= 3:
        return (token,)
    return ("<" + token[:3], token[-3:] + ">")


class PartyScreener:
    """An immutable, thread-safe index over one loaded restricted-party list."""

    def __init__(self, parties: Iterable[DeniedParty]) -> None:
        self.parties: tuple[DeniedParty, ...] = tuple(parties)
        self._keys: list[str] = []  # normalised spelling of each listed name
        self._spelling: list[str] = []  # the listed spelling
        self._owner: list[int] = []  # index into parties
        self._word_count: list[int] = []  # words of two letters or more
        self._exact: dict[str, int] = {}
        self._compact: dict[str, int] = {}  # words run together, in written order
        self._words: dict[str, set[int]] = {}
        self._blocks: dict[str, list[int]] = {}
        for owner, party in enumerate(self.parties):
            seen: set[str] = set()
            for spelling in (party.name, *party.alt_names):
                normalised = normalise_name(spelling)
                if not normalised.tokens or normalised.key in seen:
                    continue
                seen.add(normalised.key)
                self._add(normalised, spelling, owner)

    def _add(self, normalised: NormalisedName, spelling: str, owner: int) -> None:
        index = len(self._keys)
        key, tokens = normalised.key, normalised.tokens
        self._keys.append(key)
        self._spelling.append(spelling)
        self._owner.append(owner)
        words = {t for t in tokens if len(t) >= 2}
        self._word_count.append(len(words))
        self._exact.setdefault(key, index)
        self._compact.setdefault(normalised.compact, index)
        for word in words:
            self._words.setdefault(word, set()).add(index)
        for block in {b for t in tokens for b in _block_keys(t)}:
            self._blocks.setdefault(block, []).append(index)

    @classmethod
    def empty(cls) -> PartyScreener:
        return cls(())

    def __len__(self) -> int:
        return len(self.parties)

    def screen(self, name: str, threshold: float = 90.0) -> Screening:
        """The best match for ``name`` at or above ``threshold`` (0-100), if any."""
        normalised = normalise_name(name)
        screenable = not normalised.unreadable
        if not normalised.tokens or not self._keys:
            return Screening(name, screenable, None)
        key = normalised.key
        exact = self._exact.get(key)
        if exact is None:
            exact = self._compact.get(normalised.compact)
        if exact is not None:
            return Screening(name, screenable, self._match(exact, 100.0, "exact"))
        best = self._all_words(normalised.tokens)
        if best is None:
            best = self._fuzzy(key, normalised.tokens, threshold)
        return Screening(name, screenable, best)

    def _match(self, index: int, score: float, method: str) -> PartyMatch:
        party = self.parties[self._owner[index]]
        return PartyMatch(party, self._spelling[index], round(score, 1), method)

    def _all_words(self, tokens: tuple[str, ...]) -> PartyMatch | None:
        words = {t for t in tokens if len(t) >= 2}
        postings = [self._words.get(w, set()) for w in words]
        if len(words) >= 2 and all(postings):
            # every screened word appears in a listed name
            common = set.intersection(*sorted(postings, key=len))
            if common:
                return self._match(min(common), 100.0, "all_words")
        if len(words) < 2:
            return None
        hits = Counter[int]()
        for posting in postings:
            hits.update(posting)
        # every word of a listed name (two or more words) appears in the screened name
        contained = [i for i, n in hits.items() if n == self._word_count[i] and n >= 2]
        return self._match(min(contained), 100.0, "all_words") if contained else None

    def _fuzzy(self, key: str, tokens: tuple[str, ...], threshold: float) -> PartyMatch | None:
        lists = [self._blocks.get(b, []) for t in tokens for b in _block_keys(t)]
        if sum(len(x) for x in lists) > _FULL_SCAN_SHARE * len(self._keys):
            found = process.extractOne(
                key, self._keys, scorer=fuzz.ratio, processor=None, score_cutoff=threshold
            )
            return self._match(found[2], found[1], "fuzzy") if found else None
        candidates = sorted(set().union(*lists))
        if not candidates:
            return None
        found = process.extractOne(
            key,
            [self._keys[i] for i in candidates],
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=threshold,
        )
        return self._match(candidates[found[2]], found[1], "fuzzy") if found else None
