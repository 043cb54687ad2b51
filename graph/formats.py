"""One registry of serialisation formats, chosen by name; standard serialisers only.

RDF graphs go through Oxigraph's or rdflib's serialisers, SPARQL results
through rdflib's result serialisers (TSV, which rdflib lacks, through
Oxigraph's), networkx graphs through ``networkx.readwrite`` (see analysis).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import InvalidArgument

if TYPE_CHECKING:
    from .model import QueryResult

__all__ = [
    "RDF_FORMATS",
    "RESULT_FORMATS",
    "RdfFormatSpec",
    "ResultFormatSpec",
    "guess_rdf_format",
    "rdf_format",
    "result_format",
    "serialize_result",
]


@dataclass(frozen=True)
class RdfFormatSpec:
    name: str
    media_type: str
    extension: str
    rdflib_name: str
    oxigraph: ox.RdfFormat


@dataclass(frozen=True)
class ResultFormatSpec:
    name: str
    media_type: str
    extension: str
    oxigraph: ox.QueryResultsFormat


RDF_FORMATS: dict[str, RdfFormatSpec] = {
    spec.name: spec
    for spec in (
        RdfFormatSpec("ttl", "text/turtle", "ttl", "turtle", ox.RdfFormat.TURTLE),
        RdfFormatSpec("nt", "application/n-triples", "nt", "nt", ox.RdfFormat.N_TRIPLES),
        RdfFormatSpec("nq", "application/n-quads", "nq", "nquads", ox.RdfFormat.N_QUADS),
        RdfFormatSpec("trig", "application/trig", "trig", "trig", ox.RdfFormat.TRIG),
        RdfFormatSpec("jsonld", "application/ld+json", "jsonld", "json-ld", ox.RdfFormat.JSON_LD),
        RdfFormatSpec("xml", "application/rdf+xml", "rdf", "xml", ox.RdfFormat.RDF_XML),
    )
}
"""RDF serialisations by short name."""

_RDF_ALIASES = {
    "turtle": "ttl", "n-triples": "nt", "ntriples": "nt", "nquads": "nq", "n-quads": "nq",
    "json-ld": "jsonld", "rdfxml": "xml", "rdf": "xml", "owl": "xml",
}

RESULT_FORMATS: dict[str, ResultFormatSpec] = {
    spec.name: spec
    for spec in (
        ResultFormatSpec("json", "application/sparql-results+json", "srj", ox.QueryResultsFormat.JSON),
        ResultFormatSpec("xml", "application/sparql-results+xml", "srx", ox.QueryResultsFormat.XML),
        ResultFormatSpec("csv", "text/csv", "csv", ox.QueryResultsFormat.CSV),
        ResultFormatSpec("tsv", "text/tab-separated-values", "tsv", ox.QueryResultsFormat.TSV),
    )
}
"""SPARQL SELECT/ASK result serialisations by short name."""


def rdf_format(name: str) -> RdfFormatSpec:
    """Look up an RDF format by short name, alias or media type.

    Examples
    --------
    >>> rdf_format("turtle").media_type
    'text/turtle'
    """
    key = name.strip().lower()
    key = _RDF_ALIASES.get(key, key)
    if key in RDF_FORMATS:
        return RDF_FORMATS[key]
    for spec in RDF_FORMATS.values():
        if spec.media_type == key:
            return spec
    raise InvalidArgument(f"unknown RDF format {name!r}; choose one of {', '.join(RDF_FORMATS)}")


def result_format(name: str) -> ResultFormatSpec:
    """Look up a SPARQL results format by short name or media type.

    Examples
    --------
    >>> result_format("text/csv").name
    'csv'
    """
    key = name.strip().lower()
    if key in RESULT_FORMATS:
        return RESULT_FORMATS[key]
    for spec in RESULT_FORMATS.values():
        if spec.media_type == key:
            return spec
    raise InvalidArgument(f"unknown results format {name!r}; choose one of {', '.join(RESULT_FORMATS)}")


def guess_rdf_format(path: str | Path) -> RdfFormatSpec:
    """The RDF format of a file from its extension.

    Examples
    --------
    >>> guess_rdf_format("facts.nt").name
    'nt'
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    suffix = {"json": "jsonld", "n3": "ttl", "owl": "xml"}.get(suffix, suffix)
    try:
        return rdf_format(suffix)
    except InvalidArgument:
        raise InvalidArgument(
            f"{path}: cannot tell the RDF format from the extension {('.' + suffix) if suffix else '(none)'}; "
            f"use one of .ttl .nt .nq .trig .jsonld .rdf"
        ) from None


def serialize_result(result: QueryResult, format: str) -> bytes:
    """Serialise a query result: results formats for SELECT/ASK, RDF formats for CONSTRUCT/DESCRIBE."""
    from rdflib import Graph, Variable
    from rdflib.query import Result

    if result.type in ("CONSTRUCT", "DESCRIBE"):
        spec = rdf_format(format)
        graph = Graph()
        for triple in result.triples:
            graph.add(triple)
        return graph.serialize(format=spec.rdflib_name, encoding="utf-8")
    spec = result_format(format)
    out = Result(result.type)
    if result.type == "ASK":
        out.askAnswer = bool(result.boolean)
    else:
        out.vars = [Variable(v) for v in result.variables]
        out.bindings = [
            {Variable(v): term for v, term in zip(result.variables, row) if term is not None} for row in result.rows
        ]
    if spec.name == "tsv":
        # rdflib has no TSV writer: hand rdflib's JSON to Oxigraph's TSV writer.
        json_bytes = out.serialize(format="json", encoding="utf-8")
        parsed = ox.parse_query_results(json_bytes, format=ox.QueryResultsFormat.JSON)
        if isinstance(parsed, ox.QueryBoolean):
            raise InvalidArgument("ASK results have no TSV form; use json, xml or csv")
        return parsed.serialize(format=ox.QueryResultsFormat.TSV)
    if spec.name == "csv" and result.type == "ASK":
        raise InvalidArgument("ASK results have no CSV form; use json or xml")
    return out.serialize(format=spec.name, encoding="utf-8")
