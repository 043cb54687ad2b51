"""Facts: asserted relations matching a subject, predicate and object, each with its claims (quote, source, time)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from ...graph import InvalidArgument, KnowledgeGraph
from ...graph.model import Fact
from ..deps import GraphDep
from ..responses import JSONBytes, json_answer
from ..schemas import ERROR_RESPONSES, FactListOut

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["Facts"], responses=ERROR_RESPONSES)


@router.get("/facts", response_model=FactListOut, summary="Facts matching subject, predicate and object")
async def list_facts(
    kg: GraphDep,
    subject: Annotated[str | None, Query(description="Entity id, IRI, label or alias.")] = None,
    predicate: Annotated[str | None, Query(description="Relation name or IRI (alliedWith, ckg:hostileTo, ...).")] = None,
    object: Annotated[str | None, Query(description="Entity id, IRI, label or alias.")] = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
) -> JSONBytes:
    facts = await run_in_threadpool(matching_facts, kg, subject=subject, predicate=predicate, object=object)
    return json_answer({"count": len(facts[:limit]), "facts": facts[:limit]})


def matching_facts(
    kg: KnowledgeGraph, *, subject: str | None, predicate: str | None, object: str | None
) -> list[Fact]:
    """Facts of the subject (or object) entity, filtered; with only a predicate, the facts its claims support."""
    p = str(kg.relation_iri(predicate)) if predicate else None
    if subject or object:
        anchor, direction = (subject, "out") if subject else (object, "in")
        facts = kg.facts(anchor, direction=direction)
        o = kg.resolve(object) if subject and object else None
        return [f for f in facts if (p is None or f.predicate == p) and (o is None or f.object.iri == o)]
    if p is None:
        raise InvalidArgument("give at least one of subject, predicate or object")
    subjects = sorted({c.subject for c in kg.claims(predicate=p)})
    return [f for s in subjects for f in kg.facts(s, direction="out") if f.predicate == p]
