"""The caucasus-kg vocabulary: OWL/RDFS ontology and SHACL shapes as Turtle, and closed namespaces."""

from importlib.resources import files
from pathlib import Path

from .namespace import CKG, CKR, CLM, SRC, WD

__all__ = ["CKG", "CKR", "CLM", "ONTOLOGY_PATH", "PREFIXES", "SHAPES_PATH", "SRC", "WD"]

ONTOLOGY_PATH: Path = Path(str(files(__name__) / "ckg.ttl"))
"""The ontology as Turtle."""
SHAPES_PATH: Path = Path(str(files(__name__) / "shapes.ttl"))
"""SHACL shapes that curated data must satisfy."""

PREFIXES: dict[str, str] = {
    "ckg": str(CKG._NS),
    "ckr": str(CKR),
    "src": str(SRC),
    "clm": str(CLM),
    "wd": str(WD),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
}
"""Prefixes bound in exports and accepted in queries without declaration."""
