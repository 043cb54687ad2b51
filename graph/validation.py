"""Validation: SHACL shapes (pySHACL) and the verbatim check of every claim's quote."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..ontology import SHAPES_PATH

if TYPE_CHECKING:
    from .knowledge_graph import KnowledgeGraph

__all__ = ["ValidationProblem", "ValidationReport", "validate"]


@dataclass(frozen=True)
class ValidationProblem:
    """One failed check: which node, which rule, and what was wrong."""

    focus: str
    check: str
    message: str


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`; ``conforms`` is true when there are no problems."""

    problems: tuple[ValidationProblem, ...] = field(default_factory=tuple)
    claims_checked: int = 0
    sources_checked: int = 0

    @property
    def conforms(self) -> bool:
        return not self.problems

    def text(self) -> str:
        """A readable report, one line per problem."""
        head = (
            f"{'Conforms' if self.conforms else 'Does not conform'}: "
            f"{self.claims_checked} claims and {self.sources_checked} sources checked, {len(self.problems)} problems."
        )
        return "\n".join([head, *(f"- {p.focus}: [{p.check}] {p.message}" for p in self.problems)])


def validate(kg: KnowledgeGraph, *, shacl: bool = True) -> ValidationReport:
    """Check every claim's quote against its source text, each source's SHA-256, and the SHACL shapes."""
    problems: list[ValidationProblem] = []
    texts: dict[str, str] = {}
    sources = kg.query(
        "SELECT ?src ?content ?sha WHERE { ?src ckg:content ?content OPTIONAL { ?src ckg:contentSha256 ?sha } }",
        max_rows=10_000_000,
        timeout=600,
    )
    for src, content, sha in sources.rows:
        texts[str(src)] = str(content)
        actual = hashlib.sha256(str(content).encode("utf-8")).hexdigest()
        if sha is not None and str(sha) != actual:
            problems.append(ValidationProblem(str(src), "sha256", f"content SHA-256 is {actual}, recorded {sha}"))
    claims = kg.query(
        "SELECT ?c ?src ?quote ?start ?end WHERE { ?c a ckg:Claim ; prov:wasDerivedFrom ?src ; ckg:quote ?quote ; "
        "ckg:quoteStart ?start ; ckg:quoteEnd ?end }",
        max_rows=100_000_000,
        timeout=600,
    )
    for c, src, quote, start, end in claims.rows:
        text = texts.get(str(src))
        quote, begin, stop = str(quote), int(start), int(end)
        if text is None:
            problems.append(ValidationProblem(str(c), "source", f"its source {src} has no text in the graph"))
        elif text[begin:stop] != quote:
            where = text.find(quote)
            detail = f"it occurs at {where}" if where >= 0 else "it does not occur in the source"
            problems.append(
                ValidationProblem(str(c), "quote", f"quote {quote[:60]!r} is not at [{begin}:{stop}] of {src}; {detail}")
            )
    if shacl:
        problems.extend(_shacl_problems(kg))
    return ValidationReport(tuple(problems), claims_checked=len(claims.rows), sources_checked=len(texts))


def _shacl_problems(kg: KnowledgeGraph) -> list[ValidationProblem]:
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH

    data = Graph()
    for triple in kg.triples():
        data.add(triple)
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=str(SHAPES_PATH), inference="none", advanced=True, allow_warnings=True
    )
    if conforms:
        return []
    out = []
    for result in results.subjects(SH.focusNode, None):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        rule = str(path).rsplit("#", 1)[-1].rsplit("/", 1)[-1] if path is not None else "shape"
        out.append(ValidationProblem(str(focus), rule, str(message)))
    return sorted(set(out), key=lambda p: (p.focus, p.check, p.message))
