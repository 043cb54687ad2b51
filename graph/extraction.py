"""A deterministic, explainable relation extractor in the tradition of TABARI and PETRARCH.

Dictionary-based, like the coders that produced ICEWS and GDELT:

1. :func:`split_sentences` cuts the text into sentences (headlines and paragraphs
   are their own sentences), keeping character offsets.
2. Names come from the :class:`~caucasus_kg.graph.gazetteer.Gazetteer` (labels,
   aliases, metonyms, demonyms of the graph and its extension file); a demonym or
   a country's possessive followed by an agent noun ("Azerbaijani troops",
   "Russia's foreign ministry") becomes a sector actor; definite descriptions
   ("the corridor") and pronouns ("his") point back to the latest mention of a
   fitting entity; other capitalised names are *unknown* names.
3. Each sentence is masked (every mention becomes a token) and the relation
   patterns of ``data/extraction/patterns.json`` — regular expressions over the
   masked sentence with typed actor slots — are tried in turn. A slot takes the
   first reading of its mention whose type fits ("Baku" is a place after "flew to"
   and the Azerbaijani state after "envoy to").
4. Each match gives candidates: subject, relation, object, the verbatim quote and
   its offsets, the pattern id, a confidence (the pattern's, times the trust in
   each reading), the modality (stated or expected), the years and dates of the
   sentence as time qualifiers, and a note on every reading that needed judgement.
   A negated match gives nothing; a slot filled by an unknown name is reported.

Nothing here writes to a graph: :mod:`caucasus_kg.graph.ingest` turns the
candidates into a review file and accepted claims.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..data import DATA_DIR
from .errors import DataError
from .gazetteer import EntityDef, Gazetteer, Reading

__all__ = [
    "Candidate",
    "Extraction",
    "Extractor",
    "Mention",
    "PATTERNS_PATH",
    "Pattern",
    "Sentence",
    "UnknownActor",
    "find_times",
    "load_patterns",
    "split_sentences",
]

PATTERNS_PATH = DATA_DIR / "extraction" / "patterns.json"
"""The relation patterns shipped with the package."""

# ---------------------------------------------------------------------------- sentences

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "gen",
    "lt",
    "col",
    "sgt",
    "capt",
    "maj",
    "adm",
    "gov",
    "sen",
    "rep",
    "pres",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "no",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "u.s",
    "u.k",
    "u.n",
    "approx",
    "est",
    "inc",
    "ltd",
    "co",
    "corp",
    "jr",
    "sr",
}
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a text: offsets into the text and its own text."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets; every line (headline, paragraph) starts a new one.

    Examples
    --------
    >>> [s.text for s in split_sentences("Talks Begin\\n\\nMr. Lavrov met Mr. Bayramov. They met in the U.S. capital.")]
    ['Talks Begin', 'Mr. Lavrov met Mr. Bayramov.', 'They met in the U.S. capital.']
    """
    out: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        base, chunk = line.start(), line.group(0)
        begin = 0
        for m in _BOUNDARY.finditer(chunk):
            word = re.search(r"([\w.]+)[.!?]*$", chunk[begin : m.start() + 1])
            token = word.group(1).rstrip(".").lower() if word else ""
            if token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token):
                continue
            _add_sentence(out, text, base + begin, base + m.end())
            begin = m.end()
        _add_sentence(out, text, base + begin, base + len(chunk))
    return out


def _add_sentence(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end]))


# ---------------------------------------------------------------------------- time qualifiers

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)"
_YEAR = r"(?P<year>(?:19[0-9]{2}|20[0-9]{2}))"
_TIME_PATTERNS = [
    re.compile(r"\b(?P<iso>(?:19|20)\d{2}-\d{2}-\d{2})\b"),
    re.compile(rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+{_YEAR}\b"),
    re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b"),
    re.compile(rf"(?<![\w-]){_YEAR}(?![\w-]|\s*(?:%|percent|per cent|km|kilometres|troops|people|soldiers))"),
]
_RANGE = re.compile(
    r"\b(?i:from|between)\s+(?P<a>(?:19|20)\d{2})\s+(?:to|and|until|till)\s+(?P<b>(?:19|20)\d{2})\b|(?<![\w-])(?P<c>(?:19|20)\d{2})\s*[–-]\s*(?P<d>(?:19|20)\d{2})(?![\w-])"
)
_SINCE = re.compile(r"\b(?:since|from)\s+(?:(?:early|late|mid-?)\s*)?$", re.IGNORECASE)
_UNTIL = re.compile(r"\b(?:until|till|up to|through)\s+(?:(?:early|late|mid-?)\s*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class TimeMention:
    """A year or a date in a sentence, as a time qualifier: ``role`` is point, start or end."""

    start: int
    end: int
    value: str
    role: str = "point"


def find_times(text: str) -> list[TimeMention]:
    """Years and dates in a text, with the role the words around them give.

    Examples
    --------
    >>> [(t.value, t.role) for t in find_times("Since 2020 the road was shut; on 12 December 2022 it was blocked.")]
    [('2020', 'start'), ('2022-12-12', 'point')]
    >>> [(t.value, t.role) for t in find_times("The war (1988-1994) ended.")]
    [('1988', 'start'), ('1994', 'end')]
    """
    found: list[TimeMention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _RANGE.finditer(text):
        a, b = (m.group("a"), m.group("b")) if m.group("a") else (m.group("c"), m.group("d"))
        if int(a) <= int(b):
            found += [TimeMention(m.start(), m.end(), a, "start"), TimeMention(m.start(), m.end(), b, "end")]
            taken.append((m.start(), m.end()))
    for pattern in _TIME_PATTERNS:
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            value = _time_value(m)
            if value is None:
                continue
            before = text[max(0, m.start() - 25) : m.start()]
            role = "start" if _SINCE.search(before) else "end" if _UNTIL.search(before) else "point"
            found.append(TimeMention(m.start(), m.end(), value, role))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda t: (t.start, t.role != "start"))


def _time_value(m: re.Match[str]) -> str | None:
    groups = m.groupdict()
    if groups.get("iso"):
        try:
            return date.fromisoformat(groups["iso"]).isoformat()
        except ValueError:
            return None
    year = int(groups["year"])
    month = _MONTHS[groups["month"].lower()] if groups.get("month") else None
    if month and groups.get("day"):
        try:
            return date(year, month, int(groups["day"])).isoformat()
        except ValueError:
            return None
    if month:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}"


# ---------------------------------------------------------------------------- patterns

_TOKEN = "\ue000\\d+\ue001"
_DET = r"(?:(?:the|both|its|their|his|her|a|an)\s+)?"
_LIST_SEP = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|as\s+well\s+as)\s+)"
_CLAUSE = r"(?:(?!\b(?:that|which|who|whose|while|but|although|whereas)\b)[^.;:\ue000])"
_SLOT = re.compile(r"\{(?P<name>[AB]\d?)(?P<mod>[+*]?)(?::(?P<types>[\w|]+))?\}")
_GAP = re.compile(r"\{gap:(?P<n>\d+)\}")
_MACROS = {"{POS}": r"(?:['’]s|['’])", "{DET}": _DET}
_TOKEN_RE = re.compile(_TOKEN)


@dataclass(frozen=True)
class Pattern:
    """A relation pattern: an id, the relation it asserts, a confidence and a compiled regex.

    ``slots`` maps each slot name (A, A2 subjects; B, B2 objects) to its accepted
    class names and its kind ('' one mention, '+' a list, '*' every mention to the
    end of the clause). ``implicit`` names slots filled from the discourse (the
    latest mention of an entity of that class), ``compose`` a slot whose country
    and the named group ``agent`` make a sector actor, ``pairs`` a slot whose
    list members relate to each other.
    """

    id: str
    relation: str
    confidence: float
    source: str
    regex: re.Pattern[str]
    slots: dict[str, tuple[tuple[str, ...], str]]
    implicit: dict[str, tuple[str, ...]] = field(default_factory=dict)
    compose: str | None = None
    pairs: str | None = None
    example: str | None = None


def load_patterns(path: str | Path | None = None) -> list[Pattern]:
    """Compile the relation patterns of a JSON file (default: the shipped ``patterns.json``).

    Raises DataError naming the file and the pattern when one does not compile.
    """
    return list(_load_patterns(str(Path(path) if path is not None else PATTERNS_PATH)))


@lru_cache(maxsize=8)
def _load_patterns(path: str) -> tuple[Pattern, ...]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: not valid JSON: {exc}") from None
    patterns = []
    seen: set[str] = set()
    for i, entry in enumerate(data.get("patterns", ()) if isinstance(data, dict) else ()):
        try:
            pid, relation, text = entry["id"], entry["relation"], entry["pattern"]
        except (KeyError, TypeError):
            raise DataError(f"{path}: pattern #{i + 1} needs an id, a relation and a pattern") from None
        if pid in seen:
            raise DataError(f"{path}: pattern id {pid!r} is used twice")
        seen.add(pid)
        patterns.append(
            compile_pattern(
                pid,
                relation,
                text,
                confidence=float(entry.get("confidence", 0.8)),
                implicit=entry.get("implicit"),
                compose=entry.get("compose"),
                pairs=entry.get("pairs"),
                example=entry.get("example"),
                where=path,
            )
        )
    if not patterns:
        raise DataError(f"{path}: no patterns")
    return tuple(patterns)


def compile_pattern(
    pid: str,
    relation: str,
    text: str,
    *,
    confidence: float = 0.8,
    implicit: dict[str, Any] | None = None,
    compose: str | None = None,
    pairs: str | None = None,
    example: str | None = None,
    where: str = "pattern",
) -> Pattern:
    """Compile one pattern of the mini-language.

    A space matches any whitespace; ``{A:Actor|Place}`` is a slot (subjects A, A2;
    objects B, B2), ``{A+:...}`` a list of mentions ("X, Y and Z"), ``{B*:...}``
    every fitting mention to the end of the clause; ``{gap:N}`` skips up to N
    words; ``{POS}`` is a possessive ('s); the rest is a regular expression,
    matched case-insensitively.

    Examples
    --------
    >>> p = compile_pattern("t", "tensionsWith", "tensions between {A} and {B}")
    >>> sorted(p.slots)
    ['A', 'B']
    """
    slots: dict[str, tuple[tuple[str, ...], str]] = {}
    out: list[str] = []
    pos = 0
    tokens = sorted(list(_SLOT.finditer(text)) + list(_GAP.finditer(text)), key=lambda m: m.start())
    for m in tokens:
        out.append(_literal(text[pos : m.start()]))
        if m.re is _GAP:
            out.append(rf"(?:[\s,]+[^\s;,]+?){{0,{int(m.group('n'))}}}?")
        else:
            name, mod = m.group("name"), m.group("mod")
            types = tuple((m.group("types") or "Actor").split("|"))
            if name in slots:
                raise DataError(f"{where}: pattern {pid!r}: slot {name} appears twice")
            slots[name] = (types, mod)
            body = {
                "": f"{_DET}{_TOKEN}",
                "+": f"{_DET}{_TOKEN}(?:{_LIST_SEP}{_DET}{_TOKEN})*",
                "*": f"(?:{_CLAUSE}*{_TOKEN})+",
            }[mod]
            out.append(f"(?P<S_{name}>{body})")
        pos = m.end()
    out.append(_literal(text[pos:]))
    regex = "".join(out)
    if not text.startswith("{"):
        regex = r"(?<!\w)" + regex
    if not text.endswith("}"):
        regex += r"(?!\w)"
    implicit_slots = {k: tuple(v if isinstance(v, list) else [v]) for k, v in (implicit or {}).items()}
    named = [*slots, *implicit_slots]
    if not any(k.startswith("A") for k in named) or (not any(k.startswith("B") for k in named) and not pairs):
        raise DataError(f"{where}: pattern {pid!r} needs a subject slot (A) and an object slot (B)")
    try:
        compiled = re.compile(regex, re.IGNORECASE)
    except re.error as exc:
        raise DataError(f"{where}: pattern {pid!r} does not compile: {exc}") from None
    return Pattern(pid, relation, confidence, text, compiled, slots, implicit_slots, compose, pairs, example)


def _literal(piece: str) -> str:
    """A literal stretch of a pattern: macros expanded, each run of spaces matching any whitespace."""
    out = []
    for part in re.split(r"(\{POS\}|\{DET\})", piece):
        out.append(_MACROS[part] if part in _MACROS else re.sub(r" +", lambda _: r"\s+", part))
    return "".join(out)


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Candidate:
    """A proposed claim: what the pattern read, where, and how sure it is."""

    subject: str
    subject_label: str
    subject_text: str
    relation: str
    object: str
    object_label: str
    object_text: str
    quote: str
    start: int
    end: int
    pattern: str
    confidence: float
    modality: str = "stated"
    point_in_time: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    note: str | None = None
    sentence: str = ""
    accept: bool = True

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.subject, self.relation, self.object)


@dataclass(frozen=True)
class UnknownActor:
    """A capitalised name the gazetteer does not know, found where a pattern wanted an actor."""

    text: str
    start: int
    end: int
    role: str
    relation: str
    pattern: str
    sentence: str


@dataclass(frozen=True)
class Mention:
    """A span of the text that names something: known readings, an anaphor, or an unknown name."""

    start: int
    end: int
    text: str
    readings: tuple[Reading, ...]
    kind: str = "name"  # name, composite, anaphor, pronoun, unknown
    note: str | None = None


@dataclass(frozen=True)
class Extraction:
    """What the extractor found in a text."""

    candidates: tuple[Candidate, ...]
    unknown_actors: tuple[UnknownActor, ...]
    entities: tuple[EntityDef, ...]
    sentences: int
    mentions: int
    negated: int


# ---------------------------------------------------------------------------- the extractor

_NEGATION = re.compile(
    r"\b(?:not|never|no|neither|nor|no longer|without|denied|denies|refused to)\b|n['’]t\b", re.IGNORECASE
)
_NOT_NEGATION = re.compile(r"\bnot\s+(?:only|just|merely)\b", re.IGNORECASE)
_MODAL = re.compile(
    r"\b(?:expected|likely|unlikely|will|would|could|may|might|shall|set to|plans?|planned|planning|intends?|intended"
    r"|anticipated|poised|going to|scheduled|upcoming|hopes? to|aims? to|proposed|prospect|possible|potentially)\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(
    r"(?<![\w’'\-])[A-Z][\w’'\-]*(?:\s+(?:(?:of|de|da|von|van|der|al|bin|ibn|el|la|du|the|and)\s+)?[A-Z][\w’'\-]*)*"
)
_TITLES = re.compile(
    r"^(?:(?:President|Prime Minister|Premier|Foreign Minister|Defen[cs]e Minister|Minister|Chancellor|King|Queen|"
    r"Ayatollah|General|Gen\.|Secretary(?:-General)?|Ambassador|Envoy|Governor|Mayor|Speaker|Chairman|Mr\.?|Mrs\.?|Ms\.?|Dr\.?)\s+)+"
)
_WINDOW = {"Talks": 10_000}  # sentences an anaphor of this class looks back; default 3
_RELATION_SYMMETRIC_DEFAULT = {
    "alliedWith",
    "cooperatesWith",
    "economicTiesWith",
    "energyCooperationWith",
    "maintainsRelationsWith",
    "tensionsWith",
}


class Extractor:
    """Runs the gazetteer and the patterns over a text.

    Parameters
    ----------
    gazetteer
        The names (see :meth:`Gazetteer.from_graph`).
    patterns
        Compiled patterns (default :func:`load_patterns`).
    symmetric
        Relations whose two sides may be swapped (from :meth:`KnowledgeGraph.relations`).

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> ex = Extractor(Gazetteer.from_graph(kg))
    >>> found = ex.extract("Turkish President Recep Tayyip Erdogan criticised Armenia on 3 May 2021.")
    >>> for c in found.candidates:
    ...     print(c.subject_label, c.relation, c.object_label, c.point_in_time, c.pattern)
    Recep Tayyip Erdoğan headOfStateOf Turkey 2021-05-03 head-of-state.title
    Recep Tayyip Erdoğan criticised Armenia 2021-05-03 criticism.verb
    """

    def __init__(
        self, gazetteer: Gazetteer, patterns: Iterable[Pattern] | None = None, *, symmetric: Iterable[str] = ()
    ) -> None:
        self.gazetteer = gazetteer
        self.patterns = list(patterns) if patterns is not None else load_patterns()
        self.symmetric = set(symmetric) or set(_RELATION_SYMMETRIC_DEFAULT)
        ext = gazetteer.extension
        self._not_names = set(ext.get("not_names") or ())
        self._not_name_heads = set(ext.get("not_name_heads") or ())
        anaphors = ext.get("anaphors") or {}
        self._anaphor_types = {k.lower(): tuple(v) for k, v in anaphors.items()}
        self._pronoun_types = {k.lower(): tuple(v) for k, v in (ext.get("pronouns") or {}).items()}
        nouns = "|".join(
            re.escape(n).replace(r"\ ", r"\s+") for n in sorted(self._anaphor_types, key=len, reverse=True)
        )
        self._anaphor_re = (
            re.compile(
                rf"\b(?P<det>the|these|this|those|such|that)\s+(?:(?P<adj>[\w-]+)\s+)?(?P<noun>{nouns})\b"
                rf"|^(?P<bare>Talks|Discussions|Negotiations)\b",
                re.IGNORECASE,
            )
            if nouns
            else None
        )
        pronouns = "|".join(re.escape(p) for p in self._pronoun_types)
        self._pronoun_re = re.compile(rf"\b(?:{pronouns})\b", re.IGNORECASE) if pronouns else None
        agents = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in gazetteer.agent_nouns)
        self._agent_after = re.compile(rf"(?P<pos>['’]s)?\s+(?P<agent>{agents})\b", re.IGNORECASE) if agents else None

    # ------------------------------------------------------------------ public

    def extract(self, text: str) -> Extraction:
        """Candidates, unknown actors and the new entities they need, for a whole text."""
        sentences = split_sentences(text)
        mentions = self._mentions(text, sentences)
        capitalised_mid = self._mid_sentence_words(text, sentences)
        candidates: list[Candidate] = []
        unknown: list[UnknownActor] = []
        affiliations: list[Candidate] = []
        negated = 0
        history: list[tuple[int, Mention]] = []  # (sentence index, mention) in text order
        total_mentions = 0
        for si, sentence in enumerate(sentences):
            local = [m for m in mentions if sentence.start <= m.start and m.end <= sentence.end]
            local = self._add_references(text, sentence, si, local, history)
            local = self._add_unknown(text, sentence, local, capitalised_mid)
            total_mentions += len(local)
            affiliations += self._affiliations(text, sentence, local)
            found, unknown_here, negated_here = self._match(text, sentence, si, local, history)
            candidates += found
            unknown += unknown_here
            negated += negated_here
            history += [(si, m) for m in local if m.readings]
        candidates = _dedupe(candidates + affiliations)
        entities: dict[str, EntityDef] = {}
        for c in candidates:
            for iri in (c.subject, c.object):
                reading = self._new_entity(iri, mentions, history)
                if reading is not None:
                    entities.setdefault(iri, reading)
        seen_unknown: set[tuple[int, int]] = set()
        unknown = [
            u for u in unknown if (u.start, u.end) not in seen_unknown and not seen_unknown.add((u.start, u.end))
        ]
        return Extraction(
            tuple(candidates), tuple(unknown), tuple(entities.values()), len(sentences), total_mentions, negated
        )

    # ------------------------------------------------------------------ mentions

    def _mentions(self, text: str, sentences: list[Sentence]) -> list[Mention]:
        out: list[Mention] = []
        for match in self.gazetteer.find_names(text):
            start, surface, readings = match.start, match.text, match.readings
            title = _TITLES.match(surface)
            if title and title.end() < len(surface):
                rest = surface[title.end() :]
                rest_readings = self.gazetteer.lookup(rest)
                if rest_readings and rest_readings[0].iri == readings[0].iri:
                    start, surface, readings = start + title.end(), rest, tuple(rest_readings)
            mention = Mention(start, match.end, surface, tuple(readings))
            composite = self._composite(text, mention)
            out.append(composite or mention)
        return out

    def _composite(self, text: str, mention: Mention) -> Mention | None:
        """'Azerbaijani troops', "Russia's foreign ministry": a sector actor of the country."""
        if self._agent_after is None:
            return None
        country = next((r for r in mention.readings if r.is_a(("Country", "DisputedTerritory"))), None)
        if country is None:
            return None
        m = self._agent_after.match(text, mention.end)
        if m is None:
            return None
        is_demonym = any(r.kind == "demonym" and r.iri == country.iri for r in mention.readings)
        if not m.group("pos") and not is_demonym:
            return None
        reading = self.gazetteer.composite(country, m.group("agent"), surface=text[mention.start : m.end()])
        if reading is None:
            return None
        surface = text[mention.start : m.end()]
        note = f"'{surface}' read as the sector actor {reading.label} of {country.label}."
        return Mention(mention.start, m.end(), surface, (reading,), "composite", note)

    def _add_references(
        self, text: str, sentence: Sentence, si: int, local: list[Mention], history: list[tuple[int, Mention]]
    ) -> list[Mention]:
        """Anaphors ('the corridor') and pronouns ('his'), resolved to the latest fitting mention."""
        found: list[Mention] = []
        spans = [(m.start, m.end) for m in local]
        candidates: list[tuple[int, int, str, tuple[str, ...], str]] = []
        if self._anaphor_re is not None:
            for m in self._anaphor_re.finditer(sentence.text):
                noun = (m.group("noun") or m.group("bare") or "").lower()
                noun = re.sub(r"\s+", " ", noun)
                types = self._anaphor_types.get(noun)
                if types:
                    candidates.append(
                        (sentence.start + m.start(), sentence.start + m.end(), m.group(0), types, "anaphor")
                    )
        if self._pronoun_re is not None:
            for m in self._pronoun_re.finditer(sentence.text):
                word = m.group(0)
                if word[0].isupper() and m.start() != 0:
                    continue
                candidates.append(
                    (
                        sentence.start + m.start(),
                        sentence.start + m.end(),
                        word,
                        self._pronoun_types[word.lower()],
                        "pronoun",
                    )
                )
        for start, end, surface, types, kind in sorted(candidates):
            if any(not (end <= s or start >= e) for s, e in spans):
                continue
            window = max(_WINDOW.get(t, 3) for t in types) if kind == "anaphor" else 2
            earlier = [m for m in local if m.end <= start and m.readings] + list(found)
            target = _latest(earlier, types) or _latest(
                [m for j, m in reversed(history) if si - j <= window], types, ordered=True
            )
            if target is None:
                continue
            reading = next(r for r in target.readings if r.is_a(types))
            resolved = Reading(reading.iri, reading.label, kind, reading.types, reading.new)
            note = f"'{surface}' read as {reading.label}, mentioned before."
            found.append(Mention(start, end, surface, (resolved,), kind, note))
            spans.append((start, end))
        return sorted(local + found, key=lambda m: m.start)

    def _add_unknown(self, text: str, sentence: Sentence, local: list[Mention], mid: set[str]) -> list[Mention]:
        spans = [(m.start, m.end) for m in local]
        out = list(local)
        blanked = list(sentence.text)
        for s, e in spans:
            blanked[s - sentence.start : e - sentence.start] = "#" * (e - s)
        for m in _CAPITALISED.finditer("".join(blanked)):
            start, end = sentence.start + m.start(), sentence.start + m.end()
            words = m.group(0).split()
            while words and (words[0] in self._not_names or words[0].lower() in ("the", "a", "an")):
                start += text[start:end].index(words[0]) + len(words[0])
                words = words[1:]
                while start < end and text[start].isspace():
                    start += 1
            if not words:
                continue
            surface = text[start:end]
            surface = re.sub(r"['’]s?$", "", surface)
            end = start + len(surface)
            if all(w in self._not_names for w in surface.split()) or surface.split()[-1] in self._not_name_heads:
                continue
            if len(surface.split()) == 1 and (start == sentence.start or surface not in mid):
                continue
            if any(not (end <= s or start >= e) for s, e in spans):
                continue
            out.append(Mention(start, end, surface, (), "unknown"))
        return sorted(out, key=lambda m: m.start)

    def _mid_sentence_words(self, text: str, sentences: list[Sentence]) -> set[str]:
        """Capitalised words seen inside sentences (not first): these are names, not sentence openers."""
        words: set[str] = set()
        for s in sentences:
            for m in re.finditer(r"(?<=\s)[A-Z][\w’'\-]+", s.text):
                words.add(re.sub(r"['’]s?$", "", m.group(0)))
        return words

    def _affiliations(self, text: str, sentence: Sentence, local: list[Mention]) -> list[Candidate]:
        """A composite mention, or a name such as 'Armenian forces', states whose sector actor it is."""
        out = []
        for mention in local:
            if not mention.readings or mention.kind not in ("name", "composite"):
                continue
            actor = mention.readings[0]
            if not actor.is_a(("Actor",)) or actor.is_a(("Country",)):
                continue
            m = re.match(r"^(?P<country>.+?)(?:['’]s)?\s+(?P<agent>[\w\s-]+)$", mention.text)
            if m is None or self.gazetteer.agent(m.group("agent")) is None:
                continue
            country = self.gazetteer.country_of(m.group("country"))
            if country is None or country.iri == actor.iri:
                continue
            relation = "armedForceOf" if actor.is_a(("ArmedForce",)) else "affiliatedWith"
            times = find_times(sentence.text)
            point = times[0].value if len(times) == 1 and times[0].role == "point" else None
            out.append(
                Candidate(
                    subject=actor.iri,
                    subject_label=actor.label,
                    subject_text=mention.text,
                    relation=relation,
                    object=country.iri,
                    object_label=country.label,
                    object_text=m.group("country"),
                    quote=mention.text,
                    start=mention.start,
                    end=mention.end,
                    pattern="agent.sector-of-country",
                    confidence=0.9,
                    point_in_time=point,
                    note=f"'{mention.text}' names a sector of {country.label}.",
                    sentence=sentence.text,
                )
            )
        return out

    # ------------------------------------------------------------------ matching

    def _match(
        self, text: str, sentence: Sentence, si: int, local: list[Mention], history: list[tuple[int, Mention]]
    ) -> tuple[list[Candidate], list[UnknownActor], int]:
        masked, segments = _mask(text, sentence, local)
        times = find_times(sentence.text)
        spans = [(m.start - sentence.start, m.end - sentence.start) for m in local if m.kind in ("name", "composite")]
        free_times = [t for t in times if not any(a <= t.start and t.end <= b for a, b in spans)]
        found: list[Candidate] = []
        unknown: list[UnknownActor] = []
        negated = 0
        for pattern in self.patterns:
            for m in _overlapping(pattern.regex, masked):
                start = _to_text(segments, m.start(), end=False)
                end = _to_text(segments, m.end(), end=True)
                quote_start, quote_end = _trim(text, start, end)
                quote = text[quote_start:quote_end]
                if _NEGATION.search(_NOT_NEGATION.sub("", quote)):
                    negated += 1
                    continue
                roles: dict[str, list[tuple[Mention, Reading]]] = {}
                missing = False
                for slot, (types, _mod) in pattern.slots.items():
                    group = m.group(f"S_{slot}")
                    indices = [int(t[1:-1]) for t in _TOKEN_RE.findall(group)]
                    chosen = []
                    for idx in indices:
                        mention = local[idx]
                        if mention.kind == "unknown":
                            if "Actor" in types or "Person" in types:
                                unknown.append(
                                    UnknownActor(
                                        mention.text,
                                        mention.start,
                                        mention.end,
                                        "subject" if slot.startswith("A") else "object",
                                        pattern.relation,
                                        pattern.id,
                                        sentence.text,
                                    )
                                )
                            continue
                        reading = next((r for r in mention.readings if r.is_a(types)), None)
                        if reading is not None:
                            chosen.append((mention, reading))
                    if not chosen:
                        missing = True
                        break
                    roles[slot] = chosen
                if missing:
                    continue
                for slot, types in pattern.implicit.items():
                    earlier = [mm for mm in reversed(local) if mm.readings and mm.end <= sentence.start + m.start()]
                    target = _latest(earlier + [mm for _, mm in reversed(history)], types, ordered=True)
                    if target is None:
                        missing = True
                        break
                    reading = next(r for r in target.readings if r.is_a(types))
                    implicit = Reading(reading.iri, reading.label, "implicit", reading.types, reading.new)
                    roles[slot] = [
                        (
                            Mention(
                                target.start,
                                target.end,
                                target.text,
                                (implicit,),
                                "implicit",
                                f"the {reading.label} of the article is meant, not named in the sentence.",
                            ),
                            implicit,
                        )
                    ]
                if missing:
                    continue
                if pattern.compose:
                    composed = []
                    for mention, reading in roles[pattern.compose]:
                        comp = self.gazetteer.composite(reading, m.group("agent"))
                        if comp is not None:
                            surface = m.group("agent")
                            note = f"'{surface}' of {reading.label} read as {comp.label}."
                            composed.append(
                                (Mention(mention.start, mention.end, surface, (comp,), "composite", note), comp)
                            )
                            found.append(
                                self._candidate(
                                    text,
                                    sentence,
                                    pattern,
                                    "armedForceOf" if comp.is_a(("ArmedForce",)) else "affiliatedWith",
                                    (mention, comp),
                                    (mention, reading),
                                    quote,
                                    quote_start,
                                    (times, free_times),
                                    "agent.sector-of-country",
                                )
                            )
                    if not composed:
                        continue
                    roles[pattern.compose] = composed
                found += self._candidates(text, sentence, pattern, roles, quote, quote_start, (times, free_times))
        return found, unknown, negated

    def _candidates(self, text, sentence, pattern, roles, quote, quote_start, times) -> list[Candidate]:
        out = []
        if pattern.pairs:
            members = roles.get(pattern.pairs, [])
            symmetric = pattern.relation in self.symmetric
            for i, a in enumerate(members):
                for j, b in enumerate(members):
                    if i == j or (symmetric and j < i) or a[1].iri == b[1].iri:
                        continue
                    out.append(
                        self._candidate(text, sentence, pattern, pattern.relation, a, b, quote, quote_start, times)
                    )
            return out
        subjects = [x for slot in sorted(roles) if slot.startswith("A") for x in roles[slot]]
        objects = [x for slot in sorted(roles) if slot.startswith("B") for x in roles[slot]]
        for s in subjects:
            for o in objects:
                if s[1].iri == o[1].iri:
                    continue
                out.append(self._candidate(text, sentence, pattern, pattern.relation, s, o, quote, quote_start, times))
        return out

    def _candidate(self, text, sentence, pattern, relation, s, o, quote, quote_start, times, pid=None) -> Candidate:
        (sm, sr), (om, orr) = s, o
        confidence = round(pattern.confidence * min(sr.factor, orr.factor), 2)
        if pid == "agent.sector-of-country":
            confidence = 0.9
        notes = [n for n in (sm.note, om.note) if n]
        for mention, reading in ((sm, sr), (om, orr)):
            if reading.kind in ("metonym", "demonym") and mention.kind == "name":
                notes.append(f"'{mention.text}' read as {reading.label} ({reading.kind}).")
        lead = text[max(sentence.start, quote_start - 40) : quote_start]
        modality = "expected" if _MODAL.search(lead.split(",")[-1] + " " + quote) else "stated"
        all_times, free_times = times
        own = [
            t
            for t in all_times
            if any(m.start - sentence.start <= t.start and t.end <= m.end - sentence.start for m in (sm, om))
        ]
        usable = sorted(set(free_times) | set(own), key=lambda t: (t.start, t.role != "start"))
        point, start_time, end_time = _qualifiers(
            usable, quote_start - sentence.start, quote_start - sentence.start + len(quote)
        )
        return Candidate(
            subject=sr.iri,
            subject_label=sr.label,
            subject_text=sm.text,
            relation=relation,
            object=orr.iri,
            object_label=orr.label,
            object_text=om.text,
            quote=quote,
            start=quote_start,
            end=quote_start + len(quote),
            pattern=pid or pattern.id,
            confidence=confidence,
            modality=modality,
            point_in_time=point,
            start_time=start_time,
            end_time=end_time,
            note=" ".join(dict.fromkeys(notes)) or None,
            sentence=sentence.text,
        )

    def _new_entity(self, iri: str, mentions: list[Mention], history: list[tuple[int, Mention]]) -> EntityDef | None:
        for mention in [*mentions, *(m for _, m in history)]:
            for reading in mention.readings:
                if reading.iri == iri and reading.new is not None:
                    return reading.new
        reading = self.gazetteer.entity(iri)
        return reading.new if reading is not None else None


# ---------------------------------------------------------------------------- helpers


def _overlapping(regex: re.Pattern[str], text: str) -> Iterable[re.Match[str]]:
    """Every match, trying again one character after each start (a slot whose type does not fit must not hide
    a later match that overlaps it)."""
    pos = 0
    while True:
        m = regex.search(text, pos)
        if m is None:
            return
        yield m
        pos = m.start() + 1


def _latest(mentions: Iterable[Mention], types: tuple[str, ...], *, ordered: bool = False) -> Mention | None:
    """The latest mention with a reading of one of the types (``ordered``: already latest first)."""
    items = list(mentions)
    if not ordered:
        items = sorted(items, key=lambda m: m.start, reverse=True)
    for mention in items:
        if any(r.is_a(types) for r in mention.readings):
            return mention
    return None


def _mask(text: str, sentence: Sentence, mentions: list[Mention]) -> tuple[str, list[tuple[int, int, int, int, bool]]]:
    """The sentence with each mention replaced by a token; segments map masked offsets to the text."""
    parts: list[str] = []
    segments: list[tuple[int, int, int, int, bool]] = []
    pos, mpos = sentence.start, 0
    for i, m in enumerate(mentions):
        if m.start < pos:
            continue
        plain = text[pos : m.start]
        parts.append(plain)
        segments.append((mpos, mpos + len(plain), pos, m.start, False))
        mpos += len(plain)
        token = f"\ue000{i}\ue001"
        parts.append(token)
        segments.append((mpos, mpos + len(token), m.start, m.end, True))
        mpos += len(token)
        pos = m.end
    plain = text[pos : sentence.end]
    parts.append(plain)
    segments.append((mpos, mpos + len(plain), pos, sentence.end, False))
    return "".join(parts), segments


def _to_text(segments: list[tuple[int, int, int, int, bool]], offset: int, *, end: bool) -> int:
    for mstart, mend, tstart, tend, is_token in segments:
        if (mstart <= offset < mend) or (end and mstart < offset <= mend):
            if is_token:
                return tend if end else tstart
            return tstart + (offset - mstart)
    return segments[-1][3] if segments else 0


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end


def _qualifiers(times: list[TimeMention], qstart: int, qend: int) -> tuple[str | None, str | None, str | None]:
    """The time qualifiers of a candidate: dates inside its quote first, else the sentence's only one."""
    if not times:
        return None, None, None
    inside = [t for t in times if qstart <= t.start and t.end <= qend]
    chosen = inside or times
    starts = [t.value for t in chosen if t.role == "start"]
    ends = [t.value for t in chosen if t.role == "end"]
    points = [t.value for t in chosen if t.role == "point"]
    if starts or ends:
        return None, starts[0] if starts else None, ends[0] if ends else None
    if len(set(points)) == 1 or inside:
        return points[0], None, None
    # several dates and none inside the quote: the nearest one before the quote, else after
    before = [t for t in times if t.end <= qstart and t.role == "point"]
    return (before[-1].value if before else points[0]), None, None


def _dedupe(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per (subject, relation, object, quote); overlapping quotes of one triple keep the best."""
    best: dict[tuple, Candidate] = {}
    for c in candidates:
        key = (c.subject, c.relation, c.object, c.start, c.end)
        if key not in best or c.confidence > best[key].confidence:
            best[key] = c
    kept: list[Candidate] = []
    for c in sorted(best.values(), key=lambda c: (-c.confidence, -(c.end - c.start), c.start, c.pattern)):
        if any(k.key == c.key and not (c.end <= k.start or c.start >= k.end) for k in kept):
            continue
        kept.append(c)
    return sorted(kept, key=lambda c: (c.start, c.end, c.relation, c.subject, c.object))
