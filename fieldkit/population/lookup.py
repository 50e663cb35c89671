"""Finding a citizen among the commune's residents, offline: `open_population(...).search(text)`.

One text box takes any of: a name (diacritics optional, any word prefix: "nguyen thi h", "Hoà"), an ID
number or old CMND prefix ("0621", "2334567"), a year or date of birth ("1975", "03/1975", "12/03/1975"), a
household id ("HK23512-1-00004"), or several of these together ("y ben 1990"); `by_qr` takes the card's QR
text. The index lives in memory only (built from the decrypted extracts when the kit opens them): sorted
folded name words for prefix ranges, sorted ID and CMND numbers, maps by birth year and household. A query
intersects the candidate sets, most selective first; results rank exact words and exact diacritics first.
"""

from __future__ import annotations

import bisect
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from pathlib import Path

from fieldkit.domain.card_qr import QrParseError, parse_card_qr
from fieldkit.domain.dates import DateFormatError, PartialDate, parse_partial_date
from fieldkit.domain.names import comparison_key, fold
from fieldkit.population.bulk import gc_paused
from fieldkit.population.resident import Resident
from fieldkit.population.store import ExtractInfo, ExtractStore

_WORD = re.compile(r"[^\W_]+(?:['\u2019\u02bc][^\W_]+)*", re.UNICODE)
_DATE = re.compile(r"^\d{1,2}[/.-]\d{4}$|^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}$|^\d{4}-\d{2}(-\d{2})?$")
RANK_LIMIT = 2000  # above this many candidates, results come in name order without per-candidate scoring


class QueryError(ValueError):
    """Text that cannot be a lookup (e.g. a QR text that is not a card's)."""


@dataclass(frozen=True)
class Match:
    resident: Resident
    matched_by: tuple[str, ...]  # "name", "id", "cmnd", "dob", "household", "qr"
    score: int = 0

    def __repr__(self) -> str:
        return f"Match({self.resident!r}, matched_by={self.matched_by})"


# Names repeat a lot in a commune (a few thousand distinct among 100 000 people): fold each spelling once.
_fold = lru_cache(maxsize=65536)(fold)
_key = lru_cache(maxsize=65536)(comparison_key)


@lru_cache(maxsize=65536)
def _words_of(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(_fold(text)))


def _name_words(r: Resident) -> frozenset[str]:
    if not r.other_names:
        return _words_of(r.birth_name)
    return frozenset().union(*(_words_of(t) for t in (r.birth_name, *r.other_names)))


def dob_compatible(query: PartialDate, dob: PartialDate | None) -> bool:
    """A resident born `dob` fits a query date: same year, and same month/day wherever both give one."""
    if dob is None or dob.year != query.year:
        return False
    if query.month and dob.month and query.month != dob.month:
        return False
    return not (query.day and dob.day and query.day != dob.day)


class PopulationIndex:
    """In-memory lookup over residents (Qt-free, no I/O)."""

    def __init__(self, residents: list[Resident]):
        self.residents = sorted(residents, key=lambda r: (_fold(r.birth_name), r.resident_id))
        words: dict[str, list[int]] = {}
        self._ids: list[tuple[str, int]] = []
        self._cmnds: list[tuple[str, int]] = []
        self._years: dict[int, list[int]] = {}
        self._households: dict[str, list[int]] = {}
        for i, r in enumerate(self.residents):
            for w in _name_words(r):
                words.setdefault(w, []).append(i)
            if r.personal_id:
                self._ids.append((r.personal_id, i))
            if r.cmnd:
                self._cmnds.append((r.cmnd, i))
            if r.date_of_birth:
                self._years.setdefault(r.date_of_birth.year, []).append(i)
            if r.household_id:
                self._households.setdefault(fold(r.household_id), []).append(i)
        self._words = {w: frozenset(ids) for w, ids in words.items()}
        self._sorted_words = sorted(self._words)
        self._ids.sort()
        self._cmnds.sort()

    def __len__(self) -> int:
        return len(self.residents)

    # -- candidate sets ------------------------------------------------------------------------------------
    def _word_prefix(self, prefix: str) -> frozenset[int] | set[int]:
        lo = bisect.bisect_left(self._sorted_words, prefix)
        hi = bisect.bisect_left(self._sorted_words, prefix + "\U0010ffff")
        if hi - lo == 1:
            return self._words[self._sorted_words[lo]]  # shared, never modified by callers
        return set().union(*(self._words[w] for w in self._sorted_words[lo:hi]))

    @staticmethod
    def _number_prefix(table: list[tuple[str, int]], prefix: str) -> set[int]:
        lo = bisect.bisect_left(table, (prefix,))
        hi = bisect.bisect_left(table, (prefix + ":",))  # ":" sorts right after the digits
        return {i for _, i in table[lo:hi]}

    def _date(self, when: PartialDate) -> set[int]:
        return {i for i in self._years.get(when.year, ()) if dob_compatible(when, self.residents[i].date_of_birth)}

    # -- queries -------------------------------------------------------------------------------------------
    def search(self, text: str, limit: int = 20) -> list[Match]:
        """Residents matching every part of `text` (see the module doc), best first, at most `limit`."""
        text = (text or "").strip()
        if "|" in text:
            return self.by_qr(text)[:limit]
        filters: list[tuple[str, set[int]]] = []
        name_words: list[str] = []
        for raw in re.split(r"[\s,;]+", text):
            if not raw:
                continue
            kind, found = self._classify(raw)
            if kind == "name":
                name_words.append(fold(raw))
            if kind is not None:
                filters.append((kind, found))
        if not filters:
            return []
        filters.sort(key=lambda f: len(f[1]))
        hits = set(filters[0][1])
        for _, found in filters[1:]:
            if not hits:
                break
            hits &= found
        kinds = tuple(dict.fromkeys(k for k, _ in filters))
        return self._rank(hits, kinds, name_words, text, limit)

    def _classify(self, raw: str) -> tuple[str | None, set[int]]:
        digits = raw.replace(".", "")
        if _DATE.match(raw):
            try:
                return "dob", self._date(parse_partial_date(raw))
            except DateFormatError:
                return None, set()
        if digits.isdigit():
            if len(digits) == 4 and digits[0] in "12" and 1850 <= int(digits) <= date.today().year:
                return "dob", self._date(PartialDate(int(digits)))
            if len(digits) < 3:
                return None, set()
            ids, cmnds = self._number_prefix(self._ids, digits), self._number_prefix(self._cmnds, digits)
            return ("id" if ids or not cmnds else "cmnd"), ids | cmnds
        household = self._households.get(fold(raw))
        if household is not None:
            return "household", set(household)
        words = _WORD.findall(fold(raw))
        if not words:
            return None, set()
        found = set(self._word_prefix(words[0]))
        for w in words[1:]:  # "H'Bưn" folds to one token with an apostrophe kept; others split
            found &= self._word_prefix(w)
        return "name", found

    def _rank(self, hits: set[int], kinds: tuple[str, ...], name_words: list[str], text: str,
              limit: int) -> list[Match]:
        ordered = sorted(hits)  # residents are in folded-name order already
        if len(ordered) > RANK_LIMIT or not name_words:
            return [Match(self.residents[i], kinds) for i in ordered[:limit]]
        typed = _key(text)
        scored = []
        for i in ordered:
            r = self.residents[i]
            words = _name_words(r)
            score = sum(2 for w in name_words if w in words)  # whole words beat prefixes
            if typed and typed in _key(r.birth_name):
                score += 3  # the diacritics typed match too ("Hoà" before "Hoa")
            scored.append((-score, i))
        scored.sort()
        return [Match(self.residents[i], kinds, -s) for s, i in scored[:limit]]

    def by_qr(self, payload: str) -> list[Match]:
        """The resident a card's QR names: by ID number, else old CMND, else name and date of birth."""
        try:
            card = parse_card_qr(payload, convert_address=False)
        except QrParseError as exc:
            raise QueryError(f"not a card QR: {exc}") from None
        found = self._number_prefix(self._ids, card.personal_id) if card.personal_id else set()
        if not found and card.cmnd:
            found = self._number_prefix(self._cmnds, card.cmnd)
        if not found:
            key = fold(card.birth_name)
            found = {i for i in self._date(card.date_of_birth) if fold(self.residents[i].birth_name) == key}
        return [Match(self.residents[i], ("qr",)) for i in sorted(found)]

    def best_match(self, statement) -> Resident | None:
        """The one resident a citizen's demographics (`fieldkit.domain.record.Demographics`) surely point at.

        For automation (the demo) and as the wizard's first suggestion; the officer still confirms. In order:
        the 12-digit ID, the old CMND, then the folded name with a compatible birth date (and the same sex).
        Several candidates left (a registry duplicate): the one spelt exactly as stated, else the one with an ID
        number, else None — a person is never linked by a guess."""
        for number, table, attr in ((statement.personal_id, self._ids, "personal_id"),
                                    (statement.cmnd, self._cmnds, "cmnd")):
            if number:
                found = [i for i in self._number_prefix(table, number) if getattr(self.residents[i], attr) == number]
                if len(found) == 1:
                    return self.residents[found[0]]
        if not statement.birth_name or statement.date_of_birth is None:
            return None
        name = _fold(statement.birth_name)
        sex = statement.sex.value if statement.sex else None
        candidates = [r for r in (self.residents[i] for i in self._date(statement.date_of_birth))
                      if _fold(r.birth_name) == name and (sex is None or r.sex in (None, sex))]
        if len(candidates) > 1:
            exact = [r for r in candidates if _key(r.birth_name) == _key(statement.birth_name)]
            candidates = exact or [r for r in candidates if r.personal_id] or candidates
        return candidates[0] if len(candidates) == 1 else None

    def household(self, household_id: str) -> list[Resident]:
        return [self.residents[i] for i in self._households.get(fold(household_id), [])]


def best_match(population: "PopulationIndex | Population", statement) -> Resident | None:
    """See PopulationIndex.best_match."""
    index = population.index if isinstance(population, Population) else population
    return index.best_match(statement)


class Population:
    """The kit's residents for one logged-in session: search, QR lookup, households. Refuses once expired."""

    def __init__(self, store: ExtractStore):
        self._store = store
        self._open()

    def _open(self) -> None:
        with gc_paused():
            self.extracts, residents = self._store.residents()
            self.index = PopulationIndex(residents)
        self._expires_at = min((i.expires_at for i in self.extracts), default=None)

    def _fresh(self) -> PopulationIndex:
        if self._expires_at is not None and self._store.clock() >= self._expires_at:
            self._open()  # an extract expired while open: it is shredded and its residents leave the index
        return self.index

    def __len__(self) -> int:
        return len(self._fresh())

    def search(self, text: str, limit: int = 20) -> list[Match]:
        return self._fresh().search(text, limit)

    def by_qr(self, text: str) -> list[Match]:
        return self._fresh().by_qr(text)

    def household(self, household_id: str) -> list[Resident]:
        return self._fresh().household(household_id)

    def close(self) -> None:
        """Forget the residents (at logout: the decrypted registry must not outlive the session)."""
        self.extracts, self._expires_at = [], None
        self.index = PopulationIndex([])

    def resident(self, resident_id: str) -> Resident | None:
        """The resident with this registry id (a continued record names it), or None."""
        index = self._fresh()
        by_id = getattr(index, "_by_id", None)
        if by_id is None:
            by_id = index._by_id = {r.resident_id: r for r in index.residents}
        return by_id.get(resident_id)

    def extract_of(self, resident: Resident) -> str | None:
        """The id of the loaded extract covering `resident`'s commune (the record names its source), or None."""
        return next((i.extract_id for i in self.extracts if resident.commune_code in i.communes), None)

    @property
    def communes(self) -> tuple[str, ...]:
        """The 2025 commune codes the loaded extracts cover (a DC01 names the commune searched)."""
        return tuple(dict.fromkeys(c for i in self.extracts for c in i.communes))

    def not_seen(self, seen_resident_ids, household_id: str | None = None) -> list[Resident]:
        """Registry residents (of one household, or all) not among `seen_resident_ids`."""
        seen = set(seen_resident_ids)
        people = self.household(household_id) if household_id else self._fresh().residents
        return [r for r in people if r.resident_id not in seen]


def open_population(data_dir: Path, settings=None, session=None, clock=None) -> Population:
    """The population lookup of an unlocked kit. `session`: a KitSession (or its UnlockedKit); `settings` is
    accepted so the kit factory opens every kit-level object alike (no setting changes lookup today)."""
    kit = getattr(session, "kit", session)
    if kit is None:
        raise ValueError("open_population needs an unlocked session: extracts are encrypted under the kit key")
    store = ExtractStore(Path(data_dir), kit, clock or (lambda: int(time.time() * 1000)))
    return Population(store)


__all__ = ["ExtractInfo", "Match", "best_match", "Population", "PopulationIndex", "QueryError", "dob_compatible",
           "open_population"]
