"""Every page in real headless Chromium, with every other host blocked.

For each network page: it loads with no console error, failed or external request;
the vis DataSets hold exactly the nodes and edges of the view; hovering shows the
provenance as text; clicking a node opens its entity page; the hostile labels run
nothing (``document.title`` unchanged, no dialog, ``window.__pwned`` unset).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote

import httpx
import pytest

from caucasus_kg import viz

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

DRAWN = "() => window.ckg && window.ckg.drawn && window.ckg.stabilized"


class _Title(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.title, self._in = "", False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self._in = tag == "title"

    def handle_endtag(self, tag):
        self._in = False

    def handle_data(self, data):
        if self._in:
            self.title += data


def expected_title(server, path: str) -> str:
    """The page title as the server wrote it (entities decoded): what document.title must stay."""
    return _Title(httpx.get(server.url + path, timeout=30).text).title


def assert_clean(page, watch, title: str | None = None) -> None:
    assert watch.problems() == {}, watch.problems()
    assert page.evaluate("() => window.__pwned") is None
    if title is not None:
        assert page.title() == title


def node_point(page, node_id: int) -> tuple[float, float]:
    """Zoom onto a node and return its position on the screen."""
    return tuple(
        page.evaluate(
            """(id) => {
                const net = ckg.network;
                net.moveTo({position: net.getPosition(id), scale: 1.6, animation: false});
                const p = net.canvasToDOM(net.getPosition(id));
                const r = document.getElementById('ckg-network').getBoundingClientRect();
                return [r.left + p.x, r.top + p.y];
            }""",
            node_id,
        )
    )


def _views(kg, hostile):
    return {
        "graph": ("/viz/graph", lambda: viz.graph_network(kg), "Turkey"),
        "graph-filtered": (
            "/viz/graph?polarity=hostile&polarity=cooperative&types=Actor",
            lambda: viz.graph_network(kg, polarity=["hostile", "cooperative"], types=["Actor"]),
            hostile.SCRIPT,
        ),
        "entity": ("/viz/entity/Azerbaijan?depth=1", lambda: viz.entity_network(kg, "Azerbaijan", depth=1), "Turkey"),
        "entity-hostile": (
            "/viz/entity/Hostile_Script?depth=2",
            lambda: viz.entity_network(kg, "Hostile_Script", depth=2),
            hostile.IMG,
        ),
        "path": (
            "/viz/path?source=Hostile_Href&target=Turkey",
            lambda: viz.path_network(kg, "Hostile_Href", "Turkey")[0],
            hostile.HREF,
        ),
        "centrality": ("/viz/centrality?metric=pagerank", lambda: viz.centrality_network(kg, metric="pagerank")[0], "Russia"),
    }


NETWORK_PAGES = ["graph", "graph-filtered", "entity", "entity-hostile", "path", "centrality"]


@pytest.mark.parametrize("name", NETWORK_PAGES)
def test_network_page(name, watched, server, kg, hostile, shoot):
    page, watch = watched
    path, make_view, click_label = _views(kg, hostile)[name]
    view = make_view()
    title = expected_title(server, path)
    page.goto(server.url + path)
    page.wait_for_function(DRAWN)
    shoot(page, f"page-{name}")

    # The DataSets hold exactly the view.
    counts = page.evaluate("() => [ckg.nodes.length, ckg.edges.length, ckg.network.body.nodeIndices.length]")
    assert counts == [view.number_of_nodes(), view.number_of_edges(), view.number_of_nodes()]
    labels = page.evaluate("() => ckg.nodes.get().map(n => n.label)")
    assert sorted(labels) == sorted(d["label"] for _, d in view.nodes(data=True))
    assert_clean(page, watch, title)

    # Hovering a node shows its provenance as text in vis-network's tooltip.
    node = page.evaluate("(label) => ckg.nodes.get({filter: n => n.label === label})[0]", click_label)
    assert node is not None, click_label
    x, y = node_point(page, node["id"])
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y, steps=4)
    page.wait_for_function("() => { const t = document.querySelector('div.vis-tooltip'); return t && t.style.visibility === 'visible'; }")
    tooltip = page.evaluate("() => document.querySelector('div.vis-tooltip').innerText")
    assert tooltip.split("\n")[0] == click_label
    # Set as text (innerText turns newlines into <br>): no other element came from the data.
    tags = page.evaluate("() => Array.from(document.querySelectorAll('div.vis-tooltip *')).map(e => e.tagName)")
    assert set(tags) <= {"BR"}
    assert_clean(page, watch, title)

    # Clicking it opens its entity page.
    page.mouse.click(x, y)
    page.wait_for_url(f"**{node['url']}")
    assert node["url"].startswith("/viz/entity/")
    page.wait_for_function(DRAWN)
    assert page.inner_text("aside h1") == click_label
    assert_clean(page, watch, f"{click_label} · caucasus-kg")


def test_home_search_and_links(watched, server, hostile, shoot):
    page, watch = watched
    page.goto(server.url + "/")
    assert page.title() == "caucasus-kg · caucasus-kg"
    page.fill("input[name=q]", "script")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/?q=script")
    link = page.get_by_role("link", name=hostile.SCRIPT, exact=True)
    assert link.count() == 1
    shoot(page, "page-home-search")
    assert_clean(page, watch)
    link.click()
    page.wait_for_url("**/viz/entity/Hostile_Script")
    page.wait_for_function(DRAWN)
    assert page.inner_text("aside h1") == hostile.SCRIPT
    # The facts table shows the quotes and the source title as text, and links to the marked quote.
    assert hostile.SCRIPT in page.inner_text("table.ckg-facts")
    source_link = page.locator("table.ckg-facts a[href*='/viz/source/hostile_source']").first
    href = source_link.get_attribute("href")
    start, end = (int(part.split("=")[1]) for part in href.split("?")[1].split("&"))
    source_link.click()
    page.wait_for_url("**/viz/source/hostile_source?start=*")
    # The quote is marked at its offsets, as text.
    assert page.evaluate("() => document.getElementById('quote').textContent") == hostile.SOURCE_TEXT[start:end]
    assert page.evaluate("() => document.getElementById('quote').children.length") == 0
    shoot(page, "page-source")
    assert_clean(page, watch)


def test_home_page_counts(watched, server, kg, shoot):
    page, watch = watched
    page.goto(server.url + "/")
    cards = page.locator(".ckg-card .n").all_inner_texts()
    stats = kg.stats()
    assert cards[:4] == [str(stats.entities), str(stats.relations), str(stats.claims), str(stats.sources)]
    shoot(page, "page-home")
    assert_clean(page, watch)


def test_query_page_runs_queries(watched, server, kg, hostile, shoot):
    page, watch = watched
    # A browser asking /sparql for HTML without a query gets the query page.
    page.goto(server.url + "/sparql")
    page.wait_for_load_state()
    assert page.title() == "SPARQL query · caucasus-kg"

    def run() -> None:
        page.click("#ckg-run")
        page.wait_for_function("() => window.ckgQuery && !window.ckgQuery.running && (window.ckgQuery.rows !== null || window.ckgQuery.error)")

    for index, (title, sparql) in enumerate(viz.EXAMPLE_QUERIES):
        page.click(f".ckg-example[data-index='{index}']")
        assert page.input_value("#ckg-query") == sparql
        run()
        expected = kg.query(sparql)
        shown = page.locator("#ckg-results tbody tr, #ckg-results > tr").count()
        assert shown == (1 if expected.type == "ASK" else len(expected)), title
        if index == 0:
            shoot(page, "page-query")
            headers = page.locator("#ckg-results th").all_inner_texts()
            assert headers == [f"?{v}" for v in expected.variables]
            first = page.locator("#ckg-results tbody tr").first.locator("td").all_inner_texts()
            assert first == [str(t) for t in expected.rows[0]]

    # Hostile values come back as text in the table.
    page.fill("#ckg-query", "SELECT ?label WHERE { ckr:Hostile_Script rdfs:label ?label }")
    run()
    assert page.locator("#ckg-results td").all_inner_texts() == [hostile.SCRIPT]

    # Downloads: CSV and JSON of the last query.
    with page.expect_download() as info:
        page.click("#ckg-csv")
    csv_text = open(info.value.path(), encoding="utf-8").read()
    assert csv_text.splitlines()[0] == "label" and "document.title" in csv_text
    with page.expect_download() as info:
        page.click("#ckg-json")
    import json

    data = json.loads(open(info.value.path(), encoding="utf-8").read())
    assert data["results"]["bindings"][0]["label"]["value"] == hostile.SCRIPT
    assert_clean(page, watch, "SPARQL query · caucasus-kg")

    # A malformed query: the error is shown, nothing breaks (the 400 itself is expected).
    page.fill("#ckg-query", "SELEC nothing")
    run()
    assert "400" in page.inner_text("#ckg-status")
    assert [s for s in watch.bad_status if "/sparql" not in s] == []
    watch.bad_status.clear()
    watch.console_errors[:] = [m for m in watch.console_errors if "400" not in m]
    assert_clean(page, watch)


def test_saved_page_works_offline(watched, tmp_path, kg):
    """`ckg viz ... -o page.html`: one file that draws with every network request blocked."""
    page, watch = watched
    target = tmp_path / "graph.html"
    target.write_text(viz.graph_page(kg), encoding="utf-8")
    page.goto(target.as_uri())
    page.wait_for_function(DRAWN)
    view = viz.graph_network(kg)
    assert page.evaluate("() => [ckg.nodes.length, ckg.edges.length]") == [view.number_of_nodes(), view.number_of_edges()]
    assert watch.requests == [target.as_uri()]
    assert_clean(page, watch)


def test_entity_link_encoding(watched, server, hostile):
    """Ids that are not plain words still route (percent-encoded into one path segment)."""
    page, watch = watched
    page.goto(server.url + "/viz/entity/" + quote("ckr:Hostile_Img", safe=""))
    page.wait_for_function(DRAWN)
    assert page.inner_text("aside h1") == hostile.IMG
    assert_clean(page, watch)
