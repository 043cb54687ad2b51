"""Static SPARQL inspection: what reaches outside the store is refused, nothing else is."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caucasus_kg.graph import QueryError, QueryRefused
from caucasus_kg.graph.sparql_guard import check_query, inspect_sparql, query_form


def _check(sparql: str, *, update: bool = False, known: set[str] = frozenset()) -> object:
    return check_query(sparql, allow_outside=False, known_graphs=lambda: set(known), update=update)


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://x/> { ?s ?p ?o } }",
        "PREFIX x: <http://x/> SELECT * WHERE { SeRvIcE x:endpoint { ?s ?p ?o } }",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "PREFIX f: <file:///etc/> SELECT * FROM f:passwd WHERE { ?s ?p ?o }",
        "# comment\nSELECT * WHERE { ?s ?p ?o SERVICE <http://x/> { } }",
    ],
)
def test_outside_queries_refused(sparql: str) -> None:
    with pytest.raises(QueryRefused):
        _check(sparql)


@pytest.mark.parametrize(
    "sparql",
    [
        "LOAD <file:///etc/passwd>",
        "LOAD SILENT <http://127.0.0.1:9/data.ttl> INTO GRAPH <http://g/>",
        "DELETE { ?s ?p ?o } USING <http://outside/g> WHERE { ?s ?p ?o }",
    ],
)
def test_outside_updates_refused(sparql: str) -> None:
    with pytest.raises(QueryRefused):
        _check(sparql, update=True)


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { ?s ?p 'SERVICE <http://x/>' }",
        'SELECT * WHERE { ?s ?p """LOAD <file:///etc/passwd>""" }',
        "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:SERVICE ?o . ?s ex:from ?load }",
        "SELECT ?service ?from WHERE { ?service ?from ?o } # SERVICE <http://x/>",
        "SELECT * WHERE { ?s <http://x/SERVICE> ?o FILTER(?o < 3) }",
    ],
)
def test_keywords_in_strings_iris_names_and_comments_are_fine(sparql: str) -> None:
    assert _check(sparql).form == "SELECT"


def test_known_named_graph_allowed() -> None:
    assert _check("SELECT * FROM <http://g/1> WHERE { ?s ?p ?o }", known={"http://g/1"}).dataset_graphs == ("http://g/1",)


def test_allow_outside_lets_everything_through() -> None:
    shape = check_query("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", allow_outside=True, known_graphs=set, update=False)
    assert shape.uses_service


@pytest.mark.parametrize(
    ("sparql", "form"),
    [
        ("PREFIX a: <http://a/> ASK { ?s ?p ?o }", "ASK"),
        ("construct { ?s ?p ?o } where { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://a/b>", "DESCRIBE"),
        ("BASE <http://a/> SELECT * { ?s ?p ?o }", "SELECT"),
        ("INSERT DATA { <http://a/s> <http://a/p> 1 }", "UPDATE"),
        ("WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "UPDATE"),
    ],
)
def test_query_form(sparql: str, form: str) -> None:
    assert query_form(sparql) == form


def test_mismatched_kind() -> None:
    with pytest.raises(QueryError):
        _check("INSERT DATA { <http://a/s> <http://a/p> 1 }")
    with pytest.raises(QueryError):
        _check("SELECT * { ?s ?p ?o }", update=True)
    with pytest.raises(QueryError):
        inspect_sparql("hello world")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_inspection_never_crashes(text: str) -> None:
    try:
        inspect_sparql(text)
    except QueryError:
        pass


@given(st.text(alphabet=st.characters(blacklist_characters="'\\\n\r", blacklist_categories=("Cs",)), max_size=60))
def test_string_literals_never_trigger_refusal(content: str) -> None:
    assert not inspect_sparql(f"SELECT * WHERE {{ ?s ?p 'SERVICE {content} LOAD FROM' }}").uses_service


@pytest.mark.parametrize(
    ("sparql", "single"),
    [
        ("SELECT ?p ?o WHERE { ckr:E123 ?p ?o }", True),
        ("PREFIX x: <http://x/> select * { x:a a ?t . }", True),
        ("SELECT ?s { ?s rdfs:label 'Baku'@en-GB } LIMIT 5", True),
        ('SELECT ?s { ?s rdfs:label "1"^^xsd:int }', True),
        ("ASK { ?s ?p ?o }", True),
        ("SELECT ?s { ?s ?p 1 }", False),  # numbers are not parsed: no
        ("SELECT ?s { ?s ?p ?s }", False),  # a repeated variable filters inside the scan
        ("SELECT ?s { ?s ?p $s }", False),
        ("SELECT ?s { ?s ?p ?o } OFFSET 5", False),  # skipped rows are computed without being written
        ("SELECT ?s { ?s ?p ?o } ORDER BY ?s", False),
        ("SELECT DISTINCT ?s { ?s ?p ?o }", False),
        ("SELECT ?s { ?s ?p ?o FILTER(?o) }", False),
        ("SELECT ?s { ?s ?p ?o . ?o ?q ?r }", False),
        ("SELECT ?s { ?s ?p ?o ; ?q ?r }", False),
        ("SELECT ?s { ?s ?p ?o , ?r }", False),
        ("SELECT ?s { ?s ckg:a/ckg:b ?o }", False),
        ("SELECT ?s { ?s ckg:a* ?o }", False),
        ("SELECT ?s { ?s ^ckg:a ?o }", False),
        ("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", False),
        ("SELECT ?s FROM <http://x> { ?s ?p ?o }", False),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", False),
        ("SELECT ?s { GRAPH ?g { ?s ?p ?o } }", False),
        ("SELECT ?s { { ?s ?p ?o } }", False),
        ("SELECT ?s { ?s ?p ?o } LIMIT", False),
        ("SELECT ?s { ?s ?p ?o } VALUES ?s { 1 }", False),
        ("SELECT ?s { ?s ?p [ ?q ?r ] }", False),
        ("SELECT ?s { << ?a ?b ?c >> ?p ?o }", False),
        ("SELECT ?s { ?s ?p ?o \\u007D . ?o ?q ?r }", False),  # an escape that hides a second pattern
    ],
)
def test_single_pattern_queries(sparql: str, single: bool) -> None:
    """Only a query that is one lazy index scan may skip the worker processes (see KnowledgeGraph)."""
    assert check_query(sparql, allow_outside=True, known_graphs=set, update=False).single_pattern is single
