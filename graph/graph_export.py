"""Export the projection (or a filtered view of it) as a network file.

Formats are chosen by name from :data:`NETWORK_FORMATS` and written by
networkx's readwrite functions: GraphML (``nx.write_graphml``), GEXF for
Gephi (``nx.write_gexf``) and node-link JSON (``nx.node_link_data``). The CSV
edge list is written with the csv module, one row per relation with a header
row, because ``nx.write_edgelist`` neither quotes fields nor writes a header
(labels can hold commas).

GraphML and GEXF hold only scalar attributes: tuples are joined with ``"; "``,
sets of classes become their local names, and None values are left out. Node
ids are the entity IRIs (the short id is the ``local_name`` attribute); edges
carry ``first_day`` and ``last_day``, the span of their dated claims. This
happens on a copy; the frozen projection is never touched. By default only
asserted relations are exported: the reverse edges entailed by symmetric
relations are left out (pass ``entailed=True`` to keep them, marked
``entailed=true``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .errors import InvalidArgument
from .projection import _scope, _view, to_networkx

__all__ = ["NETWORK_FORMATS", "NetworkFormat", "export_graph", "exportable_graph"]


@dataclass(frozen=True)
class NetworkFormat:
    """A network export format: its name, media type, file extension and writer."""

    name: str
    media_type: str
    extension: str
    write: Callable[[nx.MultiDiGraph], bytes]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _scalar(value: Any, *, lists: bool) -> Any:
    if isinstance(value, (frozenset, set)):
        value = sorted(_local(v) for v in value)
    if isinstance(value, (tuple, list)):
        items = [str(v) for v in value]
        return items if lists else "; ".join(items)
    return value


_RENAME = {"id": "local_name"}
_INTERNAL = {"periods", "qualifiers"}  # per-claim internals; first_day, last_day and times summarise them


def exportable_graph(kg, *, entailed: bool = False, lists: bool = False, **filters: Any) -> nx.MultiDiGraph:
    """A mutable copy of the (filtered) projection with export-safe attributes.

    Parameters
    ----------
    kg : KnowledgeGraph
    entailed : bool
        Keep the reverse edges entailed by symmetric relations.
    lists : bool
        Keep multi-valued attributes as lists (for JSON) instead of joining them.
    **filters
        ``relations``, ``polarity``, ``as_of``, ``start``, ``end``,
        ``include_undated``, ``types``.

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> H = exportable_graph(kg, polarity="cooperative")
    >>> H.nodes["https://w3id.org/caucasus-kg/id/Russia"]["classes"]
    'Actor; Country; Place'
    >>> all(d["polarity"] == "cooperative" for _, _, d in H.edges(data=True))
    True
    """
    view = _view(to_networkx(kg), _scope(kg, filters))
    H = nx.MultiDiGraph()
    H.graph.update({"name": "caucasus-kg projection", "version": view.graph.get("version", 0)})
    for n, d in view.nodes(data=True):
        # "id" would become the node id in GEXF: the IRI stays the id, the short id is "local_name".
        H.add_node(n, **{_RENAME.get(k, k): _scalar(v, lists=lists) for k, v in d.items() if v is not None})
    for u, v, k, d in view.edges(keys=True, data=True):
        if d["entailed"] and not entailed:
            continue
        attrs = {key: _scalar(val, lists=lists) for key, val in d.items() if val is not None and key not in _INTERNAL}
        dated = [span for span in d["periods"] if span is not None]
        if dated:
            attrs["first_day"] = min(span[0] for span in dated)
            attrs["last_day"] = max(span[1] for span in dated)
        H.add_edge(u, v, key=k, **attrs)
    return H


def _graphml(H: nx.MultiDiGraph) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(H, out, encoding="utf-8")
    return out.getvalue()


def _gexf(H: nx.MultiDiGraph) -> bytes:
    out = io.BytesIO()
    nx.write_gexf(H, out, encoding="utf-8")
    return out.getvalue()


def _node_link(H: nx.MultiDiGraph) -> bytes:
    data = nx.node_link_data(H, edges="edges")
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_CSV_COLUMNS = ("source", "target", "predicate", "relation", "label", "polarity", "source_label", "target_label",
                "symmetric", "entailed", "times", "claims")


def _csv(H: nx.MultiDiGraph) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for u, v, k, d in sorted(H.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1])):
        row = {"source": u, "target": v, "predicate": k, "source_label": H.nodes[u].get("label", ""),
               "target_label": H.nodes[v].get("label", ""), **d}
        writer.writerow(["" if row.get(c) is None else str(row[c]).lower() if isinstance(row.get(c), bool) else row[c]
                         for c in _CSV_COLUMNS])
    return out.getvalue().encode("utf-8")


NETWORK_FORMATS: dict[str, NetworkFormat] = {
    f.name: f
    for f in (
        NetworkFormat("graphml", "application/graphml+xml", ".graphml", _graphml),
        NetworkFormat("gexf", "application/gexf+xml", ".gexf", _gexf),
        NetworkFormat("json", "application/json", ".json", _node_link),
        NetworkFormat("csv", "text/csv", ".csv", _csv),
    )
}


def export_graph(kg, format: str = "graphml", *, entailed: bool = False, **filters: Any) -> bytes:
    """The projection (or a filtered view) as GraphML, GEXF, node-link JSON or a CSV edge list.

    Parameters
    ----------
    kg : KnowledgeGraph
    format : {"graphml", "gexf", "json", "csv"}
    entailed : bool
        Also export the reverse edges entailed by symmetric relations.
    **filters
        ``relations``, ``polarity``, ``as_of``, ``start``, ``end``,
        ``include_undated``, ``types``.

    Raises
    ------
    InvalidArgument
        An unknown format or filter value.

    Examples
    --------
    >>> from caucasus_kg.graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.open()
    >>> import io
    >>> G = nx.read_graphml(io.BytesIO(export_graph(kg, "graphml", polarity="hostile")))
    >>> sorted({d["label"] for _, _, d in G.edges(data=True)})[:3]
    ['closed', 'criticised', 'has tensions with']
    >>> export_graph(kg, "csv").decode().splitlines()[0]
    'source,target,predicate,relation,label,polarity,source_label,target_label,symmetric,entailed,times,claims'
    """
    spec = NETWORK_FORMATS.get(str(format).lower())
    if spec is None:
        raise InvalidArgument(f"network format must be one of {', '.join(NETWORK_FORMATS)}, not {format!r}")
    return spec.write(exportable_graph(kg, entailed=entailed, lists=spec.name == "json", **filters))
