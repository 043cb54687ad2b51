"""Statistics of the graph: triples, entities by type, relations by predicate, claims, sources."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from ..deps import GraphDep
from ..responses import JSONBytes, json_answer
from ..schemas import StatsOut

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["Statistics"])


@router.get("/stats", response_model=StatsOut, summary="Counts that describe the graph")
async def get_stats(kg: GraphDep) -> JSONBytes:
    return json_answer(await run_in_threadpool(kg.stats))
