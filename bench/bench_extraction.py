"""Quality of the extractor: precision and recall on the seed article against its curated claims.

The answer key is the set of (subject, relation, object) of the curated claims of
``data/curated/claims-000_4fb1f75b4de7c57b.ttl``; symmetric relations count as
unordered pairs. The extractor runs on the article text with a gazetteer built
from a graph that holds the entities, the sources and the other curated claims
but **not** the answer key (the key's claims could otherwise leak into the
gazetteer, e.g. through names derived from ``ckg:locatedIn``). A second row
runs with the full bundled graph, for comparison.

Run: ``.venv/bin/python bench/bench_extraction.py [--show]`` (``--show`` lists the
true positives, false positives and false negatives).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, print_table, write_results  # noqa: E402

from caucasus_kg.data import DATA_DIR  # noqa: E402
from caucasus_kg.graph import KnowledgeGraph  # noqa: E402
from caucasus_kg.graph.extraction import Extractor  # noqa: E402
from caucasus_kg.graph.gazetteer import Gazetteer  # noqa: E402

ARTICLE_ID = "000_4fb1f75b4de7c57b"
KEY_FILE = DATA_DIR / "curated" / f"claims-{ARTICLE_ID}.ttl"


def _key(kg: KnowledgeGraph) -> tuple[set[tuple], dict[str, bool]]:
    relations = kg.relations()
    symmetric = {iri: info["symmetric"] for iri, info in relations.items()}
    rows = kg.query(
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ ?c a ckg:Claim ; prov:wasDerivedFrom src:{ARTICLE_ID} ; "
        "rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }",
        max_rows=100_000,
    ).rows
    return {_norm(str(s), str(p), str(o), symmetric) for s, p, o in rows}, symmetric


def _norm(s: str, p: str, o: str, symmetric: dict[str, bool]) -> tuple:
    return (p, *sorted((s, o))) if symmetric.get(p) else (p, s, o)


def score(kg_for_gazetteer: KnowledgeGraph, key: set[tuple], symmetric: dict[str, bool], text: str) -> dict:
    t0 = time.perf_counter()
    gazetteer = Gazetteer.from_graph(kg_for_gazetteer)
    extractor = Extractor(gazetteer, symmetric=[i.rsplit("#", 1)[-1] for i, s in symmetric.items() if s])
    result = extractor.extract(text)
    seconds = time.perf_counter() - t0
    ns = "https://w3id.org/caucasus-kg/ontology#"
    found = {_norm(c.subject, ns + c.relation, c.object, symmetric) for c in result.candidates}
    tp, fp, fn = found & key, found - key, key - found
    precision = len(tp) / len(found) if found else 0.0
    recall = len(tp) / len(key) if key else 0.0
    return {
        "candidates": len(result.candidates),
        "distinct_triples": len(found),
        "tp": len(tp),
        "fp": len(fp),
        "fn": len(fn),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "unknown_actors": len(result.unknown_actors),
        "seconds": round(seconds, 3),
        "_sets": (tp, fp, fn),
    }


def _short(triple: tuple) -> str:
    p, s, o = triple
    return f"{s.rsplit('/', 1)[-1]} {p.rsplit('#', 1)[-1]} {o.rsplit('/', 1)[-1]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list true positives, false positives and false negatives")
    args = parser.parse_args(argv)

    text = (DATA_DIR / "sources" / f"{ARTICLE_ID}.txt").read_text(encoding="utf-8")
    full = KnowledgeGraph.open()
    key, symmetric = _key(full)
    without_key = KnowledgeGraph.open(*[p for p in KnowledgeGraph.bundled_paths() if p != KEY_FILE])

    rows, results = [], {}
    for name, graph in (
        ("gazetteer without the answer key", without_key),
        ("gazetteer from the full bundled graph", full),
    ):
        r = score(graph, key, symmetric, text)
        results[name] = {k: v for k, v in r.items() if not k.startswith("_")}
        rows.append(
            [
                name,
                r["candidates"],
                r["distinct_triples"],
                len(key),
                r["tp"],
                r["fp"],
                r["fn"],
                f"{r['precision']:.3f}",
                f"{r['recall']:.3f}",
                f"{r['f1']:.3f}",
                f"{r['seconds']:.2f} s",
            ]
        )
        if args.show:
            tp, fp, fn = r["_sets"]
            print(f"\n== {name}")
            for label, items in (("TP", tp), ("FP", fp), ("FN", fn)):
                for triple in sorted(items):
                    print(f"  {label}  {_short(triple)}")
    print_table(
        f"Extractor on {ARTICLE_ID} vs its curated claims ((subject, relation, object); symmetric relations unordered)",
        ["gazetteer", "candidates", "triples", "key", "TP", "FP", "FN", "precision", "recall", "F1", "time"],
        rows,
    )
    path = write_results("extraction", {"article": ARTICLE_ID, "key_triples": len(key), "results": results})
    print(f"\nresults: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
