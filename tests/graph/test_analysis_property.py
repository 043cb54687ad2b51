"""Property: on random small graphs, reachability through the projection equals reachability
through a SPARQL property path, directed and undirected, with a relation filter, on both backends."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, Literal

from caucasus_kg.graph import KnowledgeGraph, NoPath
from caucasus_kg.graph import analysis
from caucasus_kg.ontology import CKG, CKR, ONTOLOGY_PATH

# (relation, symmetric in the ontology)
RELATIONS = [("alliedWith", True), ("tensionsWith", True), ("criticised", False), ("pressed", False),
             ("envoyTo", False)]
SYMMETRIC = {name for name, sym in RELATIONS if sym}


_GRAPHS: dict[str, KnowledgeGraph] = {}


def empty_kg(backend: str) -> KnowledgeGraph:
    """A graph holding only the ontology; each example adds its triples and removes them."""
    if backend not in _GRAPHS:
        _GRAPHS[backend] = KnowledgeGraph.open(ONTOLOGY_PATH, backend=backend)
    return _GRAPHS[backend]


graphs = st.integers(min_value=2, max_value=7).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from([r for r, _ in RELATIONS]), st.integers(0, n - 1)),
                 max_size=14),
        st.sets(st.sampled_from([r for r, _ in RELATIONS]), min_size=1),
        st.integers(0, n - 1),
        st.integers(0, n - 1),
    )
)


def sparql_reachable(kg: KnowledgeGraph, sources: list, relations: set[str], directed: bool) -> dict[str, set[str]]:
    """source IRI -> the IRIs reachable from it in one or more steps (itself excluded), by a property path."""
    steps = []
    for name in sorted(relations):
        steps.append(f"ckg:{name}")
        if not directed or name in SYMMETRIC:
            steps.append(f"^ckg:{name}")
    values = " ".join(f"<{s}>" for s in sources)
    path = "|".join(steps)
    rows = kg.query(f"SELECT DISTINCT ?a ?b WHERE {{ VALUES ?a {{ {values} }} ?a ({path})+ ?b . FILTER(?b != ?a) }}")
    found: dict[str, set[str]] = {str(s): set() for s in sources}
    for a, b in rows.rows:
        found[str(a)].add(str(b))
    return found


@settings(max_examples=30, deadline=None)
@given(graphs)
def test_projection_reachability_equals_sparql_property_paths(case) -> None:
    check_reachability(empty_kg("oxigraph"), case)


@settings(max_examples=4, deadline=None)  # rdflib's Memory store re-reads the ontology slowly after each change
@given(graphs)
def test_projection_reachability_equals_sparql_property_paths_memory_backend(case) -> None:
    check_reachability(empty_kg("memory"), case)


def check_reachability(empty_kg: KnowledgeGraph, case) -> None:
    n, edges, subset, a, b = case
    nodes = [CKR[f"N{i}"] for i in range(n)]
    triples = [(node, RDF.type, CKG.Country) for node in nodes]
    triples += [(node, RDFS.label, Literal(f"Node {i}", lang="en")) for i, node in enumerate(nodes)]
    triples += [(nodes[s], CKG[r], nodes[o]) for s, r, o in edges]
    empty_kg.add_triples(triples)
    try:
        for directed in (True, False):
            expected = sparql_reachable(empty_kg, nodes, subset, directed)
            for source in nodes:
                sub = analysis.neighbourhood(empty_kg, str(source), depth=n, relations=sorted(subset),
                                             direction="out" if directed else "both")
                assert {node.iri for node in sub.nodes} - {str(source)} == expected[str(source)]
            # a path exists exactly when the target is reachable, and it only uses the relations asked for
            source, target = str(nodes[a]), str(nodes[b])
            if a == b:
                continue
            reachable = target in expected[source]
            try:
                path = analysis.shortest_path(empty_kg, source, target, relations=sorted(subset), directed=directed)
            except NoPath:
                assert not reachable
            else:
                assert reachable
                assert {e.predicate.rsplit("#", 1)[1] for s in path.steps for e in s.edges} <= subset
                assert path.length == len(path.steps) >= 1
    finally:
        empty_kg.remove_triples(triples)
