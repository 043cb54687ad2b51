"""`ckg viz ...` writes one offline page; the app serves the pages, their assets and their errors."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from caucasus_kg import viz
from caucasus_kg.api.cli import main

from .safety import check_page


@pytest.mark.parametrize(
    ("args", "view"),
    [
        (["graph"], lambda kg: viz.graph_network(kg)),
        (["graph", "--polarity", "hostile", "--within", "Country"], lambda kg: viz.graph_network(kg, polarity=["hostile"], types=["Country"])),
        (["entity", "Azerbaijan", "--depth", "2"], lambda kg: viz.entity_network(kg, "Azerbaijan", depth=2)),
        (["path", "Dyumin", "Turkey", "-k", "2"], lambda kg: viz.path_network(kg, "Dyumin", "Turkey", k=2)[0]),
        (["centrality", "--metric", "pagerank"], lambda kg: viz.centrality_network(kg, metric="pagerank")[0]),
    ],
)
def test_cli_writes_a_self_contained_page(args, view, tmp_path, bundled_kg, parse):
    out = tmp_path / "page.html"
    result = CliRunner().invoke(main, ["viz", *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    doc = parse(html)
    data = check_page(doc, html=html)
    assert not doc.find("link") or all(a["href"].startswith("data:") for a in doc.find("link"))
    assert not [a for a in doc.find("script") if a.get("src")]
    expected = view(bundled_kg)
    assert (len(data["nodes"]), len(data["edges"])) == (expected.number_of_nodes(), expected.number_of_edges())
    assert "url" not in data["nodes"][0]  # no links to a server that is not there
    assert list(tmp_path.iterdir()) == [out]  # written atomically: no temporary file left


def test_cli_to_stdout():
    result = CliRunner().invoke(main, ["viz", "graph", "--polarity", "hostile"])
    assert result.exit_code == 0
    assert result.output.startswith("<!doctype html>")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["entity", "Nobody at all"], 6),
        (["path", "Dyumin", "Turkey", "--relation", "capitalOf"], 7),
        (["entity", "Azerbaijan", "--depth", "9"], 2),
        (["graph", "--from", "20x"], 2),
    ],
)
def test_cli_errors(args, code, tmp_path):
    out = tmp_path / "page.html"
    result = CliRunner().invoke(main, ["viz", *args, "-o", str(out)])
    assert result.exit_code == code, result.output
    assert not out.exists()
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def client(bundled_kg):
    from fastapi.testclient import TestClient

    from caucasus_kg.api.app import create_app

    with TestClient(create_app(kg=bundled_kg)) as c:
        yield c


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?q=kremlin",
        "/viz/graph",
        "/viz/graph?polarity=hostile&polarity=cooperative&types=Actor&start=2018&end=2024&include_undated=false",
        "/viz/graph?relations=alliedWith,cooperatesWith",
        "/viz/entity/Azerbaijan?depth=2",
        "/viz/entity/https%3A%2F%2Fw3id.org%2Fcaucasus-kg%2Fid%2FRussia",
        "/viz/path?source=Dyumin&target=Turkey&k=2&directed=true",
        "/viz/centrality?metric=closeness",
        "/viz/source/000_4fb1f75b4de7c57b?start=0&end=10",
        "/query",
    ],
)
def test_pages_are_served(client, url, parse):
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-content-type-options"] == "nosniff"
    check_page(parse(response.text), html=response.text)
    for src in re.findall(r'(?:src|href)="(/viz/assets/[^"]+)"', response.text):
        asset = client.get(src.replace("&amp;", "&"))
        assert asset.status_code == 200
        assert "immutable" in asset.headers["cache-control"]


def test_served_counts_match_the_view(client, bundled_kg):
    import json

    html = client.get("/viz/graph?polarity=hostile").text
    data = json.loads(re.search(r'<script type="application/json" id="ckg-data">(.*?)</script>', html, re.S).group(1))
    view = viz.graph_network(bundled_kg, polarity=["hostile"])
    assert (len(data["nodes"]), len(data["edges"])) == (view.number_of_nodes(), view.number_of_edges())
    assert all(n["url"].startswith("/viz/entity/") for n in data["nodes"])


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/viz/entity/Nobody", 404, "entity_not_found"),
        ("/viz/path?source=Dyumin&target=Turkey&relations=capitalOf", 404, "no_path"),
        ("/viz/path?source=Dyumin", 400, "invalid_argument"),
        ("/viz/centrality?metric=fame", 400, "invalid_argument"),
        ("/viz/graph?polarity=angry", 400, "invalid_argument"),
        ("/viz/graph?start=soon", 400, "invalid_argument"),
        ("/viz/entity/Azerbaijan?depth=7", 400, "invalid_argument"),
        ("/viz/source/nothing", 404, "entity_not_found"),
        ("/viz/assets/secret.py", 404, "not_found"),
        ("/viz/assets/..%2F..%2Fpyproject.toml", 404, "not_found"),
    ],
)
def test_page_errors_have_the_one_shape(client, url, status, code):
    response = client.get(url)
    assert response.status_code == status
    body = response.json()
    assert body["error"]["status"] == status and body["error"]["code"] == code and body["error"]["message"]


def test_asset_revalidation(client):
    first = client.get("/viz/assets/ckg.js")
    assert first.headers["cache-control"] == "no-cache"
    again = client.get("/viz/assets/ckg.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_query_page_function_for_sparql(client):
    from caucasus_kg.api.routes.pages import query_page_response

    response = query_page_response(None)
    assert response.status_code == 200 and b"ckg-query-form" in response.body
    browser = client.get("/sparql", headers={"Accept": "text/html"})
    assert browser.status_code == 200 and "ckg-query-form" in browser.text
