"""to_json writes exactly what to_dict gives, for every kind of answer the API and the CLI send."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson
import pytest

from caucasus_kg.graph import KnowledgeGraph, to_dict, to_json
from caucasus_kg.graph import analysis

ANSWERS: dict[str, Callable[[KnowledgeGraph], Any]] = {
    "entity": lambda kg: kg.entity("Azerbaijan"),
    "entities": lambda kg: kg.find_entities("a"),
    "facts": lambda kg: kg.facts("Azerbaijan", direction="both"),
    "claims": lambda kg: list(kg.claims(subject="Azerbaijan")),
    "stats": lambda kg: kg.stats(),
    "select": lambda kg: kg.query("SELECT ?s ?o { ?s ckg:alliedWith ?o }"),
    "ask": lambda kg: kg.query("ASK { ?s ckg:alliedWith ?o }"),
    "construct": lambda kg: kg.query("CONSTRUCT { ?s ckg:alliedWith ?o } WHERE { ?s ckg:alliedWith ?o }"),
    "paths": lambda kg: {"count": 4, "paths": analysis.shortest_paths(kg, "Dyumin", "Turkey", k=4, directed=False)},
    "neighbourhood": lambda kg: analysis.neighbourhood(kg, "Azerbaijan", depth=2, evidence=True),
    "centrality": lambda kg: analysis.centrality(kg, "pagerank", top=5),
    "communities": lambda kg: analysis.communities(kg),
    "balance": lambda kg: analysis.structural_balance(kg),
    "diff": lambda kg: analysis.diff(kg, "2020", "2025"),
    "validation": lambda kg: kg.validate(shacl=False),
    "validation in a list": lambda kg: [kg.validate(shacl=False)],
}


@pytest.mark.parametrize("name", list(ANSWERS))
def test_to_json_equals_to_dict(bundled_kg: KnowledgeGraph, name: str) -> None:
    answer = ANSWERS[name](bundled_kg)
    assert orjson.loads(to_json(answer)) == json.loads(json.dumps(to_dict(answer)))
