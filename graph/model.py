"""Plain data objects returned by the core: entities, claims, facts, statistics, query results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from rdflib.term import Identifier, Node

__all__ = ["Claim", "Entity", "EntityRef", "Fact", "QueryResult", "Stats"]


@dataclass(frozen=True)
class EntityRef:
    """A pointer to an entity: its IRI, short id and label."""

    iri: str
    id: str
    label: str


@dataclass(frozen=True)
class Entity:
    """An actor, place, event or topic."""

    iri: str
    id: str
    label: str
    types: tuple[str, ...]
    type_label: str
    aliases: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    wikidata: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Claim:
    """The evidence for a relation: a source, a verbatim quote and its qualifiers."""

    iri: str
    subject: str
    predicate: str
    object: str
    source: str
    source_title: str | None
    quote: str
    quote_start: int
    quote_end: int
    method: str
    confidence: float
    modality: str | None = None
    point_in_time: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    note: str | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Fact:
    """An asserted relation between two entities, with every claim that supports it."""

    subject: EntityRef
    predicate: str
    predicate_label: str
    polarity: str | None
    object: EntityRef
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True)
class Stats:
    """Counts that describe a graph."""

    triples: int
    entities: int
    relations: int
    claims: int
    sources: int
    entities_by_type: dict[str, int] = field(default_factory=dict)
    relations_by_predicate: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class QueryResult:
    """The result of a SPARQL query, as rdflib terms.

    ``rows`` holds SELECT solutions (``None`` for unbound), ``boolean`` the ASK
    answer, ``triples`` the CONSTRUCT/DESCRIBE graph. ``truncated`` is true when
    the row cap cut the result.
    """

    type: Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[tuple[Identifier, Identifier, Identifier], ...] = ()
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.rows) if self.type == "SELECT" else len(self.triples)

    def values(self) -> list[dict[str, Any]]:
        """SELECT rows as dicts of Python values (IRIs as str, literals converted)."""
        return [
            {var: (None if term is None else _python_value(term)) for var, term in zip(self.variables, row)}
            for row in self.rows
        ]

    def to_dataframe(self):  # -> pandas.DataFrame
        """SELECT rows as a pandas DataFrame (needs pandas)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("to_dataframe needs pandas: pip install pandas") from exc
        return pd.DataFrame(self.values(), columns=list(self.variables))

    def serialize(self, format: str = "json") -> bytes:
        """Serialise with rdflib's own serialisers (see ``caucasus_kg.graph.formats``)."""
        from .formats import serialize_result

        return serialize_result(self, format)


def _python_value(term: Node) -> Any:
    from rdflib import Literal

    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if value is term else value
    return str(term)
