"""The actor gazetteer: every name the graph and its extension file know, for extraction and import.

In the tradition of the dictionary-based event coders (TABARI, PETRARCH), names
are looked up in a dictionary, not guessed. The dictionary is built from the
graph's entities (``rdfs:label``, ``skos:altLabel``, ``ckg:metonym``,
``ckg:demonym``, ``ckg:eventActorName``) plus ``data/extraction/gazetteer.json``,
which adds names of South Caucasus politics in general (leaders, ministries,
armed forces, organisations, corridors, wars and agreements). An extension
entry that matches an entity of the graph (same Wikidata id, id or name) only
adds names to it; the others are *proposed* entities, created in the graph the
first time an accepted claim or an imported event uses them.

A name can have several readings: "Baku" is the city (label) and the Azerbaijani
state (metonym). Who uses the gazetteer picks the reading whose type fits the
role: a place for "flew to Baku", an actor for "the envoy to Baku".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import OWL, RDF, RDFS, Literal, URIRef
from rdflib.namespace import SKOS

from ..data import DATA_DIR
from ..ontology import CKG, CKR, WD
from .errors import DataError
from .text import normalize, slug

if TYPE_CHECKING:
    from .knowledge_graph import KnowledgeGraph

__all__ = [
    "EXTENSION_PATH",
    "EntityDef",
    "Gazetteer",
    "NameMatch",
    "Reading",
    "load_extension",
]

EXTENSION_PATH = DATA_DIR / "extraction" / "gazetteer.json"
"""The extension file shipped with the package (``caucasus_kg/data/extraction/gazetteer.json``)."""

# How much a reading is trusted, by the kind of name that produced it.
KIND_FACTOR = {
    "label": 1.0,
    "alias": 1.0,
    "event": 1.0,
    "metonym": 0.9,
    "composite": 0.9,
    "demonym": 0.85,
    "anaphor": 0.75,
    "pronoun": 0.7,
    "implicit": 0.6,
}
_KIND_RANK = {"label": 0, "alias": 1, "event": 1, "metonym": 2, "demonym": 3}
_ROOTS = ("Actor", "Place", "Event", "Topic")
_ACRONYM = re.compile(r"^[A-Z][A-Z.]{1,6}$")


@dataclass(frozen=True)
class EntityDef:
    """An entity that the graph does not hold yet: created when first used."""

    iri: str
    label: str
    type: str
    aliases: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    wikidata: str | None = None
    origin: str = "gazetteer"

    def triples(self) -> list[tuple]:
        """The entity's triples, as :meth:`KnowledgeGraph.add_entity` writes them."""
        iri = URIRef(self.iri)
        out: list[tuple] = [(iri, RDF.type, getattr(CKG, self.type)), (iri, RDFS.label, Literal(self.label, lang="en"))]
        out += [(iri, SKOS.altLabel, Literal(a, lang="en")) for a in self.aliases]
        out += [(iri, CKG.metonym, Literal(m, lang="en")) for m in self.metonyms]
        out += [(iri, CKG.demonym, Literal(d, lang="en")) for d in self.demonyms]
        if self.wikidata:
            out += [(iri, CKG.wikidata, Literal(self.wikidata)), (iri, OWL.sameAs, WD[self.wikidata])]
        return out


@dataclass(frozen=True)
class Reading:
    """One way to read a name: the entity it stands for, how (``kind``) and that entity's classes."""

    iri: str
    label: str
    kind: str
    types: frozenset[str]
    new: EntityDef | None = None

    @property
    def factor(self) -> float:
        return KIND_FACTOR.get(self.kind, 0.5)

    def is_a(self, classes: Iterable[str]) -> bool:
        """True when the entity is an instance of one of the class names (``Actor``, ``Place``...)."""
        return any(c in self.types for c in classes)


@dataclass(frozen=True)
class NameMatch:
    """A name found in a text: its span and its readings (best first)."""

    start: int
    end: int
    text: str
    readings: tuple[Reading, ...]


@dataclass
class _Info:
    iri: str
    label: str | None = None
    types: set[str] = field(default_factory=set)
    names: dict[str, set[str]] = field(default_factory=dict)  # kind -> names
    wikidata: str | None = None
    event_actor: bool = False
    new: EntityDef | None = None


def load_extension(path: str | Path | None = None) -> dict[str, Any]:
    """Read a gazetteer extension file (default: the one shipped with the package).

    Raises DataError naming the file when it cannot be read or is not valid JSON.
    """
    path = Path(path) if path is not None else EXTENSION_PATH
    return _load_json(str(path))


@lru_cache(maxsize=8)
def _load_json(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise DataError(f"{path}: {'line ' + str(line) + ': ' if line else ''}not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise DataError(f"{path}: a gazetteer extension is a JSON object")
    return data


class Gazetteer:
    """Names → readings, built from a graph and an extension file.

    Parameters
    ----------
    infos
        Entity descriptions (built by :meth:`from_graph`).
    extension
        The extension data (agents, sectors, anaphors, pronouns, not_names).
    superclasses
        Class local name → its superclasses' local names (itself included).

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> gaz = Gazetteer.from_graph(KnowledgeGraph.open())
    >>> [(r.label, r.kind) for r in gaz.lookup("Baku")]
    [('Baku', 'label'), ('Azerbaijan', 'metonym')]
    >>> gaz.actor("Baku").label
    'Azerbaijan'
    """

    def __init__(self, infos: dict[str, _Info], extension: dict[str, Any], superclasses: dict[str, set[str]]) -> None:
        self.extension = extension
        self.superclasses = superclasses
        self._infos = infos
        self._by_name: dict[str, list[tuple[tuple, Reading]]] = {}
        self._surface: dict[str, set[str]] = {}  # normalized name -> its written forms (for the text regex)
        for info in infos.values():
            types = frozenset(set().union(*(superclasses.get(t, {t}) for t in info.types)) if info.types else set())
            label = info.label or info.iri.rsplit("/", 1)[-1]
            for kind, names in info.names.items():
                reading = Reading(info.iri, label, kind, types, info.new)
                for name in names:
                    key = normalize(name)
                    if not key:
                        continue
                    order = (_KIND_RANK.get(kind, 4), info.new is not None, label.casefold(), info.iri)
                    self._by_name.setdefault(key, []).append((order, reading))
                    if kind != "event" and not (info.event_actor and not _text_name(name, info)):
                        self._surface.setdefault(key, set()).add(name)
        for key, hits in self._by_name.items():
            hits.sort(key=lambda h: h[0])
            # one reading per entity and kind
            seen: set[tuple[str, str]] = set()
            self._by_name[key] = [
                h for h in hits if (h[1].iri, h[1].kind) not in seen and not seen.add((h[1].iri, h[1].kind))
            ]
        self._agents = self._agent_table()
        self._regex: re.Pattern[str] | None = None

    # ------------------------------------------------------------------ building

    @classmethod
    def from_graph(cls, kg: KnowledgeGraph, *, extension: str | Path | dict[str, Any] | None = None) -> Gazetteer:
        """The gazetteer of a graph plus an extension (default: the shipped file; ``{}`` for none)."""
        ext = extension if isinstance(extension, dict) else load_extension(extension)
        superclasses = _superclasses(kg)
        infos = _graph_infos(kg)
        _merge_extension(infos, ext, superclasses)
        _derived_names(kg, infos)
        return cls(infos, ext, superclasses)

    def _agent_table(self) -> list[tuple[str, str, str]]:
        """(noun, sector, class) of the agent nouns, longest first."""
        table = []
        for sector, spec in (self.extension.get("agents") or {}).items():
            for noun in spec.get("nouns", ()):
                table.append((noun, sector, spec.get("type", "Organisation")))
        return sorted(table, key=lambda t: -len(t[0]))

    # ------------------------------------------------------------------ lookups

    def lookup(self, name: str) -> list[Reading]:
        """Every reading of a name (case- and accent-insensitive), best first."""
        return [reading for _, reading in self._by_name.get(normalize(name), ())]

    def entity(self, iri: str) -> Reading | None:
        """The label reading of an entity by IRI (None when unknown)."""
        info = self._infos.get(iri)
        if info is None:
            return None
        types = frozenset(set().union(*(self.superclasses.get(t, {t}) for t in info.types)) if info.types else set())
        return Reading(info.iri, info.label or info.iri.rsplit("/", 1)[-1], "label", types, info.new)

    def actor(self, name: str) -> Reading | None:
        """The reading of a name in actor position (coded event data), or None.

        An actor reading wins over a place (so "Baku" is the Azerbaijani state and
        "Washington" the United States); within them a label or alias beats a
        metonym, a metonym a demonym. A place that is no actor (a disputed
        territory, a region) is taken only when nothing else fits. Topics and
        events never stand for actors.
        """
        readings = self.lookup(name)
        for wanted in (("Actor",), ("Place",)):
            for reading in readings:
                if reading.is_a(wanted):
                    return reading
        return None

    def country_of(self, demonym_or_name: str) -> Reading | None:
        """The country (or other actor) that a demonym or a name stands for."""
        for reading in self.lookup(demonym_or_name):
            if reading.is_a(("Country", "DisputedTerritory", "InternationalOrganisation")):
                return reading
        return None

    def demonym(self, iri: str) -> str | None:
        """A demonym of the entity, if the gazetteer knows one."""
        info = self._infos.get(iri)
        if info is None:
            return None
        names = sorted(info.names.get("demonym", ()), key=len)
        return names[0] if names else None

    def sector_class(self, sector: str) -> str:
        """The ontology class of an ICEWS sector ('Police' → Organisation); ``Actor`` when none fits."""
        low = sector.casefold()
        sectors = self.extension.get("sectors") or {}
        for cls in ("PeacekeepingContingent", "ArmedForce", "Organisation"):
            if any(word in low for word in sectors.get(cls, ())):
                return cls
        return "Actor"

    def agent(self, noun: str) -> tuple[str, str] | None:
        """(sector, class) of an agent noun ('troops' → ('Military', 'ArmedForce'))."""
        low = normalize(noun)
        for candidate, sector, cls in self._agents:
            if candidate == low:
                return sector, cls
        return None

    @property
    def agent_nouns(self) -> list[str]:
        return [noun for noun, _, _ in self._agents]

    def composite(self, country: Reading, noun: str, *, surface: str | None = None) -> Reading | None:
        """The sector actor that '<demonym> <noun>' names: an entity of the graph, or a proposed one.

        Looks for an entity named "Russian peacekeepers" or "Russia peacekeepers", then
        for the sector actor as coded event data labels it ("Peacekeeping Troop (Russia)");
        otherwise proposes that entity, with the words of the text (``surface``) as alias.
        """
        found = self.agent(noun)
        if found is None:
            return None
        sector, cls = found
        demonym = self.demonym(country.iri)
        surfaces = [f"{demonym} {noun}"] if demonym else []
        surfaces.append(f"{country.label} {noun}")
        if surface:
            surfaces.insert(0, re.sub(r"\s+", " ", surface))
        for surface in surfaces:
            for reading in self.lookup(surface):
                if reading.is_a(("Actor",)):
                    return Reading(reading.iri, reading.label, "composite", reading.types, reading.new)
        label = f"{sector} ({country.label})"
        for reading in self.lookup(label):
            if reading.is_a(("Actor",)):
                return Reading(reading.iri, reading.label, "composite", reading.types, reading.new)
        iri = self.new_iri(label)
        aliases = tuple(dict.fromkeys(s for s in surfaces if normalize(s) != normalize(label)))
        new = EntityDef(iri, label, cls, aliases=aliases, origin="composite")
        types = frozenset(self.superclasses.get(cls, {cls}))
        return Reading(iri, label, "composite", types, new)

    def new_iri(self, label: str) -> str:
        """A fresh entity IRI for a label: its slug, or the slug plus a short hash when taken."""
        import hashlib

        iri = str(CKR[slug(label)])
        if iri in self._infos:
            iri = f"{iri}_{hashlib.sha256(label.encode()).hexdigest()[:6]}"
        return iri

    # ------------------------------------------------------------------ text matching

    def find_names(self, text: str) -> Iterator[NameMatch]:
        """Known names in a text, leftmost-longest, with their readings.

        Capitalised names match only capitalised in the text ('Turkey', not
        'turkey'); acronyms ('US', 'EU') only as written; lower-case names
        (topics such as 'security') in any case.
        """
        if self._regex is None:
            names = sorted({n for forms in self._surface.values() for n in forms}, key=lambda n: (-len(n), n))
            body = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names if n.strip())
            self._regex = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
        pos = 0
        while True:
            m = self._regex.search(text, pos)
            if m is None:
                return
            surface = m.group(0)
            readings = self.lookup(surface)
            forms = self._surface.get(normalize(surface), {surface})
            if readings and any(_case_ok(surface, known) for known in sorted(forms)):
                yield NameMatch(m.start(), m.end(), surface, tuple(readings))
                pos = m.end()
            else:
                pos = m.start() + 1

    def __len__(self) -> int:
        return len(self._by_name)


def _case_ok(found: str, known: str) -> bool:
    """Case rule of name matching: acronyms exact, capitalised names capitalised in the text."""
    bare = known.removeprefix("the ").removeprefix("The ")
    if _ACRONYM.match(bare.replace(" ", "")):
        return found.removeprefix("the ").removeprefix("The ") == bare
    if bare[:1].isupper():
        text = found.removeprefix("the ").removeprefix("The ")
        return text[:1].isupper()
    return True


def _text_name(name: str, info: _Info) -> bool:
    """Whether a name of an actor created by event import is useful in running text.

    Sector actors ('Police (Georgia)') and one-word generic roles ('President') are not.
    """
    if "(" in name:
        return False
    if "Country" in info.types:
        return True
    words = name.split()
    return len(words) >= 2 and all(w[:1].isupper() for w in words if w.isalpha() and w not in ("of", "the", "and"))


# ---------------------------------------------------------------------- building from a graph


def _superclasses(kg: KnowledgeGraph) -> dict[str, set[str]]:
    ns = str(CKG._NS)
    result = kg.query(
        "SELECT ?c ?s WHERE { ?c rdfs:subClassOf* ?s . "
        "FILTER(STRSTARTS(STR(?c), STR(ckg:)) && STRSTARTS(STR(?s), STR(ckg:))) }",
        max_rows=1_000_000,
        timeout=120,
    )
    out: dict[str, set[str]] = {}
    for c, s in result.rows:
        out.setdefault(str(c)[len(ns) :], set()).add(str(s)[len(ns) :])
    return out


def _graph_infos(kg: KnowledgeGraph) -> dict[str, _Info]:
    ns = str(CKG._NS)
    infos: dict[str, _Info] = {}
    result = kg.query(
        """SELECT ?e ?type ?kind ?name WHERE {
             VALUES ?root { ckg:Actor ckg:Place ckg:Event ckg:Topic }
             ?e a ?type . ?type rdfs:subClassOf* ?root .
             OPTIONAL {
               VALUES (?p ?kind) { (rdfs:label "label") (skos:altLabel "alias") (ckg:metonym "metonym")
                                   (ckg:demonym "demonym") (ckg:eventActorName "event") }
               ?e ?p ?name }
           }""",
        max_rows=100_000_000,
        timeout=600,
    )
    for e, etype, kind, name in result.rows:
        info = infos.setdefault(str(e), _Info(str(e)))
        if str(etype).startswith(ns):
            info.types.add(str(etype)[len(ns) :])
        if name is None:
            continue
        kind = str(kind)
        if kind == "label" and (info.label is None or getattr(name, "language", None) in (None, "en")):
            info.label = str(name)
        info.names.setdefault(kind, set()).add(str(name))
    for info in infos.values():
        info.label = info.label or info.iri.rsplit("/", 1)[-1]
        info.names.setdefault("label", set()).add(info.label)
    for e, q in kg.query("SELECT ?e ?q WHERE { ?e ckg:wikidata ?q }", max_rows=10_000_000, timeout=120).rows:
        if str(e) in infos:
            infos[str(e)].wikidata = str(q)
    imported = kg.query(
        "SELECT DISTINCT ?e WHERE { ?e ckg:eventActorName ?n ; dcterms:source ?d . ?d a ckg:Dataset }",
        max_rows=100_000_000,
        timeout=600,
    )
    for (e,) in imported.rows:
        if str(e) in infos:
            infos[str(e)].event_actor = True
    return infos


def _merge_extension(infos: dict[str, _Info], ext: dict[str, Any], superclasses: dict[str, set[str]]) -> None:
    by_qid = {info.wikidata: info for info in infos.values() if info.wikidata}
    by_name: dict[str, _Info] = {}
    for info in infos.values():
        for kind in ("label", "alias"):
            for name in info.names.get(kind, ()):
                by_name.setdefault(normalize(name), info)
    for i, entry in enumerate(ext.get("entities") or ()):
        try:
            label, cls = entry["label"], entry["type"]
        except (KeyError, TypeError):
            raise DataError(f"gazetteer extension: entity #{i + 1} needs a label and a type") from None
        if cls not in superclasses:
            raise DataError(f"gazetteer extension: entity {label!r} has an unknown type {cls!r}")
        names = {
            "alias": list(entry.get("aliases", ())),
            "metonym": list(entry.get("metonyms", ())),
            "demonym": list(entry.get("demonyms", ())),
        }
        iri = str(CKR[entry.get("id") or slug(label)])
        target = by_qid.get(entry.get("wikidata")) if entry.get("wikidata") else None
        target = target or infos.get(iri)
        if target is None:
            for name in [label, *names["alias"]]:
                hit = by_name.get(normalize(name))
                if hit is not None and not hit.event_actor:
                    target = hit
                    break
        if target is not None and target.new is None:
            # a known entity: the entry only adds names (its label becomes an alias)
            target.names.setdefault("alias", set()).add(label)
            for kind, values in names.items():
                target.names.setdefault(kind, set()).update(values)
            continue
        new = EntityDef(
            iri,
            label,
            cls,
            aliases=tuple(names["alias"]),
            metonyms=tuple(names["metonym"]),
            demonyms=tuple(names["demonym"]),
            wikidata=entry.get("wikidata"),
        )
        info = _Info(iri, label, {cls}, {"label": {label}, **{k: set(v) for k, v in names.items() if v}}, new=new)
        infos[iri] = info
        for name in [label, *names["alias"]]:
            by_name.setdefault(normalize(name), info)


def _derived_names(kg: KnowledgeGraph, infos: dict[str, _Info]) -> None:
    """Talks are named after where they are held: 'talks in Baku', 'Baku talks'."""
    result = kg.query(
        "SELECT ?e ?placeLabel WHERE { ?e a ckg:Talks ; ckg:locatedIn ?p . ?p rdfs:label ?placeLabel }",
        max_rows=100_000,
        timeout=120,
    )
    for e, place in result.rows:
        info = infos.get(str(e))
        if info is not None:
            info.names.setdefault("alias", set()).update({f"talks in {place}", f"{place} talks"})
