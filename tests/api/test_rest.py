"""The JSON API: entities, facts, statistics, export and the analytics routes. Each answer is compared with
the core call it wraps (through to_dict), so the routes are checked for wiring, filters and serialisation."""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from caucasus_kg.graph import KnowledgeGraph, to_dict
from caucasus_kg.graph import analysis as A

from .conftest import TURKEY

AZ = "https://w3id.org/caucasus-kg/id/Azerbaijan"


def ok(response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def test_entity_search(client: TestClient, bundled_kg: KnowledgeGraph) -> None:
    body = ok(client.get("/api/entities", params={"q": "azerb"}))
    assert body["query"] == "azerb" and body["count"] == len(body["results"]) >= 1
    assert body["results"] == to_dict(bundled_kg.find_entities("azerb", limit=50))
    assert body["results"][0]["iri"] == AZ
    by_alias = ok(client.get("/api/entities", params={"q": "the kremlin"}))
    assert by_alias["results"][0]["id"] == "Russia"


def test_entity_listing_with_type_and_limit(client: TestClient, bundled_kg: KnowledgeGraph) -> None:
    people = ok(client.get("/api/entities", params={"type": "Person", "limit": 3}))
    assert people["results"] == to_dict(bundled_kg.entities(types=["Person"])[:3])
    assert all("Person" in t for e in people["results"] for t in e["types"])


def test_entity_with_facts_in_and_out(client: TestClient, bundled_kg: KnowledgeGraph) -> None:
    body = ok(client.get("/api/entities/Azerbaijan"))
    assert body["entity"] == to_dict(bundled_kg.entity("Azerbaijan"))
    facts = to_dict(bundled_kg.facts("Azerbaijan"))
    assert sorted(map(json.dumps, body["outgoing"] + body["incoming"])) == sorted(map(json.dumps, facts))
    assert all(f["subject"]["iri"] == AZ for f in body["outgoing"])
    assert all(f["object"]["iri"] == AZ and f["subject"]["iri"] != AZ for f in body["incoming"])
    ally = next(f for f in body["outgoing"] if f["object"]["iri"] == TURKEY and f["predicate_label"] == "allied with")
    claim = ally["claims"][0]
    text = bundled_kg.source_text(claim["source"])
    assert text[claim["quote_start"]:claim["quote_end"]] == claim["quote"]  # provenance that checks out
    # the same entity by IRI and by label
    assert ok(client.get("/api/entities/Azerbaijan"))["entity"]["iri"] == ok(client.get(f"/api/entities/{AZ}"))["entity"]["iri"]


def test_facts_filters(client: TestClient, bundled_kg: KnowledgeGraph) -> None:
    allied = ok(client.get("/api/facts", params={"subject": "Azerbaijan", "predicate": "alliedWith"}))
    assert [f["object"]["iri"] for f in allied["facts"]] == [TURKEY]
    incoming = ok(client.get("/api/facts", params={"object": "Azerbaijan"}))
    assert incoming["facts"] == to_dict(bundled_kg.facts("Azerbaijan", direction="in"))
    pair = ok(client.get("/api/facts", params={"subject": "Azerbaijan", "object": "Turkey"}))
    assert pair["count"] >= 1 and all(f["object"]["iri"] == TURKEY for f in pair["facts"])
    by_predicate = ok(client.get("/api/facts", params={"predicate": "alliedWith"}))
    assert by_predicate["count"] >= 1
    assert all(f["predicate"].endswith("#alliedWith") and f["claims"] for f in by_predicate["facts"])


def test_stats(client: TestClient, bundled_kg: KnowledgeGraph) -> None:
    assert ok(client.get("/api/stats")) == to_dict(bundled_kg.stats())


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt"), ("xml", "xml")])
def test_export_rdf(client: TestClient, bundled_kg: KnowledgeGraph, fmt: str, rdflib_format: str) -> None:
    response = client.get("/api/export", params={"format": fmt})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert len(graph) == len(bundled_kg)
    assert (URIRef(AZ), URIRef("https://w3id.org/caucasus-kg/ontology#alliedWith"), URIRef(TURKEY)) in graph


@pytest.mark.parametrize(("fmt", "read"), [
    ("graphml", lambda data: nx.read_graphml(io.BytesIO(data))),
    ("gexf", lambda data: nx.read_gexf(io.BytesIO(data))),
    ("json", lambda data: nx.node_link_graph(json.loads(data), edges="edges")),
])
def test_export_network(client: TestClient, bundled_kg: KnowledgeGraph, fmt: str, read) -> None:
    graph = read(client.get("/api/export", params={"format": fmt}).content)
    expected = A.exportable_graph(bundled_kg)
    assert graph.number_of_nodes() == expected.number_of_nodes()
    assert graph.number_of_edges() == expected.number_of_edges()
    hostile = read(client.get("/api/export", params={"format": fmt, "polarity": "hostile"}).content)
    assert 0 < hostile.number_of_edges() < graph.number_of_edges()
    assert {d["polarity"] for _, _, d in hostile.edges(data=True)} == {"hostile"}


def test_paths(client: TestClient, bundled_kg: KnowledgeGraph) -> None:
    body = ok(client.get("/api/paths", params={"source": "Dyumin", "target": "Turkey", "k": 3}))
    expected = A.shortest_paths(bundled_kg, "Dyumin", "Turkey", k=3)
    assert body == {"count": len(expected), "paths": to_dict(expected)}
    steps = body["paths"][0]["steps"]
    assert steps[0]["source"]["label"] == "Alexei Dyumin" and steps[-1]["target"]["iri"] == TURKEY
    filtered = ok(client.get("/api/paths", params=[("source", "Dyumin"), ("target", "Turkey"), ("undirected", "true"),
                                                   ("relations", "participatedIn"), ("relations", "alliedWith")]))
    expected = A.shortest_paths(bundled_kg, "Dyumin", "Turkey", k=1, directed=False,
                                relations=["participatedIn", "alliedWith"])
    assert filtered["paths"] == to_dict(expected) and filtered["paths"][0]["directed"] is False
    assert filtered["paths"][0]["steps"][-1]["edges"][0]["evidence"][0]["quote"]
    hops = client.get("/api/paths", params={"source": "Dyumin", "target": "Turkey", "max_hops": 1})
    assert hops.status_code == 404 and hops.json()["error"]["code"] == "no_path"


def test_neighbours(client: TestClient, bundled_kg: KnowledgeGraph) -> None:
    body = ok(client.get("/api/neighbours/Turkey", params={"polarity": "cooperative"}))
    assert body == to_dict(A.neighbourhood(bundled_kg, "Turkey", polarity="cooperative"))
    deeper = ok(client.get("/api/neighbours/Turkey", params={"depth": 2}))
    assert len(deeper["nodes"]) > len(body["nodes"]) and max(n["distance"] for n in deeper["nodes"]) == 2


@pytest.mark.parametrize("params", [{}, {"metric": "degree", "top": 3, "type": "Person"},
                                    {"metric": "pagerank", "polarity": "cooperative"}])
def test_centrality(client: TestClient, bundled_kg: KnowledgeGraph, params: dict) -> None:
    body = ok(client.get("/api/centrality", params=params))
    metric = params.get("metric", "betweenness")
    filters = {"polarity": [params["polarity"]]} if "polarity" in params else {}
    expected = A.centrality(bundled_kg, metric, top=params.get("top", 10),
                            rank_types=[params["type"]] if "type" in params else None, **filters)
    assert body == {"metric": metric, "count": len(expected), "scores": to_dict(expected)}


def test_communities_balance_and_diff(client: TestClient, bundled_kg: KnowledgeGraph) -> None:
    assert ok(client.get("/api/communities", params={"min_size": 2})) == to_dict(A.communities(bundled_kg, min_size=2))
    assert ok(client.get("/api/balance")) == to_dict(A.structural_balance(bundled_kg))
    body = ok(client.get("/api/diff", params={"from": "2016", "to": "2019"}))
    assert body == to_dict(A.diff(bundled_kg, "2016", "2019"))
    assert body["before"] == "2016" and body["after"] == "2019"


def test_time_filters(client: TestClient, bundled_kg: KnowledgeGraph) -> None:
    as_of = ok(client.get("/api/neighbours/Armenia", params={"as_of": "2016", "include_undated": "false"}))
    assert as_of == to_dict(A.neighbourhood(bundled_kg, "Armenia", as_of="2016", include_undated=False))
    window = ok(client.get("/api/neighbours/Armenia", params={"from": "2018", "to": "2021", "include_undated": "false"}))
    assert window == to_dict(A.neighbourhood(bundled_kg, "Armenia", start="2018", end="2021", include_undated=False))
    assert as_of != window


@pytest.mark.parametrize(("url", "params", "status", "code"), [
    ("/api/entities/Nowhere", {}, 404, "entity_not_found"),
    ("/api/facts", {}, 400, "invalid_argument"),
    ("/api/facts", {"predicate": "likes"}, 400, "invalid_argument"),
    ("/api/paths", {"source": "Dyumin"}, 400, "invalid_argument"),
    ("/api/paths", {"source": "Dyumin", "target": "Turkey", "k": "many"}, 400, "invalid_argument"),
    ("/api/paths", {"source": "Dyumin", "target": "Nowhere"}, 404, "entity_not_found"),
    ("/api/neighbours/Turkey", {"direction": "up"}, 400, "invalid_argument"),
    ("/api/centrality", {"metric": "fame"}, 400, "invalid_argument"),
    ("/api/communities", {"method": "magic"}, 400, "invalid_argument"),
    ("/api/balance", {"mixed": "maybe"}, 400, "invalid_argument"),
    ("/api/diff", {"from": "2019"}, 400, "invalid_argument"),
    ("/api/diff", {"from": "last year", "to": "2020"}, 400, "invalid_argument"),
    ("/api/neighbours/Turkey", {"as_of": "yesterday"}, 400, "invalid_argument"),
    ("/api/export", {"format": "docx"}, 400, "invalid_argument"),
    ("/api/export", {"format": "ttl", "polarity": "hostile"}, 400, "invalid_argument"),
])
def test_errors(client: TestClient, url: str, params: dict, status: int, code: str) -> None:
    response = client.get(url, params=params)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize(("url", "params", "model"), [
    ("/api/paths", {"source": "Dyumin", "target": "Turkey", "k": 3, "undirected": "true"}, "PathsOut"),
    ("/api/neighbours/Turkey", {"depth": 2, "evidence": "true"}, "SubgraphOut"),
    ("/api/centrality", {}, "CentralityOut"),
    ("/api/communities", {}, "CommunitiesOut"),
    ("/api/balance", {}, "BalanceOut"),
    ("/api/diff", {"from": "2016", "to": "2019"}, "DiffOut"),
    ("/api/entities/Azerbaijan", {}, "EntityDetailOut"),
    ("/api/facts", {"predicate": "alliedWith"}, "FactListOut"),
])
def test_answers_match_their_documented_models(client: TestClient, url: str, params: dict, model: str) -> None:
    """The analytics routes send to_dict as it is (no per-request validation): the models must still fit."""
    from caucasus_kg.api import schemas

    body = ok(client.get(url, params=params))
    assert getattr(schemas, model).model_validate(body).model_dump(mode="json", exclude_unset=True) == body


def test_openapi_documents_the_routes(client: TestClient) -> None:
    spec = ok(client.get("/openapi.json"))
    for path in ("/sparql", "/store", "/api/entities", "/api/entities/{ref}", "/api/facts", "/api/paths",
                 "/api/neighbours/{ref}", "/api/centrality", "/api/communities", "/api/balance", "/api/diff",
                 "/api/stats", "/api/export"):
        assert path in spec["paths"], path
    assert "ErrorOut" in spec["components"]["schemas"]
