"""A real uvicorn server on a free loopback port, queried by SPARQLWrapper (JSON, XML, CSV, TSV), rdflib's
SPARQLStore, and plain httpx for every content type and error code of the protocol tests."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

from .conftest import TURKEY
from .test_sparql_protocol import CONSTRUCT, ERRORS, GRAPH_TYPES, SELECT_TYPES, parse_rows

PREFIXED = ("PREFIX ckg: <https://w3id.org/caucasus-kg/ontology#> PREFIX ckr: <https://w3id.org/caucasus-kg/id/> "
            "SELECT ?ally WHERE { ckr:Azerbaijan ckg:alliedWith ?ally }")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(live_url: str, method: str) -> None:
    sparql = SPARQLWrapper(f"{live_url}/sparql")
    sparql.setMethod(method)
    sparql.setQuery(PREFIXED)
    sparql.setReturnFormat(JSON)
    result = sparql.queryAndConvert()
    assert [b["ally"]["value"] for b in result["results"]["bindings"]] == [TURKEY]


def test_sparqlwrapper_xml_csv_tsv(live_url: str) -> None:
    sparql = SPARQLWrapper(f"{live_url}/sparql")
    sparql.setQuery(PREFIXED)
    sparql.setReturnFormat(XML)
    document = sparql.queryAndConvert()  # an xml.dom.minidom document
    assert [n.firstChild.data for n in document.getElementsByTagName("uri")] == [TURKEY]
    sparql.setReturnFormat(CSV)
    assert sparql.queryAndConvert().decode().splitlines() == ["ally", TURKEY]
    sparql.setReturnFormat(TSV)
    assert sparql.queryAndConvert().decode().splitlines() == ["?ally", f"<{TURKEY}>"]


def test_sparqlwrapper_construct_and_ask(live_url: str) -> None:
    sparql = SPARQLWrapper(f"{live_url}/sparql")
    sparql.setQuery("PREFIX ckg: <https://w3id.org/caucasus-kg/ontology#> CONSTRUCT WHERE { ?a ckg:alliedWith ?b }")
    graph = sparql.queryAndConvert()  # SPARQLWrapper asks for RDF/XML and parses it with rdflib
    assert isinstance(graph, Graph) and len(graph) >= 1
    sparql.setQuery("ASK { ?s ?p ?o }")
    sparql.setReturnFormat(JSON)
    assert sparql.queryAndConvert()["boolean"] is True


def test_rdflib_sparqlstore(live_url: str) -> None:
    graph = Graph(SPARQLStore(f"{live_url}/sparql", returnFormat="json"))
    rows = list(graph.query(PREFIXED))
    assert [str(row.ally) for row in rows] == [TURKEY]
    az = URIRef("https://w3id.org/caucasus-kg/id/Azerbaijan")
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    assert Literal("Azerbaijan", lang="en") in set(graph.objects(az, label))
    xml_store = Graph(SPARQLStore(f"{live_url}/sparql"))  # rdflib's default: SPARQL XML results
    assert [str(row.ally) for row in xml_store.query(PREFIXED)] == [TURKEY]


@pytest.mark.parametrize(("accept", "media", "fmt"), SELECT_TYPES)
def test_http_select_types(live_url: str, accept: str | None, media: str, fmt: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(f"{live_url}/sparql", params={"query": PREFIXED}, headers=headers, timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == media
    assert [r["ally"].strip("<>") for r in parse_rows(response.content, fmt)] == [TURKEY]


@pytest.mark.parametrize(("accept", "media", "fmt"), GRAPH_TYPES)
def test_http_graph_types(live_url: str, accept: str | None, media: str, fmt: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.post(f"{live_url}/sparql", content=CONSTRUCT.encode(),
                          headers={**headers, "Content-Type": "application/sparql-query"}, timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == media
    assert len(Graph().parse(data=response.content, format=fmt)) >= 1


@pytest.mark.parametrize(("what", "request_kwargs", "status", "code", "words"), ERRORS, ids=[e[0] for e in ERRORS])
def test_http_errors(live_url: str, what: str, request_kwargs: dict, status: int, code: str, words: str) -> None:
    kwargs = dict(request_kwargs)
    with httpx.Client(base_url=live_url, timeout=30) as client:
        response = client.request(kwargs.pop("method"), "/sparql", **kwargs)
    assert response.status_code == status
    assert json.load(io.BytesIO(response.content))["error"]["code"] == code
