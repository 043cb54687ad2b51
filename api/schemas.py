"""Pydantic models of the JSON API: what routes accept (``*In``/``*Params``) and return (``*Out``).

Routes build their answers with :func:`caucasus_kg.graph.to_dict` (the one place
that turns core objects into dicts); these models validate and document them.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ERROR_RESPONSES",
    "BalanceOut",
    "CentralityOut",
    "ClaimOut",
    "CommunitiesOut",
    "CommunityOut",
    "DiffOut",
    "EntityDetailOut",
    "EntityListOut",
    "EntityOut",
    "EntityRefOut",
    "ErrorDetail",
    "ErrorOut",
    "FactListOut",
    "FactOut",
    "GraphEdgeOut",
    "GraphFilters",
    "GraphNodeOut",
    "PathOut",
    "PathStepOut",
    "PathsOut",
    "PolarityChangeOut",
    "ScoreOut",
    "SignedTieOut",
    "StatsOut",
    "SubgraphOut",
    "TriadOut",
    "graph_filters",
    "structure_filters",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ErrorDetail(_Out):
    status: int = Field(description="The HTTP status code.")
    code: str = Field(description="A stable name of the condition, e.g. query_error, entity_not_found, not_acceptable.")
    message: str = Field(description="What was wrong, for a person.")


class ErrorOut(_Out):
    """The one shape of every error response."""

    error: ErrorDetail


class EntityRefOut(_Out):
    iri: str
    id: str
    label: str


class EntityOut(_Out):
    iri: str
    id: str
    label: str
    types: list[str]
    type_label: str
    aliases: list[str] = []
    metonyms: list[str] = []
    demonyms: list[str] = []
    wikidata: str | None = None
    comment: str | None = None


class ClaimOut(_Out):
    """The evidence of a fact: the source, the verbatim quote with its offsets, and qualifiers."""

    iri: str
    subject: str
    predicate: str
    object: str
    source: str
    source_title: str | None = None
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


class FactOut(_Out):
    """An asserted relation with every claim that supports it."""

    subject: EntityRefOut
    predicate: str
    predicate_label: str
    polarity: str | None = None
    object: EntityRefOut
    claims: list[ClaimOut] = []


class EntityDetailOut(_Out):
    entity: EntityOut
    outgoing: list[FactOut] = Field(description="Facts with the entity as subject.")
    incoming: list[FactOut] = Field(description="Facts with the entity as object (and another subject).")


class EntityListOut(_Out):
    query: str | None = Field(description="The search text, or null when listing.")
    count: int
    results: list[EntityOut]


class FactListOut(_Out):
    count: int
    facts: list[FactOut]


class StatsOut(_Out):
    triples: int
    entities: int
    relations: int
    claims: int
    sources: int
    entities_by_type: dict[str, int]
    relations_by_predicate: dict[str, int]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": description}
    for status, description in (
        (400, "Invalid parameter or query"),
        (404, "Unknown entity or no path"),
        (503, "Time limit reached"),
    )
}
"""OpenAPI ``responses`` for the usual errors of a JSON route."""


GraphFilters = dict
"""The analytics filters of a request, as keyword arguments (only those given).

The two dependencies below are ``async def`` so that FastAPI calls them on the
event loop instead of the thread pool (they only sort parameters)."""


async def structure_filters(
    relations: list[str] | None = Query(None, description="Only these relations (names or IRIs); repeat or comma-separate."),
    polarity: list[str] | None = Query(None, description="Only relations of these polarities: cooperative, hostile, neutral."),
    within: list[str] | None = Query(None, description="Restrict the graph to entities of these classes (Actor, Person, ...)."),
    include_undated: bool | None = Query(None, description="Keep facts without a date in time views (default true)."),
) -> dict[str, Any]:
    """The filters of the analytics functions other than time, as keyword arguments (only those given)."""
    values = {"relations": _split(relations), "polarity": _split(polarity), "types": _split(within),
              "include_undated": include_undated}
    return {k: v for k, v in values.items() if v is not None}


async def graph_filters(
    as_of: str | None = Query(None, description="Facts that hold at this date: YYYY, YYYY-MM or YYYY-MM-DD."),
    from_: str | None = Query(None, alias="from", description="Start of a time window (YYYY, YYYY-MM or YYYY-MM-DD)."),
    to: str | None = Query(None, description="End of a time window (YYYY, YYYY-MM or YYYY-MM-DD)."),
    structure: dict[str, Any] = Depends(structure_filters),
) -> dict[str, Any]:
    """Every filter of the analytics functions (time views included), as keyword arguments (only those given)."""
    values = {"as_of": as_of, "start": from_, "end": to}
    return {**structure, **{k: v for k, v in values.items() if v is not None}}


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


# ---------------------------------------------------------------------- analytics


class GraphNodeOut(_Out):
    iri: str
    id: str
    label: str
    type: str
    wikidata: str | None = None
    distance: int | None = Field(None, description="Hops from the centre, in a neighbourhood.")


class GraphEdgeOut(_Out):
    """An asserted relation in a view, with the claims that hold there (and their quotes in ``evidence``)."""

    subject: EntityRefOut
    predicate: str
    label: str
    polarity: str | None = None
    object: EntityRefOut
    symmetric: bool = False
    direction: str = "forward"
    claims: list[str] = []
    times: list[str] = []
    evidence: list[ClaimOut] = []


class PathStepOut(_Out):
    source: EntityRefOut
    target: EntityRefOut
    edges: list[GraphEdgeOut]


class PathOut(_Out):
    source: EntityRefOut
    target: EntityRefOut
    directed: bool
    length: int
    nodes: list[EntityRefOut]
    steps: list[PathStepOut]


class PathsOut(_Out):
    count: int
    paths: list[PathOut]


class SubgraphOut(_Out):
    center: EntityRefOut | None = None
    depth: int | None = None
    nodes: list[GraphNodeOut]
    edges: list[GraphEdgeOut]


class ScoreOut(_Out):
    rank: int
    entity: EntityRefOut
    type: str
    score: float


class CentralityOut(_Out):
    metric: str
    count: int
    scores: list[ScoreOut]


class CommunityOut(_Out):
    index: int
    size: int
    members: list[GraphNodeOut]
    internal_pairs: int


class CommunitiesOut(_Out):
    method: str
    seed: int | None = None
    resolution: float | None = None
    modularity: float
    communities: list[CommunityOut]
    hidden: int


class SignedTieOut(_Out):
    a: EntityRefOut
    b: EntityRefOut
    sign: str | None = None
    cooperative: int
    hostile: int
    mixed: bool
    relations: list[GraphEdgeOut]


class TriadOut(_Out):
    actors: list[EntityRefOut]
    ties: list[SignedTieOut]
    kind: str
    balanced: bool


class BalanceOut(_Out):
    mixed_rule: str
    positive_ties: int
    negative_ties: int
    triads_total: int
    balanced: int
    unbalanced: int
    balance_ratio: float | None = None
    counts_by_kind: dict[str, int]
    triads: list[TriadOut]
    mixed_ties: list[SignedTieOut]


class PolarityChangeOut(_Out):
    a: EntityRefOut
    b: EntityRefOut
    before: str
    after: str
    relations_before: list[GraphEdgeOut]
    relations_after: list[GraphEdgeOut]


class DiffOut(_Out):
    before: str
    after: str
    appeared: list[GraphEdgeOut]
    disappeared: list[GraphEdgeOut]
    polarity_changed: list[PolarityChangeOut]
