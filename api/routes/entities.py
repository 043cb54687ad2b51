"""Entities: search by label or alias, and one entity with its facts (in and out) and their provenance."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from ...graph import KnowledgeGraph
from ..deps import GraphDep
from ..responses import JSONBytes, json_answer
from ..schemas import ERROR_RESPONSES, EntityDetailOut, EntityListOut

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["Entities"], responses=ERROR_RESPONSES)


@router.get("/entities", response_model=EntityListOut, summary="Search or list entities")
async def list_entities(
    kg: GraphDep,
    q: Annotated[str | None, Query(description="Text in a label, alias, metonym or demonym (case- and accent-insensitive).")] = None,
    type: Annotated[list[str] | None, Query(description="Only entities of these classes (Person, Country, ...).")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 50,
) -> JSONBytes:
    def work() -> dict:
        types = tuple(type or ())
        if q is not None and q.strip():
            found = kg.find_entities(q, limit=limit, types=types)
        else:
            found = kg.entities(types=types)[:limit]
        return {"query": q, "count": len(found), "results": found}

    return json_answer(await run_in_threadpool(work))


@router.get("/entities/{ref:path}", response_model=EntityDetailOut, summary="An entity and its facts with provenance")
async def get_entity(kg: GraphDep, ref: str) -> JSONBytes:
    """``ref``: a short id (``Azerbaijan``), an IRI, a label or an alias."""
    return json_answer(await run_in_threadpool(entity_detail, kg, ref))


def entity_detail(kg: KnowledgeGraph, ref: str) -> dict:
    """The entity and its facts, split into those where it is the subject and the others."""
    entity = kg.entity(ref)
    facts = kg.facts(entity.iri, direction="both")
    return {
        "entity": entity,
        "outgoing": [f for f in facts if f.subject.iri == entity.iri],
        "incoming": [f for f in facts if f.subject.iri != entity.iri],
    }
