"""Where a query runs: single-pattern lookups in this process, everything else in a worker process;
and the async call that waits for a worker on the event loop."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from caucasus_kg.graph import KnowledgeGraph, QueryTimeout, Settings
from caucasus_kg.ontology import PREFIXES

LOOKUPS = [
    "SELECT ?ally WHERE { ckr:Azerbaijan ckg:alliedWith ?ally }",
    "SELECT ?p ?o { ckr:Alexei_Dyumin ?p ?o }",
    "SELECT * { ?s a ckg:Country } LIMIT 300",
    "ASK { ckr:Azerbaijan ckg:alliedWith ckr:Turkey }",
]
JOIN = "SELECT ?a ?c WHERE { ?a ckg:alliedWith ?b . ?b ckg:alliedWith ?c }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine on a fresh loop in another thread (the browser tests leave a loop running in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def kg() -> Iterator[KnowledgeGraph]:
    graph = KnowledgeGraph.open(settings=Settings(query_workers=1, query_timeout=1.0))
    graph.query("ASK {}")  # start the worker
    yield graph
    graph.close()


class NoWorkers:
    """Stands in for the worker pool: any call to it fails the test."""

    def __init__(self, workers: Any) -> None:
        self.workers = workers

    def call(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("a single-pattern lookup went to a worker")

    async def call_async(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("a single-pattern lookup went to a worker")


@pytest.mark.parametrize("sparql", LOOKUPS)
@pytest.mark.parametrize("fmt", ["json", "csv", "xml"])
def test_lookups_answer_in_process_as_a_worker_would(kg: KnowledgeGraph, sparql: str, fmt: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Same rows (the order of rows without ORDER BY is the store's), same format, same counts."""
    kwargs = {"prefixes": PREFIXES, "max_rows": kg.settings.max_rows, "format": fmt}
    from_worker = kg._workers.call(("serialized", sparql, kwargs), timeout=5)
    monkeypatch.setattr(kg, "_workers", NoWorkers(kg._workers))
    for here in (kg.query_serialized(sparql, fmt), run(kg.query_serialized_async(sparql, fmt))):
        assert (here.type, here.format, here.media_type, here.count, here.truncated) == (
            from_worker.type, from_worker.format, from_worker.media_type, from_worker.count, from_worker.truncated)
        assert _rows(here) == _rows(from_worker)


def _rows(result: Any) -> Any:
    if result.format != "json":
        return sorted(result.data.splitlines()) if result.format == "csv" else len(result.data)
    doc = json.loads(result.data)
    if "boolean" in doc:
        return doc["boolean"]
    return sorted(json.dumps(row, sort_keys=True) for row in doc["results"]["bindings"])


def test_other_queries_go_to_a_worker(kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg, "_workers", NoWorkers(kg._workers))
    with pytest.raises(AssertionError, match="went to a worker"):
        kg.query_serialized(JOIN, "json")
    with pytest.raises(AssertionError, match="went to a worker"):
        run(kg.query_serialized_async(JOIN, "json"))


@pytest.mark.parametrize("max_rows", [10, 256, 300, 1000])
def test_large_lookups_leave_the_loop_and_keep_the_row_cap(kg: KnowledgeGraph, max_rows: int) -> None:
    """Past 256 rows a lookup is computed again in a thread; the answer is the same either way."""
    total = len(kg)
    result = run(kg.query_serialized_async("SELECT * { ?s ?p ?o }", "json", max_rows=max_rows))
    rows = json.loads(result.data)["results"]["bindings"]
    assert len(rows) == result.count == min(max_rows, total)
    assert result.truncated is (total > max_rows)
    assert result == kg.query_serialized("SELECT * { ?s ?p ?o }", "json", max_rows=max_rows)


def test_a_lookup_past_its_deadline_stops(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryTimeout):
        kg.query_serialized("SELECT * { ?s ?p ?o }", "tsv", timeout=0.0, max_rows=10**6)


def test_async_worker_call_answers_and_times_out(kg: KnowledgeGraph) -> None:
    answer = run(kg.query_serialized_async(JOIN, "json"))
    assert answer == kg.query_serialized(JOIN, "json")
    kills, pid = kg._workers.kills, kg._workers.pids()
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        run(kg.query_serialized_async(RUNAWAY, "json", timeout=0.5))
    assert time.monotonic() - started < 1.5
    assert kg._workers.kills == kills + 1 and kg._workers.pids() != pid
    assert run(kg.query_serialized_async(JOIN, "json")) == answer  # the replacement serves


def test_a_cancelled_async_call_replaces_its_worker(kg: KnowledgeGraph) -> None:
    """The cancelled query's answer must never reach the next caller: its worker is killed."""
    run(kg.query_serialized_async(JOIN, "json"))  # a worker is idle and loaded
    before = kg._workers.pids()

    async def cancel_mid_query() -> None:
        task = asyncio.ensure_future(kg.query_serialized_async(RUNAWAY, "json", timeout=30))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(cancel_mid_query())
    assert kg._workers.pids() != before
    assert json.loads(run(kg.query_serialized_async(JOIN, "json")).data)["head"]["vars"] == ["a", "c"]


@pytest.mark.parametrize("sparql", LOOKUPS)
def test_library_lookups_run_in_the_callers_thread(kg: KnowledgeGraph, sparql: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    kwargs = {"prefixes": PREFIXES, "max_rows": kg.settings.max_rows}
    from_worker = kg._workers.call(("query", sparql, kwargs), timeout=5)
    monkeypatch.setattr(kg, "_workers", NoWorkers(kg._workers))
    here = kg.query(sparql)
    assert (here.type, here.variables, here.boolean, here.truncated) == (
        from_worker.type, from_worker.variables, from_worker.boolean, from_worker.truncated)
    assert sorted(here.rows) == sorted(from_worker.rows)


def test_a_library_lookup_past_its_deadline_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    threads_only = KnowledgeGraph.open()
    def no_thread(*args: object, **kwargs: object) -> None:
        raise AssertionError("a single-pattern lookup went to a query thread")

    monkeypatch.setattr(threads_only, "_with_deadline", no_thread)  # the caller's thread stops it itself
    with pytest.raises(QueryTimeout):
        threads_only.query("SELECT * { ?s ?p ?o }", timeout=0.0, max_rows=10**6)
    assert len(threads_only.query("SELECT * { ?s ?p ?o }", max_rows=10**6)) == len(threads_only)


def test_query_threads_are_reused_and_never_wait_for_a_busy_one() -> None:
    """Threads mode: a query abandoned at its deadline keeps its thread; the next query gets another."""
    import threading

    from caucasus_kg.graph.knowledge_graph import _DaemonThreads

    pool = _DaemonThreads("test")
    release = threading.Event()
    started = threading.Semaphore(0)
    threads: list[threading.Thread] = []  # kept alive, so that no two are ever the same object

    def blocked() -> None:
        started.release()
        release.wait(10)

    for _ in range(3):  # three busy at once: three threads
        pool.submit(blocked)
    assert all(started.acquire(timeout=5) for _ in range(3))
    release.set()
    time.sleep(0.2)  # they finish and wait for work
    done = threading.Semaphore(0)
    for _ in range(20):
        pool.submit(lambda: (threads.append(threading.current_thread()), done.release()))
        assert done.acquire(timeout=5)
    assert len({id(t) for t in threads}) <= 3  # reused, not one thread per call
