"""Style lookups, the notebook display object, and that viz stays free of web frameworks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from caucasus_kg import viz
from caucasus_kg.graph import InvalidArgument
from caucasus_kg.viz.style import DEFAULT_STYLE, type_key


@pytest.mark.parametrize(
    "value",
    ["https://w3id.org/caucasus-kg/ontology#SubnationalRegion", "ckg:SubnationalRegion", "SubnationalRegion",
     "sub-national region", "Sub-national Region"],
)
def test_type_forms_agree(value):
    assert DEFAULT_STYLE.node(value).label == "sub-national region"
    assert type_key(value) == "subnationalregion"


def test_every_ontology_class_label_of_the_bundled_graph_is_styled(bundled_kg):
    from caucasus_kg.graph.analysis import to_networkx

    types = {d["type"] for _, d in to_networkx(bundled_kg).nodes(data=True)}
    assert all(DEFAULT_STYLE.type_name(t) for t in types), [t for t in types if not DEFAULT_STYLE.type_name(t)]


@pytest.mark.parametrize(("polarity", "colour"), [("cooperative", "#2e7d32"), ("Hostile", "#c62828"),
                                                   ("https://w3id.org/caucasus-kg/ontology#Neutral", "#7d8b99"),
                                                   (None, "#9e9e9e"), ("weird", "#9e9e9e")])
def test_edge_colours(polarity, colour):
    assert DEFAULT_STYLE.edge_colour(polarity) == colour


def test_legend_lists_what_is_present():
    legend = DEFAULT_STYLE.legend(["Country", "country", "Person"], ["hostile", None], [0, 2])
    assert [(e.kind, e.label) for e in legend] == [
        ("node", "country"), ("node", "person"), ("edge", "hostile"), ("edge", "no polarity"),
        ("community", "community 1"), ("community", "community 3"),
    ]


def test_notebook_page_is_an_escaped_sandboxed_iframe(bundled_kg, tmp_path):
    page = viz.show(bundled_kg, "entity", "Azerbaijan", depth=1, height=500)
    html = page._repr_html_()
    assert html.startswith('<iframe sandbox="allow-scripts allow-popups" srcdoc="')
    assert "allow-same-origin" not in html
    srcdoc = html.split('srcdoc="', 1)[1].split('" style=', 1)[0]
    assert "<" not in srcdoc and '"' not in srcdoc  # the whole page is one escaped attribute value
    import html as html_lib

    assert html_lib.unescape(srcdoc) == page.html
    assert page.save(tmp_path / "p.html").read_text(encoding="utf-8") == page.html
    with pytest.raises(InvalidArgument):
        viz.show(bundled_kg, "map")


@pytest.mark.parametrize("view", ["graph", "centrality"])
def test_show_other_views(bundled_kg, view):
    assert "ckg-data" in viz.show(bundled_kg, view).html


def test_viz_imports_no_web_framework():
    code = (
        "import sys, caucasus_kg.viz as v\n"
        "from caucasus_kg.graph import KnowledgeGraph\n"
        "v.graph_page(KnowledgeGraph.open(backend='memory'))\n"
        "bad = [m for m in ('fastapi', 'starlette', 'uvicorn', 'click', 'rich', 'IPython') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == ""


def test_public_surface():
    assert viz.__all__ == sorted(viz.__all__)
    for name in viz.__all__:
        assert hasattr(viz, name), name
