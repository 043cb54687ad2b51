"""Turn a networkx view of the graph into vis-network data and a self-contained HTML page.

The node and edge lists are built directly (pyvis's ``add_node``/``add_edge`` cost O(N) per
call, and its undirected ``Network`` drops parallel edges); every edge of a MultiDiGraph
stays one vis edge with its own id, and parallel or reverse edges are drawn as separate curves.
The input graph is only read, never modified.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from typing import Any

from .layout import compute_layout
from .style import DEFAULT_STYLE, Style
from .templating import OFFLINE, Links, render_page

__all__ = ["network_data", "render_html"]

_EDGE_LABELS_MAX = 400  # edges drawn with their label up to this many; tooltips always
_QUOTES_PER_EDGE = 4
_QUOTE_CHARS = 280
_BASE = "https://w3id.org/caucasus-kg/id/"


def _local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] or iri
    return iri


def entity_id(node: Hashable) -> str:
    """The id used in page URLs: the short id of a ``ckr:`` IRI, else the node as a string."""
    text = str(node)
    return text[len(_BASE):] if text.startswith(_BASE) and "/" not in text[len(_BASE):] else text


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _claims_of(attrs: Mapping[str, Any]) -> list[Any]:
    claims = attrs.get("claims")
    if claims is None or isinstance(claims, (int, float, str)):
        return []
    return list(claims)


_TIME_FIELDS = (("point_in_time", "at"), ("start_time", "from"), ("end_time", "to"), ("start", "from"), ("end", "to"))


def _when(obj: Any) -> str:
    if isinstance(obj, Mapping):
        if not any(name in obj for name, _ in _TIME_FIELDS):
            return ""
        values = [(obj.get(name), word) for name, word in _TIME_FIELDS]
    else:
        values = [(getattr(obj, name, None), word) for name, word in _TIME_FIELDS]
    parts = [f"{word} {value}" for value, word in values if value]
    return ", ".join(dict.fromkeys(parts))


def _clip(text: str, limit: int = _QUOTE_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _node_title(node: Hashable, attrs: Mapping[str, Any], label: str, type_label: str, extra: str | None) -> str:
    lines = [label, f"{type_label}  ·  {node}"]
    aliases = attrs.get("aliases")
    if aliases and not isinstance(aliases, str):
        lines.append("also: " + ", ".join(map(str, list(aliases)[:6])))
    if attrs.get("wikidata"):
        lines.append(f"Wikidata: {_local_name(str(attrs['wikidata']))}")
    if extra:
        lines.append(extra)
    return "\n".join(lines)


def _edge_title(subject: str, label: str, obj: str, attrs: Mapping[str, Any]) -> str:
    polarity = attrs.get("polarity") or "no polarity"
    lines = [f"{subject} — {label} → {obj}", f"polarity: {_local_name(str(polarity)).lower()}"]
    when = _when(attrs)
    if when:
        lines.append(when)
    claims = _claims_of(attrs)
    if claims and all(isinstance(c, str) for c in claims):  # IRIs only: too many to quote
        lines.append(f"{len(claims)} claim{'s' if len(claims) != 1 else ''} (open the entity page for the quotes)")
        return "\n".join(lines)
    for claim in claims[:_QUOTES_PER_EDGE]:
        quote = _get(claim, "quote")
        if not quote:
            continue
        source = _get(claim, "source_title") or _local_name(str(_get(claim, "source", "")))
        detail = "; ".join(x for x in (_when(claim), _get(claim, "modality") if _get(claim, "modality") == "expected" else None) if x)
        lines.append(f"“{_clip(quote)}”\n    — {_clip(source, 100)}" + (f" ({detail})" if detail else ""))
    if len(claims) > _QUOTES_PER_EDGE:
        lines.append(f"… and {len(claims) - _QUOTES_PER_EDGE} more claims")
    elif isinstance(attrs.get("claims"), int):
        lines.append(f"{attrs['claims']} claims")
    return "\n".join(lines)


def _edges_of(view: Any) -> Iterable[tuple[Hashable, Hashable, Hashable, Mapping[str, Any]]]:
    if view.is_multigraph():
        yield from view.edges(keys=True, data=True)
    else:
        for u, v, attrs in view.edges(data=True):
            yield u, v, attrs.get("predicate", attrs.get("key", 0)), attrs


def network_data(
    view: Any,
    *,
    style: Style | None = None,
    positions: Mapping[Hashable, tuple[float, float]] | None = None,
    physics: bool | None = None,
    physics_max_nodes: int = 300,
    links: Links = OFFLINE,
    highlight_nodes: Collection[Hashable] = (),
    highlight_edges: Collection[tuple] = (),
    focus: Hashable | None = None,
    sizes: Mapping[Hashable, float] | None = None,
    size_label: str | None = None,
    communities: Mapping[Hashable, int] | None = None,
    edge_labels: bool | None = None,
) -> dict[str, Any]:
    """The vis-network nodes, edges and options of a networkx graph, plus the legend.

    Parameters
    ----------
    view
        A networkx graph: nodes with ``label``, ``type`` (class IRI, name or label),
        optional ``wikidata`` and ``aliases``; edges (keyed by predicate in a multigraph)
        with ``label``, ``polarity`` and ``claims`` (objects or dicts with ``quote``,
        ``source_title``, time qualifiers). A pyvis ``Network`` is accepted too.
    positions
        Node -> (x, y); computed with :func:`caucasus_kg.viz.layout.compute_layout` when None.
    physics
        Run a short physics stabilisation in the browser; default: only up to
        ``physics_max_nodes`` nodes.
    highlight_nodes, highlight_edges
        Drawn emphasised (a path); edges as ``(u, v)`` or ``(u, v, key)``.
    focus
        A node drawn larger (the entity of an ego network).
    sizes, communities
        Node -> centrality value (node size) and node -> community number (node colour).
    edge_labels
        Draw the relation on each edge; default: up to 400 edges.
    """
    if _is_pyvis(view):
        return _pyvis_data(view, style=style, links=links)
    style = style or DEFAULT_STYLE
    n = view.number_of_nodes()
    if physics is None:
        physics = n <= physics_max_nodes
    if positions is None:
        positions = compute_layout(view)
    index: dict[Hashable, int] = {}
    nodes: list[dict[str, Any]] = []
    highlight_set = set(highlight_nodes)
    max_size = max((float(v) for v in (sizes or {}).values()), default=0.0)
    types_present: list[str | None] = []
    node_styles: dict[Any, Any] = {}
    for i, (node, attrs) in enumerate(view.nodes(data=True)):
        index[node] = i
        label = str(attrs.get("label") or _local_name(str(node)))
        type_value = attrs.get("type") or attrs.get("type_label")
        if isinstance(type_value, (list, tuple)):
            type_value = type_value[0] if type_value else None
        types_present.append(type_value)
        node_style = node_styles.get(type_value)
        if node_style is None:
            node_style = node_styles[type_value] = style.node(type_value)
        extra = None
        item: dict[str, Any] = {"id": i, "label": label, "shape": node_style.shape}
        colour = node_style.colour
        if communities is not None and node in communities:
            colour = style.community_colour(communities[node])
            extra = f"community {int(communities[node]) + 1}"
        if sizes is not None:
            value = float(sizes.get(node, 0.0))
            item["value"] = value
            extra = ((extra + "\n") if extra else "") + f"{size_label or 'centrality'}: {value:.4g}"
        item["color"] = colour
        item["title"] = _node_title(node, attrs, label, node_style.label, extra)
        url = links.entity_url(entity_id(node))
        if url:
            item["url"] = url
        pos = positions.get(node)
        if pos is not None:
            item["x"], item["y"] = float(pos[0]), float(pos[1])
        if node == focus:
            item["size"] = 32
            item["borderWidth"] = 4
            item["font"] = {"size": 18}
        if node in highlight_set:
            item["borderWidth"] = 4
            item["color"] = {"background": colour, "border": style.highlight}
        nodes.append(item)
    if highlight_nodes and not focus:
        for item, node in zip(nodes, view.nodes):
            if node not in highlight_set:
                item["opacity"] = 0.45

    edge_list = list(_edges_of(view))
    if edge_labels is None:
        edge_labels = len(edge_list) <= _EDGE_LABELS_MAX
    # Parallel and reverse edges between the same two nodes each get their own curve.
    groups: dict[tuple[int, int], int] = {}
    for u, v, _, _ in edge_list:
        a, b = index[u], index[v]
        pair = (a, b) if a <= b else (b, a)
        groups[pair] = groups.get(pair, 0) + 1
    seen: dict[tuple[int, int], int] = {}
    hl_pairs = {(e[0], e[1]) for e in highlight_edges if len(e) == 2}
    hl_keyed = {(e[0], e[1], e[2]) for e in highlight_edges if len(e) == 3}
    edges: list[dict[str, Any]] = []
    polarities: list[str | None] = []
    labels = {node: nodes[i]["label"] for node, i in index.items()}
    edge_colours: dict[Any, str] = {}
    for j, (u, v, key, attrs) in enumerate(edge_list):
        a, b = index[u], index[v]
        label = str(attrs.get("label") or _local_name(str(key)))
        polarity = attrs.get("polarity")
        polarities.append(polarity)
        item = {
            "id": f"e{j}",
            "from": a,
            "to": b,
            "color": edge_colours[polarity] if polarity in edge_colours else edge_colours.setdefault(polarity, style.edge_colour(polarity)),
            "title": _edge_title(labels[u], label, labels[v], attrs),
        }
        if edge_labels:
            item["label"] = label
        if attrs.get("symmetric"):
            item["arrows"] = {"to": {"enabled": False}}
        pair = (a, b) if a <= b else (b, a)
        k = seen.get(pair, 0)
        seen[pair] = k + 1
        if a == b:
            item["selfReference"] = {"size": 18 + 8 * k}
        elif groups[pair] > 1:
            clockwise = (k % 2 == 0) == (a <= b)  # same side whichever way the edge points
            item["smooth"] = {"enabled": True, "type": "curvedCW" if clockwise else "curvedCCW",
                              "roundness": round(0.15 + 0.18 * (k // 2), 2)}
        n_claims = len(_claims_of(attrs)) or (attrs["claims"] if isinstance(attrs.get("claims"), int) else 1)
        item["width"] = 1 + min(n_claims - 1, 3) * 0.75
        if (u, v) in hl_pairs or (u, v, key) in hl_keyed:
            item["width"] = 5
            item["highlight"] = True
        elif highlight_edges:
            item["color"] = {"color": item["color"], "opacity": 0.35}
        edges.append(item)

    large = n > physics_max_nodes
    options = {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "physics": {
            "enabled": bool(physics),
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -6000, "centralGravity": 0.3, "springLength": 140,
                          "springConstant": 0.03, "damping": 0.4, "avoidOverlap": 0.2},
            "stabilization": {"enabled": True, "iterations": 150, "updateInterval": 50, "fit": True},
        },
        "interaction": {
            "hover": not large,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "navigationButtons": False,
            "keyboard": False,
        },
        "nodes": {
            "size": 14,
            "borderWidth": 1,
            "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"min": 8, "max": 48, "label": {"enabled": True, "min": 12, "max": 26}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "smooth": False,
            "font": {"size": 11, "align": "middle", "color": "#333333", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "selectionWidth": 2,
        },
    }
    legend = style.legend(types_present, polarities, sorted(set(communities.values())) if communities else ())
    return {
        "nodes": nodes,
        "edges": edges,
        "options": options,
        "legend": legend,
        "large": large,
        "max_size": max_size,
    }


def _is_pyvis(view: Any) -> bool:
    return hasattr(view, "get_adj_list") and isinstance(getattr(view, "nodes", None), list)


def _pyvis_data(net: Any, *, style: Style | None, links: Links) -> dict[str, Any]:
    """A pyvis Network's node and edge dicts, copied, with our options: titles stay plain text."""
    style = style or DEFAULT_STYLE
    index: dict[Any, int] = {}
    nodes = []
    for i, node in enumerate(net.nodes):
        index[node["id"]] = i
        item = {"id": i, "label": str(node.get("label", node["id"])), "title": str(node.get("title", node.get("label", node["id"])))}
        for key in ("x", "y", "color", "shape", "size", "value"):
            if key in node and isinstance(node[key], (int, float, str)):
                item[key] = node[key]
        url = links.entity_url(entity_id(node["id"]))
        if url:
            item["url"] = url
        nodes.append(item)
    edges = []
    for j, edge in enumerate(net.edges):
        item = {"id": f"e{j}", "from": index[edge["from"]], "to": index[edge["to"]]}
        for key in ("label", "title", "color", "width"):
            if key in edge and isinstance(edge[key], (int, float, str)):
                item[key] = edge[key] if key in ("width",) else str(edge[key])
        edges.append(item)
    has_xy = all("x" in n and "y" in n for n in nodes)
    options = {
        "layout": {"improvedLayout": False},
        "physics": {"enabled": not has_xy, "stabilization": {"iterations": 150}},
        "edges": {"arrows": {"to": {"enabled": bool(getattr(net, "directed", False))}}, "smooth": False},
    }
    return {"nodes": nodes, "edges": edges, "options": options, "legend": [], "large": False, "max_size": 0.0}


def render_html(
    view: Any,
    *,
    style: Style | None = None,
    title: str = "caucasus-kg graph",
    heading: str | None = None,
    links: Links = OFFLINE,
    template: str = "network.html",
    positions: Mapping[Hashable, tuple[float, float]] | None = None,
    physics: bool | None = None,
    physics_max_nodes: int = 300,
    highlight_nodes: Collection[Hashable] = (),
    highlight_edges: Collection[tuple] = (),
    focus: Hashable | None = None,
    sizes: Mapping[Hashable, float] | None = None,
    size_label: str | None = None,
    communities: Mapping[Hashable, int] | None = None,
    edge_labels: bool | None = None,
    context: Mapping[str, Any] | None = None,
) -> str:
    """A complete HTML page drawing ``view`` with vis-network: offline, escaped, faithful.

    With the default ``links`` (:data:`OFFLINE`) the page is one self-contained file:
    vis-network and our script are inlined and nothing is fetched. The app passes
    :class:`Links` so that assets come from its own URL and nodes link to entity pages.

    Every string from the data is escaped for where it lands: Jinja2 autoescaping for
    HTML text and attributes, :func:`caucasus_kg.viz.escape.script_json` for the JSON the
    script parses; vis-network draws labels on a canvas and shows string tooltips as text.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", label="</script><b>x</b>", type="Country")
    >>> g.add_edge("a", "a", key="p", label="allied with", polarity="cooperative")
    'p'
    >>> page = render_html(g, title="demo")
    >>> "</script><b>" in page, page.startswith("<!doctype html>")
    (False, True)
    """
    data = network_data(
        view,
        style=style,
        positions=positions,
        physics=physics,
        physics_max_nodes=physics_max_nodes,
        links=links,
        highlight_nodes=highlight_nodes,
        highlight_edges=highlight_edges,
        focus=focus,
        sizes=sizes,
        size_label=size_label,
        communities=communities,
        edge_labels=edge_labels,
    )
    payload = {"nodes": data["nodes"], "edges": data["edges"], "options": data["options"]}
    return render_page(
        template,
        title=title,
        heading=heading if heading is not None else title,
        links=links,
        scripts=("vis-network.min.js", "ckg.js"),
        data=payload,
        legend=data["legend"],
        node_count=len(data["nodes"]),
        edge_count=len(data["edges"]),
        large=data["large"],
        physics=data["options"]["physics"]["enabled"],
        **dict(context or {}),
    )
