"""The page functions over a KnowledgeGraph: each page draws exactly its view, escapes every data string."""

from __future__ import annotations

import doctest
import importlib

import pytest

from caucasus_kg import viz
from caucasus_kg.graph import EntityNotFound, InvalidArgument, NoPath
from caucasus_kg.graph import analysis

from .safety import check_page

AZ = "https://w3id.org/caucasus-kg/id/Azerbaijan"
TR = "https://w3id.org/caucasus-kg/id/Turkey"


def _pages(kg):
    """(name, html, expected node count, expected edge count) of every network page."""
    graph = viz.graph_network(kg)
    hostile = viz.graph_network(kg, polarity="hostile")
    ego = viz.entity_network(kg, "Azerbaijan", depth=1)
    path, _ = viz.path_network(kg, "Dyumin", "Turkey")
    cview, _, _ = viz.centrality_network(kg, metric="pagerank")
    return [
        ("graph", viz.graph_page(kg), graph),
        ("graph-hostile", viz.graph_page(kg, polarity=["hostile"]), hostile),
        ("entity", viz.entity_page(kg, "Azerbaijan"), ego),
        ("path", viz.path_page(kg, "Dyumin", "Turkey"), path),
        ("centrality", viz.centrality_page(kg, metric="pagerank"), cview),
    ]


@pytest.mark.parametrize("links", [viz.OFFLINE, viz.Links()], ids=["offline", "served"])
def test_network_pages_draw_their_view(hostile_kg, links, parse):
    for name, html, view in _pages(hostile_kg):
        data = check_page(parse(html), html=html)
        assert len(data["nodes"]) == view.number_of_nodes(), name
        assert len(data["edges"]) == view.number_of_edges(), name


def test_whole_graph_is_the_projection_without_entailed_edges(bundled_kg):
    G = analysis.to_networkx(bundled_kg)
    view = viz.graph_network(bundled_kg)
    assert view.number_of_nodes() == G.number_of_nodes()
    assert view.number_of_edges() == sum(1 for *_, d in G.edges(data=True) if not d["entailed"])


def test_three_relations_between_azerbaijan_and_turkey_stay_three(hostile_kg):
    for view in (viz.graph_network(hostile_kg), viz.entity_network(hostile_kg, "Turkey")):
        assert sorted(view.succ[AZ][TR]) == sorted(
            f"https://w3id.org/caucasus-kg/ontology#{r}" for r in ("alliedWith", "cooperatesWith", "economicTiesWith")
        )
    data = viz.network_data(viz.graph_network(hostile_kg))
    ids = {n["title"].split("  ·  ")[1].split("\n")[0]: n["id"] for n in data["nodes"]}
    assert sum(1 for e in data["edges"] if {e["from"], e["to"]} == {ids[AZ], ids[TR]}) == 3


def test_entity_network_matches_neighbourhood(bundled_kg):
    sub = analysis.neighbourhood(bundled_kg, "Russia", depth=2)
    view = viz.entity_network(bundled_kg, "Russia", depth=2)
    assert set(view.nodes) == {n.iri for n in sub.nodes}
    assert view.number_of_edges() == len(sub.edges)


def test_entity_page_lists_facts_with_verbatim_quotes(bundled_kg):
    html = viz.entity_page(bundled_kg, "Azerbaijan", links=viz.Links())
    facts = bundled_kg.facts("Azerbaijan")
    from markupsafe import escape

    for fact in facts:
        for claim in fact.claims:
            assert str(escape(claim.quote)) in html
    assert "/viz/source/000_4fb1f75b4de7c57b?start=" in html
    assert "https://www.wikidata.org/wiki/Q227" in html


def test_hostile_entity_page(hostile_kg, hostile, parse):
    for ref in hostile.ENTITY_IDS.values():
        html = viz.entity_page(hostile_kg, ref, links=viz.Links())
        data = check_page(parse(html), html=html)
        labels = {n["label"] for n in data["nodes"]}
        assert labels & set(hostile.PAYLOADS)


def test_path_page_highlights_the_paths(bundled_kg):
    H, paths = viz.path_network(bundled_kg, "Dyumin", "Turkey", k=2)
    on_path = {(u, v) for u, v, d in H.edges(data=True) if d.get("on_path")}
    for p in paths:
        for a, b in zip(p.nodes, p.nodes[1:]):
            assert (a.iri, b.iri) in on_path or (b.iri, a.iri) in on_path
    keyed = [(u, v, k) for u, v, k, d in H.edges(keys=True, data=True) if d.get("on_path")]
    data = viz.network_data(H, highlight_edges=keyed)
    assert sum(1 for e in data["edges"] if e.get("highlight")) == len(keyed) > 0
    # The page draws the same highlighted edges.
    html = viz.path_page(bundled_kg, "Dyumin", "Turkey", k=2)
    assert html.count('"highlight":true') + html.count('"highlight": true') == len(keyed)
    quotes = [c.quote for p in paths for s in p.steps for e in s.edges for c in e.evidence]
    titles = " ".join(e["title"] for e in data["edges"])
    assert quotes and all(q in titles for q in quotes)


def test_centrality_page_sizes_and_colours(bundled_kg):
    view, scores, groups = viz.centrality_network(bundled_kg, metric="degree")
    assert set(scores) >= set(view.nodes)
    assert set(groups) == set(view.nodes)
    html = viz.centrality_page(bundled_kg, metric="degree")
    assert "community 1" in html and "Top 15" in html


def test_filters_reach_the_analytics(bundled_kg):
    view = viz.graph_network(bundled_kg, polarity="hostile", types=["Country"], include_undated=True)
    assert {d["polarity"] for *_, d in view.edges(data=True)} == {"hostile"}
    dated = viz.graph_network(bundled_kg, start="2018", end="2020", include_undated=False)
    assert 0 < dated.number_of_edges() < viz.graph_network(bundled_kg).number_of_edges()


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda kg: viz.entity_page(kg, "Nobody at all"), EntityNotFound),
        (lambda kg: viz.entity_page(kg, "Azerbaijan", depth=9), InvalidArgument),
        (lambda kg: viz.path_page(kg, "Georgia", "Nobody at all"), EntityNotFound),
        (lambda kg: viz.path_page(kg, "Dyumin", "Turkey", relations=["capitalOf"]), NoPath),
        (lambda kg: viz.path_page(kg, "Dyumin", "Turkey", k=0), InvalidArgument),
        (lambda kg: viz.centrality_page(kg, metric="fame"), InvalidArgument),
        (lambda kg: viz.graph_page(kg, polarity="angry"), InvalidArgument),
        (lambda kg: viz.graph_page(kg, start="20xx"), InvalidArgument),
        (lambda kg: viz.graph_page(kg, colour="red"), InvalidArgument),
        (lambda kg: viz.source_page(kg, "no-such-source"), EntityNotFound),
        (lambda kg: viz.source_page(kg, "000_4fb1f75b4de7c57b", start=5), InvalidArgument),
        (lambda kg: viz.source_page(kg, "000_4fb1f75b4de7c57b", start=5, end=10**9), InvalidArgument),
    ],
)
def test_errors_are_core_exceptions(bundled_kg, call, error):
    with pytest.raises(error):
        call(bundled_kg)


def test_home_page(hostile_kg, hostile, parse):
    html = viz.home_page(hostile_kg, q="script", links=viz.Links())
    check_page(parse(html), html=html)
    assert "/viz/entity/Hostile_Script" in html
    stats = hostile_kg.stats()
    assert f'<div class="n">{stats.entities}</div>' in html
    html = viz.home_page(hostile_kg, q=hostile.SCRIPT, links=viz.Links())
    check_page(parse(html), html=html)


def test_query_page(parse):
    html = viz.query_page(query="SELECT * WHERE { ?s ?p '</textarea><script>alert(1)</script>' }")
    doc = parse(html)
    data = check_page(doc, html=html)
    assert data["endpoint"] == "/sparql" and len(data["examples"]) == len(viz.EXAMPLE_QUERIES)
    assert "&lt;/textarea&gt;&lt;script&gt;" in html
    offline = viz.query_page(links=viz.OFFLINE)
    assert check_page(parse(offline), html=offline)["endpoint"] is None


def test_example_queries_run(bundled_kg):
    for title, sparql in viz.EXAMPLE_QUERIES:
        result = bundled_kg.query(sparql)
        assert result.boolean is True or len(result) > 0, title


def test_source_page_marks_the_quote(hostile_kg, hostile, parse):
    text = hostile_kg.source_text("hostile_source")
    start = text.index(hostile.SCRIPT)
    html = viz.source_page(hostile_kg, "hostile_source", start=start, end=start + len(hostile.SCRIPT), links=viz.Links())
    check_page(parse(html), html=html)
    from markupsafe import escape

    assert f'<mark class="ckg-mark" id="quote">{escape(hostile.SCRIPT)}</mark>' in html


def test_layout_is_cached_per_view_and_version(hostile):
    kg = hostile.build()
    calls = []
    import caucasus_kg.viz.layout as layout

    original = layout.compute_layout

    def counting(graph, **kw):
        calls.append(graph.number_of_nodes())
        return original(graph, **kw)

    layout.compute_layout = counting
    try:
        viz.graph_page(kg)
        viz.graph_page(kg)
        viz.centrality_page(kg)  # same view as the whole graph: same positions
        assert len(calls) == 1
        viz.graph_page(kg, polarity="hostile")
        assert len(calls) == 2
        kg.add_entity("Somebody New", "Person")
        viz.graph_page(kg)
        assert len(calls) == 3
    finally:
        layout.compute_layout = original


@pytest.mark.parametrize(
    "module",
    ["assets", "escape", "layout", "notebook", "pages", "render", "style", "templating"],
)
def test_doctests(module):
    mod = importlib.import_module(f"caucasus_kg.viz.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


@pytest.mark.parametrize(("quoted", "per_edge", "expect"), [(5000, 300, "quotes"), (0, 300, "quotes"), (0, 0, "count")])
def test_tooltips_quote_or_count_claims(bundled_kg, monkeypatch, quoted, per_edge, expect):
    """All quotes from one query, or per edge for small views of large graphs, or just a count."""
    import caucasus_kg.viz.pages as pages

    monkeypatch.setattr(pages, "_QUOTED_EDGES_MAX", quoted)
    monkeypatch.setattr(pages, "_PER_EDGE_MAX", per_edge)
    view = viz.entity_network(bundled_kg, "Turkey", polarity="cooperative")
    data = viz.network_data(view)
    titles = sorted(e["title"] for e in data["edges"])
    if expect == "quotes":
        assert any("Turkey, a key ally of Azerbaijan" in t for t in titles)
    else:
        assert all("claim" in t.splitlines()[-1] and "“" not in t for t in titles)
