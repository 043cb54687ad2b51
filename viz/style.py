"""How the pages look: node colour and shape by entity type, edge colour by polarity, the legend.

A :class:`Style` is plain frozen data; pass your own to :func:`caucasus_kg.viz.render_html`.
Types can be given as class IRIs, ``ckg:`` names, local names or labels ("sub-national region").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["DEFAULT_STYLE", "LegendEntry", "NodeStyle", "Style", "type_key"]


@dataclass(frozen=True)
class NodeStyle:
    """Colour (CSS hex) and vis-network shape of one entity type, with its legend label."""

    colour: str
    shape: str
    label: str


@dataclass(frozen=True)
class LegendEntry:
    """One line of a legend: what kind (``node``, ``edge``, ``community``), its label, colour and shape."""

    kind: str
    label: str
    colour: str
    shape: str = "dot"


def _proxy(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


# Shapes drawn with the label below them (they scale to large graphs, unlike boxes).
_TYPES: dict[str, NodeStyle] = {
    "Country": NodeStyle("#3b6fb6", "hexagon", "country"),
    "Person": NodeStyle("#e8871e", "dot", "person"),
    "InternationalOrganisation": NodeStyle("#7b4fa6", "diamond", "international organisation"),
    "Organisation": NodeStyle("#a88bc7", "diamond", "organisation"),
    "ArmedForce": NodeStyle("#8c2d2d", "triangleDown", "armed force"),
    "PeacekeepingContingent": NodeStyle("#c25a7c", "triangleDown", "peacekeeping contingent"),
    "City": NodeStyle("#2a9d8f", "square", "city"),
    "SubnationalRegion": NodeStyle("#76b7a0", "square", "sub-national region"),
    "DisputedTerritory": NodeStyle("#d1495b", "square", "disputed territory"),
    "GeographicRegion": NodeStyle("#8aa33a", "square", "geographic region"),
    "TransportCorridor": NodeStyle("#9c6b30", "triangle", "transport corridor"),
    "Place": NodeStyle("#5fa8a0", "square", "place"),
    "Actor": NodeStyle("#6c8ebf", "dot", "actor"),
    "Talks": NodeStyle("#d4a017", "star", "visit or talks"),
    "War": NodeStyle("#b22222", "star", "war"),
    "CeasefireAgreement": NodeStyle("#4caf50", "star", "ceasefire agreement"),
    "Closure": NodeStyle("#795548", "star", "closure or blockade"),
    "CodedEvent": NodeStyle("#c0a060", "star", "coded event"),
    "Event": NodeStyle("#c9a227", "star", "event"),
    "Topic": NodeStyle("#8d99ae", "ellipse", "topic"),
}

_POLARITY = {"cooperative": "#2e7d32", "hostile": "#c62828", "neutral": "#7d8b99"}

# Tableau-like, distinguishable, readable on white.
_COMMUNITY_PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


@lru_cache(maxsize=4096)
def type_key(value: str | None) -> str:
    """A comparable key for a type given as IRI, ``ckg:Name``, local name or label.

    Examples
    --------
    >>> type_key("https://w3id.org/caucasus-kg/ontology#SubnationalRegion") == type_key("sub-national region")
    True
    >>> type_key(None)
    ''
    """
    if not value:
        return ""
    local = re.split(r"[#/:]", str(value))[-1]
    return _norm(local)


@dataclass(frozen=True)
class Style:
    """Node styles by type, edge colours by polarity, and the palette used for communities."""

    types: Mapping[str, NodeStyle] = field(default_factory=lambda: _proxy(_TYPES))
    polarity: Mapping[str, str] = field(default_factory=lambda: _proxy(_POLARITY))
    default: NodeStyle = NodeStyle("#9e9e9e", "dot", "other")
    unknown_polarity: str = "#9e9e9e"
    highlight: str = "#ffb000"
    community_palette: tuple[str, ...] = _COMMUNITY_PALETTE

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for name, node in self.types.items():
            index[_norm(name)] = name
            index[_norm(node.label)] = name
        object.__setattr__(self, "_index", index)

    def type_name(self, value: str | None) -> str | None:
        """The style entry that ``value`` names (None when unstyled)."""
        return self._index.get(type_key(value)) if value else None  # type: ignore[attr-defined]

    def node(self, value: str | None) -> NodeStyle:
        """The style of an entity type (the default style for unknown types).

        Examples
        --------
        >>> DEFAULT_STYLE.node("ckg:Country").shape
        'hexagon'
        >>> DEFAULT_STYLE.node("no such type").label
        'other'
        """
        name = self.type_name(value)
        return self.types[name] if name else self.default

    def edge_colour(self, polarity: str | None) -> str:
        """The colour of an edge of this polarity (``cooperative``, ``hostile``, ``neutral`` or an IRI)."""
        return self.polarity.get(type_key(polarity), self.unknown_polarity) if polarity else self.unknown_polarity

    def community_colour(self, community: int) -> str:
        return self.community_palette[int(community) % len(self.community_palette)]

    def legend(
        self, types: Iterable[str | None] = (), polarities: Iterable[str | None] = (), communities: Iterable[int] = ()
    ) -> list[LegendEntry]:
        """Legend entries for the types, polarities and communities present in a page."""
        entries: list[LegendEntry] = []
        seen: set[str] = set()
        for value in set(types):
            node = self.node(value)
            if node.label not in seen:
                seen.add(node.label)
                entries.append(LegendEntry("node", node.label, node.colour, node.shape))
        entries.sort(key=lambda e: e.label)
        pols = sorted({type_key(p) if p else "" for p in set(polarities)}, key=lambda p: (p == "", p))
        for pol in pols:
            entries.append(LegendEntry("edge", pol or "no polarity", self.edge_colour(pol)))
        for c in sorted(set(communities)):
            entries.append(LegendEntry("community", f"community {c + 1}", self.community_colour(c)))
        return entries


DEFAULT_STYLE = Style()
"""The style of every page unless another is passed."""
