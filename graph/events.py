"""Coded event data (ICEWS, GDELT): every row becomes an event claim; pairs of actors get weighted relations.

The TSV files (``subject, relation, object, date|datetime[, ...]``, see
``shared/datasets/README.md``) are read and checked in full before anything is
written; one call of :func:`import_events` is one transaction:

- the file is one ``ckg:Dataset`` source whose ``ckg:content`` is the file text,
  known by its SHA-256 (importing it again adds nothing);
- each row is a ``ckg:Claim`` (``ckg:method ckg:Imported``) whose quote is the
  verbatim line at its offsets in that text, ``ckg:pointInTime`` the row's date,
  ``ckg:eventType`` the CAMEO event type (``ckr:CAMEO_042``) and
  ``rdf:predicate`` the event relation of its CAMEO root category
  (``ckg:consultedWith`` for 04 ...), which gives the quad class and the polarity;
- actors are merged with known entities through the gazetteer (labels, aliases,
  metonyms such as "Baku" for Azerbaijan, demonyms, earlier event names, and
  Wikidata ids of the gazetteer extension); sector actors such as
  ``Government (Russia)`` become ``ckg:Organisation`` (or ``ckg:ArmedForce``)
  entities linked to their country by a claim of ``ckg:affiliatedWith``
  (``ckg:armedForceOf``) quoting the name in the file; other names become new
  ``ckg:Actor`` entities with ``ckg:eventActorName``;
- per time window (a month by default), the events from one actor to another
  are counted into ``ckg:EventAggregate`` nodes, one per polarity, each backing
  the asserted triple ``actor ckg:cooperativeInteractionWith target`` (or
  ``ckg:hostileInteractionWith``) with a ``ckg:weight``; :func:`event_weights`
  sums them over a period for the analytics layer.

A missing, empty, binary or non-UTF-8 file, an unknown header, a truncated or
malformed row, an unknown CAMEO type or a bad date raises
:class:`~caucasus_kg.graph.errors.DataError` naming the file and the line, and
nothing is written.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Identifier

from ..data import DATA_DIR
from ..ontology import CKG, CKR, CLM
from .errors import DataError, InvalidArgument
from .gazetteer import Gazetteer, Reading
from .ingest import claim_triples, decode_text, source_triples
from .text import normalize

if TYPE_CHECKING:
    from .knowledge_graph import KnowledgeGraph

__all__ = [
    "CAMEO_PATH",
    "EventRow",
    "EventType",
    "FORMATS",
    "ImportReport",
    "WINDOWS",
    "cameo_types",
    "event_weights",
    "import_events",
    "parse_events",
    "quad_class",
    "window_of",
]

CAMEO_PATH = DATA_DIR / "extraction" / "cameo.tsv"
"""The CAMEO code table shipped with the package."""

FORMATS: dict[str, str] = {"icews": "date", "gdelt": "datetime"}
"""Supported formats and the name of their fourth column."""

WINDOWS = ("day", "week", "month", "quarter", "year")
"""Aggregation windows."""

_QUADS = {1: "VerbalCooperation", 2: "MaterialCooperation", 3: "VerbalConflict", 4: "MaterialConflict"}
_DATE = {"icews": re.compile(r"\d{4}-\d{2}-\d{2}"), "gdelt": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")}
_SECTOR = re.compile(r"^(?P<sector>.+?)\s*\((?P<country>[^()]+)\)$")
_LABEL = {"icews": "ICEWS", "gdelt": "GDELT"}
Triple = tuple[Identifier, Identifier, Identifier]
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class EventType:
    """A CAMEO event type: code, label, quad class and the event relation of its root category."""

    code: str
    label: str
    quad_class: str

    @property
    def root(self) -> str:
        return self.code[:2]

    @property
    def iri(self) -> URIRef:
        return CKR[f"CAMEO_{self.code}"]

    @property
    def cooperative(self) -> bool:
        return self.quad_class in ("VerbalCooperation", "MaterialCooperation")

    @property
    def verbal(self) -> bool:
        return self.quad_class.startswith("Verbal")


@dataclass(frozen=True)
class EventRow:
    """One checked row: its line number, offset of the line in the file text and its fields."""

    line: int
    offset: int
    text: str
    subject: str
    relation: str
    object: str
    date: str
    event_type: EventType


@dataclass(frozen=True)
class ImportReport:
    """What :func:`import_events` did."""

    source: str
    title: str
    format: str
    rows: int
    claims: int
    event_types: int
    actors: int
    actors_merged: int
    actors_new: int
    sector_actors: int
    aggregates: int
    window: str
    triples_added: int
    already_imported: bool
    seconds: float


def quad_class(code: str) -> str:
    """The quad class of a CAMEO code, from its root category.

    Examples
    --------
    >>> quad_class("042"), quad_class("0871"), quad_class("111"), quad_class("193")
    ('VerbalCooperation', 'MaterialCooperation', 'VerbalConflict', 'MaterialConflict')
    """
    root = int(code[:2])
    if not 1 <= root <= 20:
        raise InvalidArgument(f"not a CAMEO code: {code!r}")
    return _QUADS[1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4]


def cameo_types(path: str | Path | None = None) -> dict[str, EventType]:
    """Event types by normalised name (labels and the datasets' other spellings) and by code.

    Examples
    --------
    >>> types = cameo_types()
    >>> types["make a visit"].code, types["arrest, detain"].code, types["190"].quad_class
    ('042', '173', 'MaterialConflict')
    """
    return dict(_cameo_types(str(Path(path) if path is not None else CAMEO_PATH)))


@lru_cache(maxsize=4)
def _cameo_types(path: str) -> tuple[tuple[str, EventType], ...]:
    try:
        lines = [
            line for line in Path(path).read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
        ]
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    table: dict[str, EventType] = {}
    for i, row in enumerate(csv.DictReader(lines, delimiter="\t")):
        code, label = (row.get("code") or "").strip(), (row.get("label") or "").strip()
        if not re.fullmatch(r"\d{2,4}", code) or not label:
            raise DataError(f"{path}: row {i + 2}: needs a CAMEO code and a label")
        event_type = EventType(code, label, quad_class(code))
        table[code] = event_type
        for name in [label, *(row.get("aliases") or "").split("|")]:
            key = _type_key(name)
            if key and (key not in table or len(table[key].code) < len(code)):
                table[key] = event_type
    return tuple(table.items())


@lru_cache(maxsize=10_000)
def _type_key(name: str) -> str:
    key = normalize(name)
    return re.sub(r",? not specified below$", "", key)


def window_of(day: date, window: str) -> tuple[date, date]:
    """First and last day (inclusive) of the window that holds a day.

    Examples
    --------
    >>> window_of(date(2018, 9, 27), "month")
    (datetime.date(2018, 9, 1), datetime.date(2018, 9, 30))
    >>> window_of(date(2018, 9, 27), "week")
    (datetime.date(2018, 9, 24), datetime.date(2018, 9, 30))
    """
    if window == "day":
        return day, day
    if window == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    if window == "month":
        first = day.replace(day=1)
    elif window == "quarter":
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    elif window == "year":
        first = date(day.year, 1, 1)
    else:
        raise InvalidArgument(f"window must be one of {', '.join(WINDOWS)}, not {window!r}")
    months = {"month": 1, "quarter": 3, "year": 12}[window]
    year, month = divmod(first.month - 1 + months, 12)
    return first, date(first.year + year, month + 1, 1) - timedelta(days=1)


# ---------------------------------------------------------------------------- parsing


def parse_events(
    text: str, *, name: str = "input", format: str | None = None, progress: Progress | None = None
) -> tuple[str, list[EventRow]]:
    """Check every row of a coded-event file; return its format and its rows.

    Raises DataError naming ``name`` and the line at the first bad row: an unknown
    header, a wrong number of columns (a truncated row), an empty actor, an unknown
    CAMEO event type, a date that is not ``YYYY-MM-DD`` (ICEWS) or
    ``YYYY-MM-DDTHH:MM`` (GDELT).

    Examples
    --------
    >>> fmt, rows = parse_events("subject\\trelation\\tobject\\tdate\\nArmenia\\tConsult\\tIran\\t2014-03-01\\n")
    >>> fmt, rows[0].subject, rows[0].event_type.code, rows[0].offset
    ('icews', 'Armenia', '040', 29)
    """
    if format is not None and format not in FORMATS:
        raise InvalidArgument(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    lines = text.split("\n")
    if progress is not None:
        progress("checking rows", 0, len(lines) - 1)
    header = lines[0].rstrip("\r").split("\t")
    found = _header_format(lines[0], name, format)
    columns = len(header)
    types = cameo_types()
    date_re = _DATE[found]
    rows: list[EventRow] = []
    offset = len(lines[0]) + 1
    total = len(lines) - 1
    for number, raw in enumerate(lines[1:], start=2):
        start, offset = offset, offset + len(raw) + 1
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != columns:
            what = "truncated or malformed row" if len(fields) < columns else "malformed row"
            raise DataError(
                f"{name}: line {number}: {what}: expected {columns} tab-separated columns, found {len(fields)}"
            )
        subject, relation, obj, when = (f.strip() for f in fields[:4])
        for label, value in (("subject", subject), ("relation", relation), ("object", obj)):
            if not value:
                raise DataError(f"{name}: line {number}: empty {label}")
        event_type = types.get(_type_key(relation))
        if event_type is None:
            raise DataError(f"{name}: line {number}: unknown CAMEO event type {relation!r}")
        if not date_re.fullmatch(when) or not _valid_date(when):
            expected = "YYYY-MM-DD" if found == "icews" else "YYYY-MM-DDTHH:MM"
            raise DataError(f"{name}: line {number}: bad {FORMATS[found]} {when!r} (expected {expected})")
        rows.append(EventRow(number, start, line, subject, relation, obj, when, event_type))
        if progress is not None and number % 20_000 == 0:
            progress("checking rows", number - 1, total)
    if not rows:
        raise DataError(f"{name}: no event rows after the header")
    return found, rows


def _header_format(first_line: str, name: str, format: str | None) -> str:
    """The format a header line announces; DataError when it is no event file or not the format asked for."""
    header = first_line.rstrip("\r").split("\t")
    found = _format_of(header)
    if found is None:
        raise DataError(
            f"{name}: line 1: not an ICEWS or GDELT event file: the header must begin with "
            f"subject, relation, object and date (ICEWS) or datetime (GDELT), tab-separated; found {first_line[:80]!r}"
        )
    if format is not None and format != found:
        raise DataError(
            f"{name}: line 1: the header is {_LABEL[found]}'s ({header[3]!r} column), not {_LABEL[format]}'s"
        )
    return found


def _format_of(header: list[str]) -> str | None:
    names = [h.strip().lower() for h in header]
    if len(names) < 4 or names[:3] != ["subject", "relation", "object"]:
        return None
    for fmt, column in FORMATS.items():
        if names[3] == column:
            return fmt
    return None


@lru_cache(maxsize=100_000)
def _valid_date(value: str) -> bool:
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return False
    if "T" in value:
        hour, minute = int(value[11:13]), int(value[14:16])
        return hour < 24 and minute < 60
    return True


# ---------------------------------------------------------------------------- actors


class _Actors:
    """Resolves actor names once each, staging new entities and affiliation claims."""

    def __init__(self, kg: KnowledgeGraph, gazetteer: Gazetteer, source: URIRef, text: str) -> None:
        self.kg, self.gaz, self.source, self.text = kg, gazetteer, source, text
        self.by_name: dict[str, tuple[URIRef, float]] = {}
        self.names: set[str] = set()
        self.triples: list[Triple] = []
        self.staged: set[str] = set()
        self.merged = self.new = self.sectors = 0

    def resolve(self, name: str, offset: int) -> tuple[URIRef, float]:
        hit = self.by_name.get(name)
        if hit is None:
            hit = self.by_name[name] = self._resolve(name, offset)
        elif name not in self.names:
            self.new += 1  # a country first met inside a sector actor's name, created then
        self.names.add(name)
        return hit

    def _resolve(self, name: str, offset: int) -> tuple[URIRef, float]:
        # A merge by metonym or demonym ('Baku' -> Azerbaijan) is recorded once, on the entity
        # (ckg:eventActorName), and lowers the confidence of the rows that use the name.
        reading = self.gaz.actor(name)
        if reading is not None:
            iri = self._use(reading)
            self.merged += reading.new is None
            self.new += reading.new is not None
            self.triples.append((iri, CKG.eventActorName, Literal(name)))
            return iri, reading.factor
        sector = _SECTOR.match(name)
        if sector is not None:
            return self._sector(name, sector.group("sector"), sector.group("country").strip(), offset), 1.0
        iri = self._create(name, "Actor")
        self.new += 1
        return iri, 1.0

    def _use(self, reading: Reading) -> URIRef:
        iri = URIRef(reading.iri)
        if reading.new is not None and reading.iri not in self.staged:
            self.triples.extend(reading.new.triples())
            self.staged.add(reading.iri)
        return iri

    def _create(self, name: str, cls: str) -> URIRef:
        iri = self.gaz.new_iri(name)
        while iri in self.staged:
            iri = f"{iri}_{hashlib.sha256(name.encode()).hexdigest()[:4]}"
        self.staged.add(iri)
        node = URIRef(iri)
        self.triples += [
            (node, RDF.type, getattr(CKG, cls)),
            (node, RDFS.label, Literal(name, lang="en")),
            (node, CKG.eventActorName, Literal(name)),
            (node, DCTERMS.source, self.source),
        ]
        return node

    def _sector(self, name: str, sector: str, country_name: str, offset: int) -> URIRef:
        country = self.gaz.country_of(country_name) or self.gaz.actor(country_name)
        if country is not None:
            country_iri = self._use(country)
        else:
            country_iri = (
                self.by_name[country_name][0] if country_name in self.by_name else self._create(country_name, "Country")
            )
            self.by_name.setdefault(country_name, (country_iri, 1.0))
        cls = self.gaz.sector_class(sector)
        node = self._create(name, cls)
        self.sectors += 1
        self.new += 1
        relation = CKG.armedForceOf if cls in ("ArmedForce", "PeacekeepingContingent") else CKG.affiliatedWith
        _, claim = claim_triples(
            node,
            relation,
            country_iri,
            source=self.source,
            quote=name,
            start=offset,
            text=self.text,
            method="imported",
            confidence=1.0,
            modality="stated",
            note=f"The sector actor's name gives its country ({country_name}).",
        )
        self.triples += claim
        return node


# ---------------------------------------------------------------------------- import


def import_events(
    kg: KnowledgeGraph,
    path: str | Path,
    *,
    format: str | None = None,
    window: str = "month",
    title: str | None = None,
    gazetteer: Gazetteer | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import an ICEWS or GDELT TSV file in one transaction (see the module docstring).

    Parameters
    ----------
    path
        The TSV file.
    format
        ``"icews"`` or ``"gdelt"``; default: read from the header (``date`` or ``datetime``).
    window
        Aggregation window: day, week, month (default), quarter or year.
    progress
        Called as ``progress(stage, done, total)`` while working (the CLI draws a bar with it).

    Returns
    -------
    ImportReport
        Counts; ``already_imported`` when the graph holds the file already (nothing added).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open(backend="memory")
    >>> tsv = pathlib.Path(tempfile.mkdtemp()) / "e.tsv"
    >>> _ = tsv.write_text("subject\\trelation\\tobject\\tdate\\n"
    ...                    "Baku\\tCriticize or denounce\\tArmenia\\t2014-03-01\\n")
    >>> report = import_events(kg, tsv)
    >>> report.rows, report.actors_merged, report.aggregates
    (1, 2, 1)
    >>> kg.query("ASK { ckr:Azerbaijan ckg:hostileInteractionWith ckr:Armenia }").boolean
    True
    >>> import_events(kg, tsv).triples_added
    0
    """
    started = time.perf_counter()
    if window not in WINDOWS:
        raise InvalidArgument(f"window must be one of {', '.join(WINDOWS)}, not {window!r}")
    if format is not None and format not in FORMATS:
        raise InvalidArgument(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    path = Path(path)
    report = progress or (lambda stage, done, total: None)
    report("reading", 0, 1)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    text = decode_text(data, str(path))
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = kg.source_by_sha256(sha)
    if existing is not None:
        # The same bytes were checked and imported before: nothing to parse, nothing to add.
        lines = text.split("\n")
        found = _header_format(lines[0], str(path), format)
        if next(kg.triples((URIRef(existing), RDF.type, CKG.Dataset)), None) is None:
            raise DataError(f"{path}: the graph holds this text already, as {existing}, which is no ckg:Dataset")
        rows = sum(1 for line in lines[1:] if line.strip())
        title = title or f"{_LABEL[found]} coded events: {path.name}"
        seconds = round(time.perf_counter() - started, 3)
        return ImportReport(existing, title, found, rows, 0, 0, 0, 0, 0, 0, 0, window, 0, True, seconds)
    fmt, rows = parse_events(text, name=str(path), format=format, progress=report)
    title = title or f"{_LABEL[fmt]} coded events: {path.name}"

    source, triples = source_triples(text, title=title, kind="dataset", file_name=path.name)
    relations, _ = _event_relations(kg)
    gazetteer = gazetteer or Gazetteer.from_graph(kg)
    actors = _Actors(kg, gazetteer, source, text)
    used_types: dict[str, EventType] = {}
    counts: dict[tuple[URIRef, URIRef, date, date, bool], list[int]] = {}
    asserted: set[Triple] = set()
    dates: dict[str, Literal] = {}
    windows: dict[str, tuple[date, date]] = {}
    event_type_p = CKG.eventType
    total = len(rows)
    report("building triples", 0, total)
    # Millions of small tuples: the cyclic garbage collector would rescan them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for i, row in enumerate(rows, 1):
            s, s_factor = actors.resolve(row.subject, row.offset)
            first_field, second_field, _ = row.text.split("\t", 2)
            o, o_factor = actors.resolve(row.object, row.offset + len(first_field) + len(second_field) + 2)
            event_type = row.event_type
            used_types.setdefault(event_type.code, event_type)
            predicate = relations[event_type.root]
            claim, staged = claim_triples(
                s,
                predicate,
                o,
                source=source,
                quote=row.text,
                start=row.offset,
                text=None,
                method="imported",
                confidence=min(s_factor, o_factor),
                modality="stated",
                point_in_time=row.date,
            )
            if staged[0] not in asserted:
                asserted.add(staged[0])
                triples.append(staged[0])
            triples += staged[1:]
            triples.append((claim, event_type_p, event_type.iri))
            if s != o:
                day = row.date[:10]
                if day not in windows:
                    windows[day] = window_of(date.fromisoformat(day), window)
                first, last = windows[day]
                tally = counts.setdefault((s, o, first, last, event_type.cooperative), [0, 0])
                tally[0 if event_type.verbal else 1] += 1
            if i % 20_000 == 0:
                report("building triples", i, total)
        triples += actors.triples
        for event_type in used_types.values():
            node = event_type.iri
            triples += [
                (node, RDF.type, CKG.EventType),
                (node, RDFS.label, Literal(event_type.label, lang="en")),
                (node, CKG.cameoCode, Literal(event_type.code)),
                (node, CKG.quadClass, getattr(CKG, event_type.quad_class)),
                (node, CKG.eventRelation, relations[event_type.root]),
            ]
        agg = (
            RDF.type,
            CKG.EventAggregate,
            RDF.subject,
            RDF.predicate,
            RDF.object,
            PROV.wasDerivedFrom,
            CKG.windowStart,
            CKG.windowEnd,
            CKG.weight,
            CKG.verbalEventCount,
            CKG.materialEventCount,
        )
        for (s, o, first, last, cooperative), (verbal, material) in counts.items():
            predicate = CKG.cooperativeInteractionWith if cooperative else CKG.hostileInteractionWith
            key = f"{source}|{s}|{predicate}|{o}|{first}|{last}"
            node = CLM["agg_" + hashlib.sha256(key.encode()).hexdigest()[:20]]
            if (s, predicate, o) not in asserted:
                asserted.add((s, predicate, o))
                triples.append((s, predicate, o))
            triples += [
                (node, agg[0], agg[1]),
                (node, agg[2], s),
                (node, agg[3], predicate),
                (node, agg[4], o),
                (node, agg[5], source),
                (node, agg[6], _date_literal(first, dates)),
                (node, agg[7], _date_literal(last, dates)),
                (node, agg[8], Literal(verbal + material)),
                (node, agg[9], Literal(verbal)),
                (node, agg[10], Literal(material)),
            ]
        report("storing", 0, 1)
        added = kg.add_triples(triples)
    finally:
        if collecting:
            gc.enable()
    report("storing", 1, 1)
    return ImportReport(
        source=str(source),
        title=title,
        format=fmt,
        rows=len(rows),
        claims=len(rows),
        event_types=len(used_types),
        actors=len(actors.names),
        actors_merged=actors.merged,
        actors_new=actors.new,
        sector_actors=actors.sectors,
        aggregates=len(counts),
        window=window,
        triples_added=added,
        already_imported=False,
        seconds=round(time.perf_counter() - started, 3),
    )


def _date_literal(day: date, cache: dict[str, Literal]) -> Literal:
    key = day.isoformat()
    if key not in cache:
        cache[key] = Literal(key, datatype=XSD.date)
    return cache[key]


def _event_relations(kg: KnowledgeGraph) -> tuple[dict[str, URIRef], dict[str, str]]:
    """CAMEO root code → event relation, read from the ontology (``ckg:cameoCode`` on the relations)."""
    result = kg.query(
        "SELECT ?r ?code ?q WHERE { ?r a ckg:Relation ; ckg:cameoCode ?code ; ckg:quadClass ?q }", max_rows=1000
    )
    relations = {str(code): URIRef(str(r)) for r, code, _ in result.rows}
    quads = {str(code): str(q).rsplit("#", 1)[-1] for _, code, q in result.rows}
    missing = [f"{i:02d}" for i in range(1, 21) if f"{i:02d}" not in relations]
    if missing:
        raise DataError(f"the ontology has no event relation for CAMEO root categories {', '.join(missing)}")
    wrong = [code for code, quad in quads.items() if quad != quad_class(code)]
    if wrong:
        raise DataError(f"the ontology gives event relations of CAMEO {', '.join(sorted(wrong))} the wrong quad class")
    return relations, quads


def event_weights(
    kg: KnowledgeGraph, *, start: str | date | None = None, end: str | date | None = None, source: str | None = None
) -> list[dict[str, Any]]:
    """Directed actor pairs with their cooperative and hostile event counts over a period.

    Sums the ``ckg:weight`` of the ``ckg:EventAggregate`` nodes whose window lies in
    [start, end] (either may be None), optionally of one dataset. ``net`` is
    cooperative minus hostile: its sign is the pair's polarity for balance analysis.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open(backend="memory")
    >>> tsv = pathlib.Path(tempfile.mkdtemp()) / "e.tsv"
    >>> _ = tsv.write_text("subject\\trelation\\tobject\\tdate\\n"
    ...     "Armenia\\tConsult\\tIran\\t2014-03-01\\nArmenia\\tAccuse\\tIran\\t2014-03-02\\n"
    ...     "Armenia\\tPraise or endorse\\tIran\\t2014-04-02\\n")
    >>> _ = import_events(kg, tsv)
    >>> [(w["cooperative"], w["hostile"], w["net"]) for w in event_weights(kg)]
    [(2, 1, 1)]
    >>> [(w["cooperative"], w["hostile"]) for w in event_weights(kg, end="2014-03-31")]
    [(1, 1)]
    """
    filters = []
    if start is not None:
        filters.append(f'?ws >= "{_iso(start)}"^^xsd:date')
    if end is not None:
        filters.append(f'?we <= "{_iso(end)}"^^xsd:date')
    if source is not None:
        filters.append(
            f"?src = <{source if source.startswith('http') else 'https://w3id.org/caucasus-kg/source/' + source}>"
        )
    where = f"FILTER({' && '.join(filters)})" if filters else ""
    result = kg.query(
        f"""SELECT ?s ?o ?p (SUM(?w) AS ?weight) WHERE {{
              ?a a ckg:EventAggregate ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ckg:weight ?w ;
                 ckg:windowStart ?ws ; ckg:windowEnd ?we ; prov:wasDerivedFrom ?src .
              {where}
            }} GROUP BY ?s ?o ?p""",
        max_rows=10_000_000,
        timeout=600,
    )
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for s, o, p, w in result.rows:
        entry = pairs.setdefault((str(s), str(o)), {"source": str(s), "target": str(o), "cooperative": 0, "hostile": 0})
        entry["cooperative" if str(p) == str(CKG.cooperativeInteractionWith) else "hostile"] += int(w)
    out = []
    for entry in pairs.values():
        entry["events"] = entry["cooperative"] + entry["hostile"]
        entry["net"] = entry["cooperative"] - entry["hostile"]
        out.append(entry)
    return sorted(out, key=lambda e: (-e["events"], e["source"], e["target"]))


def _iso(value: str | date) -> str:
    try:
        return (value if isinstance(value, date) else date.fromisoformat(str(value))).isoformat()
    except ValueError:
        raise InvalidArgument(f"a date must be YYYY-MM-DD, not {value!r}") from None
