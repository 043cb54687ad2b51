"""The time limit really stops a runaway query: 503 with the JSON error within the limit plus one second,
the worker process that ran it is killed, and point queries sent meanwhile keep answering promptly."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from caucasus_kg.api import create_app
from caucasus_kg.graph import KnowledgeGraph, QueryTimeout, Settings

from .conftest import POINT, RUNAWAY, TOKEN, TURKEY, client_for, live_server

LIMIT = 1.0
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g a ckg:Country }"  # seconds, not hours


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[str, KnowledgeGraph]]:
    """A real server over a graph with 2 query workers and a 1 s limit, on each backend."""
    kg = KnowledgeGraph.open(settings=Settings(backend=request.param, query_workers=2, query_timeout=LIMIT,
                                               update_token=TOKEN))
    kg.query("ASK {}")
    with live_server(create_app(kg=kg)) as url:
        yield url, kg
    kg.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_runaway_query_is_stopped_while_point_queries_flow(served: tuple[str, KnowledgeGraph]) -> None:
    url, kg = served
    before = set(kg._workers.pids())
    kills = kg._workers.kills
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        with httpx.Client(timeout=30) as client:
            response = client.post(f"{url}/sparql", data={"query": RUNAWAY})
        outcome["seconds"] = time.monotonic() - started
        outcome["response"] = response

    thread = threading.Thread(target=runaway)
    thread.start()
    latencies = []
    with httpx.Client(base_url=url, timeout=10) as client:
        client.get("/sparql", params={"query": POINT})  # connection up
        time.sleep(0.1)  # the runaway has started
        while thread.is_alive():
            t0 = time.monotonic()
            response = client.get("/sparql", params={"query": POINT})
            latencies.append(time.monotonic() - t0)
            assert response.status_code == 200
            assert response.json()["results"]["bindings"][0]["ally"]["value"] == TURKEY
            time.sleep(0.05)
    thread.join()
    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 503
    assert response.json() == {"error": {"status": 503, "code": "query_timeout",
                                         "message": f"query stopped after its time limit of {LIMIT:g} s"}}
    assert LIMIT <= outcome["seconds"] < LIMIT + 1.0
    assert len(latencies) >= 5 and max(latencies) < 0.5, latencies
    # the worker that ran it is gone (killed, not left burning a core), and one replaces it
    assert kg._workers.kills == kills + 1
    gone = before - set(kg._workers.pids())
    assert len(gone) == 1 and not _alive(gone.pop())
    _wait_until_ready(kg)


def _wait_until_ready(kg: KnowledgeGraph) -> None:
    """A replacement worker boots in the background (an interpreter start and a load): wait for it."""
    deadline = time.monotonic() + 30
    while kg._workers.idle() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert kg._workers.idle() == 2 and len(kg._workers.pids()) == 2


def test_runaway_update_is_stopped_and_changes_nothing(served: tuple[str, KnowledgeGraph]) -> None:
    url, kg = served
    _wait_until_ready(kg)
    size = len(kg)
    update = "INSERT { ?a <http://example.org/p> ?j } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    response = httpx.post(f"{url}/sparql", data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"},
                          timeout=30)
    assert response.status_code == 503 and response.json()["error"]["code"] == "query_timeout"
    assert time.monotonic() - started < LIMIT + 1.0
    assert len(kg) == size
    assert httpx.get(f"{url}/sparql", params={"query": POINT}, timeout=10).status_code == 200  # the other worker
    _wait_until_ready(kg)


def test_a_fast_update_goes_through_the_rehearsal(served: tuple[str, KnowledgeGraph]) -> None:
    url, kg = served
    triple = "<http://example.org/timeout-test> <http://example.org/p> <http://example.org/o>"
    response = httpx.post(f"{url}/sparql", data={"update": f"INSERT DATA {{ {triple} }}"},
                          headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert response.status_code == 204
    ask = httpx.get(f"{url}/sparql", params={"query": f"ASK {{ {triple} }}"}, timeout=30)
    assert ask.json()["boolean"] is True  # the workers reloaded the new version


def test_without_workers_the_limit_still_answers_503(bundled_kg: KnowledgeGraph) -> None:
    """Threads only (the library default): the caller gets 503 in time; the abandoned thread runs on
    (here a query of a few seconds, not the endless one, so that it does not burn a core for the session)."""
    client = client_for(bundled_kg, query_timeout=0.5)
    started = time.monotonic()
    response = client.get("/sparql", params={"query": SLOW})
    assert response.status_code == 503 and time.monotonic() - started < 1.5


def test_core_query_timeout_with_workers(served: tuple[str, KnowledgeGraph]) -> None:
    _, kg = served
    _wait_until_ready(kg)
    kills, version = kg._workers.kills, kg.version
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        kg.query(RUNAWAY, timeout=0.5)
    assert time.monotonic() - started < 1.5
    assert kg._workers.kills == kills + 1 and kg.version == version
    assert kg.query("ASK { ckr:Azerbaijan ckg:alliedWith ckr:Turkey }").boolean
