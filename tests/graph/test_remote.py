"""The external store: RemoteBackend over a real Oxigraph server (``oxigraph serve`` from PyPI) on a loopback port.

Two kinds of tests:

* The core library's own cases (``tests/graph/test_knowledge_graph.py``) are collected here a
  second time with their graph fixtures (``any_kg``, ``bundled_kg``, ``fresh_kg``) bound to the
  remote store, so they must pass unchanged over HTTP.
* The tests below compare the remote store with the embedded one call by call, and pin what only a
  remote store has: HTTP errors, time limits, the protocol's limits on blank nodes.

Each Oxigraph server is started on a free port of 127.0.0.1 and stopped by its PID.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic

from caucasus_kg.graph import (
    InvalidArgument,
    KnowledgeGraph,
    QueryError,
    QueryTimeout,
    QuoteNotFound,
    ReadOnlyError,
    Settings,
)
from caucasus_kg.graph.remote import RemoteBackend
from caucasus_kg.ontology import CKG, CKR, PREFIXES

ARTICLE = "000_4fb1f75b4de7c57b"


def _load(path: Path, name: str) -> ModuleType:
    """Import a file of the tests folder (not a package) once, by path."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


server = _load(Path(__file__).parent / "remote" / "server.py", "ckg_tests_remote_server")


# ---------------------------------------------------------------------- servers and graphs


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A real Oxigraph server holding the bundled graph; read-only for the tests."""
    with server.oxigraph_server(tmp_path_factory.mktemp("oxigraph-read")) as srv:
        yield srv


@pytest.fixture(scope="module")
def oxigraph_rw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A second server for the tests that write; emptied before each of them."""
    with server.oxigraph_server(tmp_path_factory.mktemp("oxigraph-write")) as srv:
        yield srv


@pytest.fixture(scope="module")
def remote_kg(oxigraph) -> Iterator[KnowledgeGraph]:
    """The bundled graph, loaded into the server through RemoteBackend.add (an empty store is initialised)."""
    kg = KnowledgeGraph.open(sparql_endpoint=oxigraph.query_url, update_endpoint=oxigraph.update_url)
    yield kg
    kg.close()


@pytest.fixture(scope="module")
def embedded_kg() -> KnowledgeGraph:
    """The same bundled graph in the embedded store: what every remote answer is compared with."""
    return KnowledgeGraph.open()


@pytest.fixture
def fresh_remote_kg(oxigraph_rw) -> Iterator[KnowledgeGraph]:
    oxigraph_rw.update("DROP ALL")
    kg = KnowledgeGraph.open(sparql_endpoint=oxigraph_rw.query_url, update_endpoint=oxigraph_rw.update_url)
    yield kg
    kg.close()


# The core suite's fixtures, bound to the remote store for the cases collected below.
@pytest.fixture(scope="module")
def any_kg(remote_kg: KnowledgeGraph) -> KnowledgeGraph:
    return remote_kg


@pytest.fixture(scope="module")
def bundled_kg(remote_kg: KnowledgeGraph) -> KnowledgeGraph:
    return remote_kg


@pytest.fixture
def fresh_kg(fresh_remote_kg: KnowledgeGraph) -> KnowledgeGraph:
    return fresh_remote_kg


# ---------------------------------------------------------------------- the core cases, unchanged

_CORE = Path(__file__).with_name("test_knowledge_graph.py")
_GRAPH_FIXTURES = {"any_kg", "bundled_kg", "fresh_kg"}


def _core_cases() -> dict[str, object]:
    """The test functions of the core suite that take a graph fixture (the others never touch a store)."""
    if not _CORE.is_file():  # pragma: no cover - the suite was moved
        return {}
    module = _load(_CORE, "ckg_tests_core_cases")
    return {
        name: fn
        for name, fn in vars(module).items()
        if name.startswith("test_") and inspect.isfunction(fn) and _GRAPH_FIXTURES & set(inspect.signature(fn).parameters)
    }


globals().update({f"{name}__remote": fn for name, fn in _core_cases().items()})


def test_the_core_cases_are_collected_here() -> None:
    cases = _core_cases()
    assert len(cases) >= 10
    assert all(globals()[f"{name}__remote"] is fn for name, fn in cases.items())


# ---------------------------------------------------------------------- same answers as the embedded store


def test_remote_store_is_used(remote_kg: KnowledgeGraph, embedded_kg: KnowledgeGraph) -> None:
    assert remote_kg.backend_name == "remote"
    assert isinstance(remote_kg._backend, RemoteBackend)
    assert len(remote_kg) == len(embedded_kg) > 1000


QUERIES = {
    "ordered select": "SELECT ?s ?label WHERE { ?s a ckg:Country ; rdfs:label ?label } ORDER BY ?s ?label",
    "typed literals": """SELECT ?c ?start ?end ?conf ?pit WHERE { ?c a ckg:Claim ; ckg:quoteStart ?start ;
                           ckg:quoteEnd ?end ; ckg:confidence ?conf OPTIONAL { ?c ckg:pointInTime ?pit } }""",
    "unbound optional": "SELECT ?e ?wd WHERE { ?e a ckg:Person OPTIONAL { ?e ckg:wikidata ?wd } }",
    "aggregate": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
    "property path": "SELECT ?c ?root WHERE { ?c rdfs:subClassOf+ ?root }",
    "own prefix wins": "PREFIX ckg: <http://example.org/other#> SELECT ?s WHERE { ?s a ckg:Country }",
    "full IRIs only": "SELECT ?o WHERE { <https://w3id.org/caucasus-kg/id/Azerbaijan> ?p ?o }",
    "no rows": "SELECT ?s WHERE { ?s ckg:alliedWith ckr:Atlantis }",
    "long text": f"SELECT ?text WHERE {{ src:{ARTICLE} ckg:content ?text }}",
}


def _bag(rows: tuple) -> list:
    return sorted((tuple(repr(t) for t in row) for row in rows))


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_select_answers_equal_the_embedded_store(remote_kg: KnowledgeGraph, embedded_kg: KnowledgeGraph, query: str) -> None:
    remote, local = remote_kg.query(query, max_rows=100_000), embedded_kg.query(query, max_rows=100_000)
    assert remote.variables == local.variables
    if "ORDER BY" in query:
        assert remote.rows == local.rows
    assert _bag(remote.rows) == _bag(local.rows)
    assert remote.values() == local.values() or "ORDER BY" not in query


@pytest.mark.parametrize(
    "query",
    [
        "ASK { ckr:Azerbaijan ckg:alliedWith ckr:Turkey }",
        "ASK { ckr:Turkey ckg:alliedWith ckr:Atlantis }",
        "CONSTRUCT { ?s ckg:alliedWith ?o } WHERE { ?s ckg:alliedWith ?o }",
        "CONSTRUCT WHERE { ?c a ckg:Claim ; ckg:quote ?q }",
        "DESCRIBE ckr:Turkey",
    ],
)
def test_ask_construct_describe_equal_the_embedded_store(
    remote_kg: KnowledgeGraph, embedded_kg: KnowledgeGraph, query: str
) -> None:
    remote, local = remote_kg.query(query), embedded_kg.query(query)
    assert (remote.type, remote.boolean, remote.truncated) == (local.type, local.boolean, local.truncated)
    assert set(remote.triples) == set(local.triples)


@pytest.mark.parametrize(("query", "formats"), [
    ("SELECT ?s ?label WHERE { ?s a ckg:Country ; rdfs:label ?label } ORDER BY ?s ?label", ["json", "xml", "csv", "tsv"]),
    ("ASK { ckr:Azerbaijan ckg:alliedWith ckr:Turkey }", ["json", "xml"]),
    ("CONSTRUCT { ?s ckg:alliedWith ?o } WHERE { ?s ckg:alliedWith ?o } ORDER BY ?s ?o", ["nt", "ttl", "xml", "jsonld"]),
])
def test_serialized_results_equal_the_embedded_store(
    remote_kg: KnowledgeGraph, embedded_kg: KnowledgeGraph, query: str, formats: list[str]
) -> None:
    if not hasattr(embedded_kg, "query_serialized"):
        pytest.skip("KnowledgeGraph.query_serialized is not there yet")
    for fmt in formats:
        remote, local = remote_kg.query_serialized(query, fmt), embedded_kg.query_serialized(query, fmt)
        assert (remote.type, remote.format, remote.media_type, remote.count, remote.truncated) == (
            local.type, local.format, local.media_type, local.count, local.truncated
        ), fmt
        assert remote.data == local.data, fmt


def test_row_cap_marks_truncation_on_both_paths(remote_kg: KnowledgeGraph) -> None:
    result = remote_kg.query("SELECT * WHERE { ?s ?p ?o }", max_rows=7)
    assert len(result.rows) == 7 and result.truncated
    graph = remote_kg.query("CONSTRUCT WHERE { ?s ?p ?o }", max_rows=7)
    assert len(graph.triples) == 7 and graph.truncated
    exact = remote_kg.query("SELECT ?s WHERE { ?s a ckg:Country }", max_rows=100_000)
    assert not exact.truncated
    if hasattr(remote_kg, "query_serialized"):
        data = remote_kg.query_serialized("SELECT * WHERE { ?s ?p ?o }", "tsv", max_rows=7)
        assert data.truncated and data.count == 7 and data.data.count(b"\n") == 8
        whole = remote_kg.query_serialized("SELECT ?s WHERE { ?s a ckg:Country }", "tsv", max_rows=len(exact.rows))
        assert not whole.truncated and whole.count == len(exact.rows)


@pytest.mark.parametrize("ref", ["Azerbaijan", "Dyumin", "the kremlin", "erdogan", "Turkey", "Baku"])
def test_entities_and_facts_equal_the_embedded_store(remote_kg: KnowledgeGraph, embedded_kg: KnowledgeGraph, ref: str) -> None:
    assert remote_kg.entity(ref) == embedded_kg.entity(ref)
    for direction in ("out", "in", "both"):
        assert remote_kg.facts(ref, direction=direction) == embedded_kg.facts(ref, direction=direction)
    assert remote_kg.claims(subject=ref) == embedded_kg.claims(subject=ref)


def test_library_reads_equal_the_embedded_store(remote_kg: KnowledgeGraph, embedded_kg: KnowledgeGraph) -> None:
    assert remote_kg.find_entities("azer") == embedded_kg.find_entities("azer")
    assert remote_kg.find_entities("a", limit=50) == embedded_kg.find_entities("a", limit=50)
    assert remote_kg.entities() == embedded_kg.entities()
    assert remote_kg.entities(types=["Person"]) == embedded_kg.entities(types=["Person"])
    assert remote_kg.claims() == embedded_kg.claims()
    assert remote_kg.relations() == embedded_kg.relations()
    assert remote_kg.sources() == embedded_kg.sources()
    assert remote_kg.source_text(ARTICLE) == embedded_kg.source_text(ARTICLE)
    assert remote_kg.stats() == embedded_kg.stats()


def test_validate_equals_the_embedded_store(remote_kg: KnowledgeGraph, embedded_kg: KnowledgeGraph) -> None:
    remote, local = remote_kg.validate(), embedded_kg.validate(shacl=False)  # SHACL runs on the remote data only
    assert remote.conforms and local.conforms
    assert (remote.claims_checked, remote.sources_checked) == (local.claims_checked, local.sources_checked)


@pytest.mark.parametrize(("fmt", "rdflib_format"), [
    ("nt", "nt"), ("ttl", "turtle"), ("nq", "nquads"),  # xml, jsonld and trig: the core round trips, collected above
])
def test_export_equals_the_embedded_store(
    remote_kg: KnowledgeGraph, embedded_kg: KnowledgeGraph, fmt: str, rdflib_format: str
) -> None:
    def parsed(data: bytes) -> rdflib.Graph:
        if fmt in ("nq", "trig"):
            dataset = rdflib.Dataset()
            dataset.parse(data=data, format=rdflib_format)
            graph = rdflib.Graph()
            for s, p, o, _ in dataset.quads():
                graph.add((s, p, o))
            return graph
        return rdflib.Graph().parse(data=data, format=rdflib_format)

    remote, local = parsed(remote_kg.export(fmt)), parsed(embedded_kg.export(fmt))
    assert len(remote) == len(local) == len(embedded_kg)
    assert isomorphic(remote, local)  # blank nodes included (the ontology's owl:oneOf lists)


@pytest.mark.parametrize(
    "pattern",
    [
        (None, None, None),
        (CKR.Azerbaijan, None, None),
        (None, CKG.alliedWith, None),
        (None, None, CKR.Turkey),
        (CKR.Azerbaijan, CKG.alliedWith, None),
        (None, rdflib.RDFS.label, Literal("Azerbaijan", lang="en")),
        (CKR.Azerbaijan, CKG.alliedWith, CKR.Turkey),
        (CKR.Turkey, CKG.alliedWith, CKR.Atlantis),
        (URIRef("http://example.org/nothing"), None, None),
    ],
)
def test_triple_patterns_equal_the_embedded_store(
    remote_kg: KnowledgeGraph, embedded_kg: KnowledgeGraph, pattern: tuple
) -> None:
    remote = list(remote_kg.triples(pattern))
    local = list(embedded_kg.triples(pattern))

    def key(triples: list) -> list:  # blank node labels differ between stores
        return sorted(tuple("_:" if isinstance(t, BNode) else repr(t) for t in triple) for triple in triples)

    assert key(remote) == key(local)
    assert all(isinstance(t, (URIRef, BNode, Literal)) for triple in remote for t in triple)


def test_a_partly_read_pattern_frees_its_connection(remote_kg: KnowledgeGraph) -> None:
    for _ in range(50):  # stop after one triple of a long answer, again and again
        next(iter(remote_kg.triples((None, None, None))))
    assert len(remote_kg) > 1000
    assert len(remote_kg._backend._query._pool) <= 32


def test_rdflib_view_is_live_and_reads_the_default_graph(remote_kg: KnowledgeGraph) -> None:
    graph = remote_kg.rdflib_graph
    assert len(graph) == len(remote_kg)
    assert (CKR.Azerbaijan, CKG.alliedWith, CKR.Turkey) in graph
    rows = list(graph.query("SELECT ?o WHERE { ?s ckg:alliedWith ?o }", initNs=PREFIXES))
    assert {str(r[0]) for r in rows} >= {str(CKR.Turkey)}


def test_concurrent_readers_share_the_pool(remote_kg: KnowledgeGraph, embedded_kg: KnowledgeGraph) -> None:
    query = "SELECT ?s ?label WHERE { ?s a ckg:Country ; rdfs:label ?label } ORDER BY ?s ?label"
    expected = embedded_kg.query(query).rows
    failures: list[object] = []

    def read() -> None:
        for _ in range(10):
            try:
                if remote_kg.query(query).rows != expected:
                    failures.append("different rows")
                if remote_kg.entity("Dyumin").id != "Alexei_Dyumin":
                    failures.append("different entity")
            except Exception as exc:  # noqa: BLE001 - collected for the assertion
                failures.append(exc)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []


def test_projection_equals_the_embedded_store(remote_kg: KnowledgeGraph, embedded_kg: KnowledgeGraph) -> None:
    projection = pytest.importorskip("caucasus_kg.graph.projection")
    remote, local = projection.to_networkx(remote_kg), projection.to_networkx(embedded_kg)
    assert dict(remote.nodes(data=True)) == dict(local.nodes(data=True))
    assert sorted(remote.edges(keys=True, data=True), key=repr) == sorted(local.edges(keys=True, data=True), key=repr)


# ---------------------------------------------------------------------- writes


def test_open_initialises_an_empty_server_with_the_bundled_graph(oxigraph_rw, embedded_kg: KnowledgeGraph) -> None:
    oxigraph_rw.update("DROP ALL")
    with KnowledgeGraph.open(sparql_endpoint=oxigraph_rw.query_url, update_endpoint=oxigraph_rw.update_url) as kg:
        assert len(kg) == len(embedded_kg)
    # An existing store is used as it is: opening again adds nothing.
    with KnowledgeGraph.open(sparql_endpoint=oxigraph_rw.query_url, update_endpoint=oxigraph_rw.update_url) as kg:
        assert len(kg) == len(embedded_kg)


def test_from_settings_and_environment(oxigraph, embedded_kg: KnowledgeGraph) -> None:
    settings = Settings.from_env({"CKG_SPARQL_ENDPOINT": oxigraph.query_url, "CKG_QUERY_TIMEOUT": "7"})
    with KnowledgeGraph.from_settings(settings) as kg:
        assert kg.backend_name == "remote" and len(kg) == len(embedded_kg)
        assert kg._backend.timeout == 7.0 and not kg._backend.writable
        assert kg.entity("Dyumin").label == "Alexei Dyumin"


def test_add_claim_is_atomic(fresh_remote_kg: KnowledgeGraph) -> None:
    kg = fresh_remote_kg
    before, version = len(kg), kg.version
    with pytest.raises(QuoteNotFound):
        kg.add_claim("Russia", "cooperatesWith", "Azerbaijan", source=ARTICLE, quote="words nobody wrote")
    assert (len(kg), kg.version) == (before, version)
    claim = kg.add_claim("Russia", "cooperatesWith", "Azerbaijan", source=ARTICLE, quote="cooperation in the energy sector")
    assert len(kg) == before + 12 and kg.version > version  # the asserted triple and the claim node's 11
    assert claim in kg.claims(subject="Russia", predicate="cooperatesWith")
    assert kg.source_text(ARTICLE)[claim.quote_start : claim.quote_end] == claim.quote


def test_update_is_one_transaction_on_the_server(fresh_remote_kg: KnowledgeGraph) -> None:
    kg = fresh_remote_kg
    before = len(kg)
    with pytest.raises(QueryError, match="malformed or refused SPARQL update"):
        kg.update("INSERT DATA { ckr:A ckg:alliedWith ckr:B } ; INSERT DATA { ckr:C ckg:alliedWith <oops }")
    assert len(kg) == before
    kg.update("INSERT DATA { ckr:A ckg:alliedWith ckr:B } ; DELETE DATA { ckr:Azerbaijan ckg:alliedWith ckr:Turkey }")
    assert len(kg) == before
    assert kg.query("ASK { ckr:A ckg:alliedWith ckr:B }").boolean
    assert not kg.query("ASK { ckr:Azerbaijan ckg:alliedWith ckr:Turkey }").boolean


def test_blank_nodes_keep_their_identity_within_one_add(fresh_remote_kg: KnowledgeGraph) -> None:
    kg = fresh_remote_kg
    node = BNode()
    kg.add_triples([(CKR.X, CKG.note, node), (node, rdflib.RDFS.label, Literal("inner"))])
    rows = kg.query("SELECT ?label WHERE { ckr:X ckg:note ?n . ?n rdfs:label ?label }").values()
    assert rows == [{"label": "inner"}]
    (stored,) = [o for _, _, o in kg.triples((CKR.X, CKG.note, None))]
    before = len(kg)
    with pytest.raises(InvalidArgument, match="blank node"):
        kg.remove_triples([(CKR.X, CKG.note, CKR.Y), (CKR.X, CKG.note, stored)])
    assert len(kg) == before  # nothing removed, not even the named triple
    with pytest.raises(InvalidArgument, match="blank node"):
        list(kg.triples((stored, None, None)))


def test_named_graphs_and_protocol_dataset(oxigraph_rw) -> None:
    oxigraph_rw.update("DROP ALL")
    graph = "http://example.org/graph/extra"
    with KnowledgeGraph.open(sparql_endpoint=oxigraph_rw.query_url, update_endpoint=oxigraph_rw.update_url) as kg:
        oxigraph_rw.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/a> <http://example.org/p> 1 }} }}")
        assert kg.named_graphs() == {graph}
        assert len(kg.query(f"SELECT * FROM <{graph}> WHERE {{ ?s ?p ?o }}").rows) == 1
        if "default_graph_uris" in inspect.signature(kg.query).parameters:
            rows = kg.query("SELECT * WHERE { ?s ?p ?o }", default_graph_uris=[graph]).rows
            assert len(rows) == 1
        assert b"http://example.org/graph/extra" in kg.export("nq")
        assert b"http://example.org/graph/extra" not in kg.export("nt")


# ---------------------------------------------------------------------- errors


def test_malformed_query_carries_the_servers_message(remote_kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match=r"malformed or refused SPARQL query: error at 1:.*\(HTTP 400 from http://127"):
        remote_kg.query("SELECT * WHERE { ?s ?p }")


def test_unreachable_server_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{server.free_port()}/query"
    with pytest.raises(QueryError, match=r"cannot reach the SPARQL query endpoint http://127\.0\.0\.1:\d+/query: connection refused"):
        KnowledgeGraph.open(sparql_endpoint=url)
    backend = RemoteBackend(url)
    with pytest.raises(QueryError, match="connection refused"):
        len(backend)
    kg = KnowledgeGraph(backend)
    with pytest.raises(QueryError, match="connection refused"):
        kg.query("ASK {}")


def test_read_only_server_refuses_writes(oxigraph) -> None:
    with KnowledgeGraph.open(sparql_endpoint=oxigraph.query_url) as kg:
        with pytest.raises(ReadOnlyError, match="no SPARQL update endpoint"):
            kg.add_entity("Atlantis", "Country")
        with pytest.raises(ReadOnlyError):
            kg.update("INSERT DATA { ckr:A ckg:alliedWith ckr:B }")
        assert not kg.query("ASK { ckr:A ckg:alliedWith ckr:B }").boolean


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"query_endpoint": "ftp://example.org/sparql"}, InvalidArgument, "http"),
        ({"query_endpoint": "not a url"}, InvalidArgument, "http"),
        ({"query_endpoint": "http://127.0.0.1:1/q", "timeout": 0}, InvalidArgument, "positive"),
    ],
)
def test_bad_configuration(kwargs: dict, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        RemoteBackend(**kwargs)


def test_store_and_endpoint_exclude_each_other(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="not both"):
        KnowledgeGraph.open(store=tmp_path, sparql_endpoint="http://127.0.0.1:1/query")


@pytest.mark.parametrize(
    ("answer", "call", "error", "words"),
    [
        ({"status": 500, "body": "the disk is on fire"}, "query", QueryError, r"failed \(HTTP 500\): the disk is on fire"),
        ({"status": 503, "body": ""}, "len", QueryError, r"HTTP 503"),
        ({"status": 200, "body": "<html>hi</html>", "content_type": "text/html"}, "query", QueryError, "text/html"),
        ({"status": 200, "body": "?s\n<broken", "content_type": "text/tab-separated-values"}, "query", QueryError, "unreadable"),
        ({"status": 401, "body": "who are you"}, "add", ReadOnlyError, r"refused the write \(HTTP 401\): who are you"),
        ({"status": 400, "body": "no such thing"}, "add", QueryError, r"refused SPARQL update: no such thing \(HTTP 400"),
    ],
)
def test_http_errors_become_domain_errors(answer: dict, call: str, error: type, words: str) -> None:
    with server.stub_server(**answer) as stub:
        backend = RemoteBackend(stub.url, stub.url, timeout=5)
        with pytest.raises(error, match=words):
            if call == "query":
                KnowledgeGraph(backend).query("SELECT * WHERE { ?s ?p ?o }")
            elif call == "len":
                len(backend)
            else:
                backend.add([(CKR.A, CKG.alliedWith, CKR.B)])
        backend.close()


def test_credentials_are_sent_but_never_shown() -> None:
    with server.stub_server(status=500, body="nope") as stub:
        backend = RemoteBackend(stub.url.replace("http://", "http://alice:s3cret@"))
        assert backend._query.headers["Authorization"].startswith("Basic ")
        with pytest.raises(QueryError) as info:
            len(backend)
        assert "s3cret" not in str(info.value) and "alice" not in str(info.value)
        assert "s3cret" not in repr(backend)


def test_a_hanging_server_times_out_and_frees_the_worker() -> None:
    with server.stub_server(delay=60) as stub:
        kg = KnowledgeGraph(RemoteBackend(stub.url, timeout=0.5))
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            kg.query("SELECT * WHERE { ?s ?p ?o }", timeout=0.5)
        assert time.monotonic() - started < 3
        # The watchdog closed the socket: the worker thread is free again well before the server answers.
        deadline = time.monotonic() + 3
        while kg._backend._watchdog._items and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not kg._backend._watchdog._items
        with pytest.raises(QueryTimeout):
            len(kg._backend)  # no deadline of its own: the backend's timeout
        kg.close()


def test_a_slow_query_on_the_real_server_times_out(remote_kg: KnowledgeGraph) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        remote_kg.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=0.5, max_rows=10**12)
    assert time.monotonic() - started < 3
    assert remote_kg.query("ASK { ckr:Azerbaijan ckg:alliedWith ckr:Turkey }").boolean  # still answering
