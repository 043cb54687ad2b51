"""render_html and network_data: escaping of every sink, faithful counts and multi-edges, no mutation, offline."""

from __future__ import annotations

import copy
import json
import pickle

import networkx as nx
import pytest

from caucasus_kg import viz
from caucasus_kg.viz.assets import asset
from caucasus_kg.viz.render import network_data

from .safety import check_page

SCRIPT = "</script><script>document.title='x'</script>"
IMG = "<img src=x onerror=alert(1)>"
HREF = "<a href='javascript:alert(1)'>click</a>"
PAYLOADS = [SCRIPT, IMG, HREF, "\u2028\u2029<!--", "\" onmouseover=\"alert(1)", "{{ 7*7 }}"]


def hostile_graph() -> nx.MultiDiGraph:
    """Every data field a page shows, each carrying a payload."""
    g = nx.MultiDiGraph()
    for i, payload in enumerate(PAYLOADS):
        g.add_node(
            f"https://w3id.org/caucasus-kg/id/{payload}{i}",
            label=payload,
            type=payload,
            wikidata=payload,
            aliases=(payload, HREF),
        )
    nodes = list(g.nodes)
    claim = {"quote": SCRIPT + IMG, "source_title": HREF, "source": "https://x/" + SCRIPT, "point_in_time": IMG,
             "modality": "expected"}
    for i, payload in enumerate(PAYLOADS):
        g.add_edge(nodes[i], nodes[(i + 1) % len(nodes)], key=payload, label=payload, polarity=payload,
                   claims=(claim, claim), start=SCRIPT)
    g.add_edge(nodes[0], nodes[0], key="self", label=SCRIPT, polarity="hostile")
    return g


@pytest.mark.parametrize("links", [viz.OFFLINE, viz.Links()], ids=["offline", "served"])
@pytest.mark.parametrize("physics", [True, False])
def test_hostile_strings_never_become_markup(links, physics, parse):
    g = hostile_graph()
    html = viz.render_html(g, title=SCRIPT + IMG, heading=HREF, links=links, physics=physics)
    doc = parse(html)
    data = check_page(doc, html=html)
    # The payloads are shown as text: the page's title, and in the data exactly as given.
    assert doc.title == SCRIPT + IMG + " · caucasus-kg"
    assert {n["label"] for n in data["nodes"]} == set(PAYLOADS)
    assert {e.get("label") for e in data["edges"]} == set(PAYLOADS) | {SCRIPT}
    assert all(SCRIPT in e["title"] for e in data["edges"][:-1])
    # Tooltips are plain strings (vis-network sets them with innerText), never elements or HTML flags.
    assert all(isinstance(n["title"], str) for n in data["nodes"] + data["edges"])
    assert "multi" not in json.dumps(data["options"])
    # Entity links are same-site paths with the id percent-encoded into one segment.
    for node in data["nodes"]:
        if links.entity:
            assert node["url"].startswith("/viz/entity/") and "<" not in node["url"] and "/" not in node["url"][12:]
        else:
            assert "url" not in node
    # Jinja expressions in data are not evaluated.
    assert "49" not in [n["label"] for n in data["nodes"]]


def test_heading_and_legend_are_escaped(parse):
    g = nx.MultiDiGraph()
    g.add_node("a", label="a", type=SCRIPT)
    html = viz.render_html(g, heading=SCRIPT)
    assert SCRIPT not in html
    assert "&lt;/script&gt;&lt;script&gt;" in html
    check_page(parse(html), html=html)


def test_counts_equal_the_view_and_multi_edges_stay(parse):
    g = nx.MultiDiGraph()
    az, tr = "https://w3id.org/caucasus-kg/id/Azerbaijan", "https://w3id.org/caucasus-kg/id/Turkey"
    g.add_node(az, label="Azerbaijan", type="Country")
    g.add_node(tr, label="Turkey", type="Country")
    for key, label in (("alliedWith", "allied with"), ("cooperatesWith", "cooperates with"), ("economicTiesWith", "economic ties")):
        g.add_edge(az, tr, key=key, label=label, polarity="cooperative")
    g.add_edge(tr, az, key="alliedWith", label="allied with", polarity="cooperative")
    g.add_edge(az, az, key="x", label="self", polarity="neutral")
    g.add_edge(az, az, key="y", label="self 2", polarity="neutral")
    data = network_data(g)
    assert len(data["nodes"]) == 2 and len(data["edges"]) == 6
    assert len({e["id"] for e in data["edges"]}) == 6
    between = [e for e in data["edges"] if e["from"] != e["to"]]
    # Four edges between the same two nodes: four different curves (side x roundness), whatever their direction.
    curves = set()
    for e in between:
        side = e["smooth"]["type"]
        if e["from"] > e["to"]:
            side = {"curvedCW": "curvedCCW", "curvedCCW": "curvedCW"}[side]
        curves.add((side, e["smooth"]["roundness"]))
    assert len(curves) == 4
    loops = [e for e in data["edges"] if e["from"] == e["to"]]
    assert len({e["selfReference"]["size"] for e in loops}) == 2
    html = viz.render_html(g)
    assert 'data-nodes="2"' in html and 'data-edges="6"' in html


def test_bundled_view_counts(bundled_kg):
    view = viz.graph_network(bundled_kg)
    data = network_data(view)
    assert len(data["nodes"]) == view.number_of_nodes()
    assert len(data["edges"]) == view.number_of_edges()
    pairs = {(data["nodes"][e["from"]]["label"], data["nodes"][e["to"]]["label"]) for e in data["edges"]}
    assert ("Azerbaijan", "Turkey") in pairs


def test_input_graph_not_mutated():
    g = hostile_graph()
    before = pickle.dumps((list(g.nodes(data=True)), list(g.edges(keys=True, data=True)), g.graph))
    snapshot = copy.deepcopy(g)
    viz.render_html(g, highlight_nodes=list(g)[:2], highlight_edges=[(list(g)[0], list(g)[1])], focus=list(g)[0],
                    sizes={n: 1.0 for n in g}, communities={n: 0 for n in g})
    assert pickle.dumps((list(g.nodes(data=True)), list(g.edges(keys=True, data=True)), g.graph)) == before
    assert nx.utils.graphs_equal(g, snapshot)
    # A frozen graph (as the projection is) renders: any write would raise.
    viz.render_html(nx.freeze(g))


def test_frozen_projection_renders(bundled_kg):
    from caucasus_kg.graph.analysis import to_networkx

    G = to_networkx(bundled_kg)
    assert nx.is_frozen(G)
    html = viz.render_html(G)
    assert f'data-nodes="{G.number_of_nodes()}"' in html


def test_offline_page_is_self_contained(parse):
    html = viz.render_html(hostile_graph())
    doc = parse(html)
    check_page(doc, html=html)
    assert not doc.find("link") or all(a.get("href", "").startswith("data:") for a in doc.find("link"))
    inline = {attrs.get("data-asset") for attrs, _ in doc.scripts if attrs.get("data-asset")}
    assert inline == {"vis-network.min.js", "ckg.js"}
    assert asset("vis-network.min.js").text in html
    # No CDN anywhere in the tags (the vis-network source mentions URLs only in its comments and strings).
    outside_scripts = html.replace(asset("vis-network.min.js").text, "")
    for cdn in ("cdnjs", "jsdelivr", "unpkg", "bootstrap", "googleapis"):
        assert cdn not in outside_scripts


def test_csp_hashes_match_the_inline_scripts(parse):
    import base64
    import hashlib

    html = viz.render_html(hostile_graph())
    doc = parse(html)
    csp = next(a["content"] for a in doc.find("meta") if a.get("http-equiv") == "Content-Security-Policy")
    for attrs, text in doc.scripts:
        if attrs.get("data-asset"):
            digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in csp


def test_served_page_links_assets(parse):
    html = viz.render_html(hostile_graph(), links=viz.Links())
    doc = parse(html)
    srcs = [a["src"] for a in doc.find("script") if a.get("src")]
    assert [s.split("?")[0] for s in srcs] == ["/viz/assets/vis-network.min.js", "/viz/assets/ckg.js"]
    assert asset("vis-network.min.js").text not in html
    assert len(html) < 100_000


@pytest.mark.parametrize(("n", "physics"), [(10, True), (400, False)])
def test_physics_only_for_small_graphs(n, physics):
    g = nx.gnm_random_graph(n, n, seed=1, directed=True)
    data = network_data(nx.MultiDiGraph(g), physics_max_nodes=300)
    assert data["options"]["physics"]["enabled"] is physics
    assert data["options"]["layout"]["improvedLayout"] is False
    assert all("x" in node and "y" in node for node in data["nodes"])


def test_highlight_sizes_and_communities():
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="p", label="p")
    g.add_edge("b", "c", key="q", label="q")
    data = network_data(g, highlight_nodes={"a", "b"}, highlight_edges=[("a", "b", "p")], sizes={"a": 0.5},
                        communities={"a": 0, "b": 1, "c": 1})
    edges = {e["label"]: e for e in data["edges"]}
    assert edges["p"]["width"] == 5 and edges["q"]["color"]["opacity"] < 1
    nodes = {n["label"]: n for n in data["nodes"]}
    assert nodes["a"]["value"] == 0.5 and nodes["c"]["value"] == 0.0
    assert nodes["b"]["color"]["background"] == nodes["c"]["color"]
    assert [e.label for e in data["legend"] if e.kind == "community"] == ["community 1", "community 2"]


def test_pyvis_network_input_is_safe_and_not_mutated(parse):
    from pyvis.network import Network

    net = Network(directed=True)
    net.add_node("a", label=SCRIPT, title="<b>see href</b> " + IMG)
    net.add_node("b", label="b")
    net.add_edge("a", "b", title=HREF, label="rel")
    net.add_edge("a", "b", title="second", label="rel2")
    before = copy.deepcopy((net.nodes, net.edges))
    html = viz.render_html(net)
    data = check_page(parse(html), html=html)
    assert (net.nodes, net.edges) == before
    assert len(data["nodes"]) == 2 and len(data["edges"]) == 2
    assert data["nodes"][0]["title"] == "<b>see href</b> " + IMG  # shown as text by vis-network


def test_empty_graph_page(parse):
    html = viz.render_html(nx.MultiDiGraph())
    data = check_page(parse(html), html=html)
    assert data["nodes"] == [] and "Nothing to draw" in html
