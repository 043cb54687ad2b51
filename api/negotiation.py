"""Content negotiation: pick a format of the registry (``caucasus_kg.graph.formats``) from an ``Accept`` header."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..graph.formats import RDF_FORMATS, RESULT_FORMATS

__all__ = ["GRAPH_OFFERS", "HTML", "RESULT_OFFERS", "Offer", "negotiate", "supported"]


@dataclass(frozen=True)
class Offer:
    """A format we can send: its name in the registry, its media type and the other names clients use for it."""

    format: str
    media_type: str
    aliases: tuple[str, ...] = ()

    def accepts(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


RESULT_OFFERS: tuple[Offer, ...] = (
    Offer("json", RESULT_FORMATS["json"].media_type, ("application/json", "text/javascript", "application/javascript")),
    Offer("xml", RESULT_FORMATS["xml"].media_type, ("application/xml", "text/xml")),
    Offer("csv", RESULT_FORMATS["csv"].media_type),
    Offer("tsv", RESULT_FORMATS["tsv"].media_type),
)
"""SELECT and ASK results, the default first."""

GRAPH_OFFERS: tuple[Offer, ...] = (
    Offer("ttl", RDF_FORMATS["ttl"].media_type, ("application/turtle", "application/x-turtle")),
    Offer("nt", RDF_FORMATS["nt"].media_type),
    Offer("jsonld", RDF_FORMATS["jsonld"].media_type, ("application/json", "application/x-json+ld")),
    Offer("xml", RDF_FORMATS["xml"].media_type, ("application/xml", "text/xml")),
)
"""CONSTRUCT and DESCRIBE results, graphs of the Graph Store Protocol and service descriptions."""

HTML = Offer("html", "text/html", ("application/xhtml+xml",))


def _ranges(accept: str) -> list[tuple[str, str, float]]:
    out = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        kind = fields[0].lower()
        if not kind:
            continue
        if kind == "*":
            kind = "*/*"
        if "/" not in kind:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        main, sub = kind.split("/", 1)
        out.append((main, sub, q))
    return out


def _quality(media_type: str, ranges: list[tuple[str, str, float]]) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching ``media_type``; q 0 when none matches."""
    main, sub = media_type.split("/", 1)
    best = (0.0, -1)
    for r_main, r_sub, q in ranges:
        if (r_main, r_sub) == (main, sub):
            spec = 2
        elif r_main == main and r_sub == "*":
            spec = 1
        elif (r_main, r_sub) == ("*", "*"):
            spec = 0
        else:
            continue
        if spec > best[1]:
            best = (q, spec)
    return best[0], best[1]


def negotiate(accept: str | None, offers: Sequence[Offer]) -> Offer | None:
    """The offer the client prefers: the first when ``Accept`` is absent or empty, None when none is acceptable.

    Each offer takes the quality of the most specific range that matches its
    media type or an alias; the highest quality wins, then the more specific
    match, then the order of ``offers``.

    Examples
    --------
    >>> negotiate("text/csv", RESULT_OFFERS).format
    'csv'
    >>> negotiate("application/json", GRAPH_OFFERS).format
    'jsonld'
    >>> negotiate("text/html,application/xhtml+xml,*/*;q=0.8", (*GRAPH_OFFERS, HTML)).format
    'html'
    >>> negotiate("image/png", RESULT_OFFERS) is None
    True
    """
    if accept is None or not accept.strip():
        return offers[0] if offers else None
    ranges = _ranges(accept)
    if not ranges:
        return offers[0] if offers else None
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, offer in enumerate(offers):
        q, spec = max(_quality(media, ranges) for media in offer.accepts())
        if q <= 0:
            continue
        key = (q, spec, -index)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen


def supported(offers: Sequence[Offer]) -> str:
    """The media types of ``offers``, for error messages."""
    return ", ".join(offer.media_type for offer in offers)
