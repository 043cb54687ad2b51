"""Signed relations (structural balance, friend-of-enemy) and time comparisons on the tiny fixture.

The fixture's signed pairs (all time, undated facts included): Avalon + Borduria (allied),
Borduria - Carpania (tensions), Avalon ? Carpania (cooperated 2015-2019, criticised 2021: mixed),
Carpania + Dorvia (allied), Dorvia - Borduria (criticised 2020), Elbonia - Avalon (pressed 2022; the
neutral "maintains relations" is ignored), Pat Envoy + Avalon (envoy), Dorvia + Elbonia (economic ties).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from caucasus_kg.graph import EntityNotFound, InvalidArgument, KnowledgeGraph
from caucasus_kg.graph import analysis

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "analytics_tiny.ttl"


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def tiny(request: pytest.FixtureRequest) -> KnowledgeGraph:
    return KnowledgeGraph.open(TINY, backend=request.param)


def triads(report: analysis.BalanceReport) -> list[tuple[tuple[str, ...], str, bool]]:
    return [(tuple(a.id for a in t.actors), t.kind, t.balanced) for t in report.triads]


@pytest.mark.parametrize(
    ("mixed", "filters", "expected"),
    [
        # hostile wins: Avalon-Carpania is hostile, both triangles are "two friends with a common enemy"
        ("hostile", {}, [(("Avalon", "Borduria", "Carpania"), "+--", True),
                         (("Borduria", "Carpania", "Dorvia"), "+--", True)]),
        # cooperative wins: Avalon + Carpania + Borduria, but Borduria - Carpania: unbalanced
        ("cooperative", {}, [(("Avalon", "Borduria", "Carpania"), "++-", False),
                             (("Borduria", "Carpania", "Dorvia"), "+--", True)]),
        # 1 cooperative vs 1 hostile: a tie, so the pair is left out, and so is its triangle
        ("majority", {}, [(("Borduria", "Carpania", "Dorvia"), "+--", True)]),
        ("skip", {}, [(("Borduria", "Carpania", "Dorvia"), "+--", True)]),
        # as of 2018 Avalon still cooperated with Carpania, and Dorvia had not criticised Borduria
        ("hostile", {"as_of": "2018"}, [(("Avalon", "Borduria", "Carpania"), "++-", False)]),
        ("hostile", {"as_of": "2018", "include_undated": False}, [(("Avalon", "Borduria", "Carpania"), "++-", False)]),
        # in 2020 Avalon and Carpania have no tie; Dorvia criticised Borduria
        ("hostile", {"as_of": "2020"}, [(("Borduria", "Carpania", "Dorvia"), "+--", True)]),
        ("hostile", {"as_of": "2020", "include_undated": False}, []),
        ("hostile", {"relations": ["alliedWith", "tensionsWith", "criticised"]},
         [(("Avalon", "Borduria", "Carpania"), "+--", True), (("Borduria", "Carpania", "Dorvia"), "+--", True)]),
        ("hostile", {"polarity": "hostile"}, []),
    ],
)
def test_structural_balance(tiny: KnowledgeGraph, mixed: str, filters: dict, expected: list) -> None:
    report = analysis.structural_balance(tiny, mixed=mixed, **filters)
    assert triads(report) == expected
    assert report.triads_total == len(expected)
    assert report.balanced == sum(b for *_, b in expected) and report.unbalanced == len(expected) - report.balanced
    assert sum(report.counts_by_kind.values()) == len(expected)
    if expected:
        assert report.balance_ratio == pytest.approx(report.balanced / len(expected))
    else:
        assert report.balance_ratio is None


def test_balance_report_details(tiny: KnowledgeGraph) -> None:
    report = analysis.structural_balance(tiny)
    assert (report.positive_ties, report.negative_ties) == (4, 4)
    (mixed,) = report.mixed_ties
    assert (mixed.a.id, mixed.b.id, mixed.sign, mixed.cooperative, mixed.hostile) == ("Avalon", "Carpania", "-", 1, 1)
    assert sorted(e.label for e in mixed.relations) == ["cooperates with", "criticised"]
    first = report.triads[0]
    assert [(t.a.id, t.sign, t.b.id) for t in first.ties] == [
        ("Avalon", "+", "Borduria"), ("Avalon", "-", "Carpania"), ("Borduria", "-", "Carpania")]
    assert first.text() == "balanced +--: Avalon + Borduria, Avalon - Carpania, Borduria - Carpania"
    # the unbalanced triads come first
    assert analysis.structural_balance(tiny, mixed="cooperative").triads[0].balanced is False


def test_only_actors_take_part_by_default(tiny: KnowledgeGraph) -> None:
    S = analysis.signed_graph(tiny)
    assert {tiny.entity(n).id for n in S} == {
        "Avalon", "Borduria", "Carpania", "Dorvia", "Elbonia", "Lonely_Isle", "Pat_Envoy"}
    assert S.number_of_edges() == 8
    everything = analysis.signed_graph(tiny, types=None)
    assert "https://w3id.org/caucasus-kg/id/Kivi_summit" in everything


def test_direction_is_ignored_and_multi_edges_combine(tiny: KnowledgeGraph) -> None:
    S = analysis.signed_graph(tiny)
    ckr = "https://w3id.org/caucasus-kg/id/"
    assert S[ckr + "Borduria"][ckr + "Dorvia"]["sign"] == -1  # Dorvia criticised Borduria
    assert S[ckr + "Avalon"][ckr + "Elbonia"]["sign"] == -1  # pressed (hostile) + maintains relations (neutral)
    assert S[ckr + "Avalon"][ckr + "Carpania"]["sign"] == -1
    assert analysis.signed_graph(tiny, mixed="cooperative")[ckr + "Avalon"][ckr + "Carpania"]["sign"] == 1
    assert not analysis.signed_graph(tiny, mixed="skip").has_edge(ckr + "Avalon", ckr + "Carpania")


def test_friends_of_enemies(tiny: KnowledgeGraph) -> None:
    rows = analysis.friends_of_enemies(tiny, "Avalon")
    # Avalon's enemies: Carpania (mixed, hostile wins) and Elbonia; Dorvia is a friend of both
    assert [(r.actor.id, r.via.id, r.first.sign, r.second.sign, r.predicted, r.direct, r.consistent) for r in rows] == [
        ("Dorvia", "Carpania", "-", "+", "-", None, None),
        ("Dorvia", "Elbonia", "-", "+", "-", None, None),
    ]
    assert analysis.friends_of_enemies(tiny, "Avalon", mixed="cooperative")[0].via.id == "Elbonia"


@pytest.mark.parametrize(
    ("pattern", "actor", "expected"),
    [
        ("--", "Borduria", [("Avalon", "Carpania", "+", "+", True)]),
        ("+-", "Avalon", [("Carpania", "Borduria", "-", "-", True), ("Dorvia", "Borduria", "-", None, None)]),
        ("++", "Pat", [("Borduria", "Avalon", "+", None, None)]),
        ("-+", "Lonely Isle", []),
    ],
)
def test_signed_neighbours_patterns(tiny: KnowledgeGraph, pattern: str, actor: str, expected: list) -> None:
    rows = analysis.signed_neighbours(tiny, actor, pattern=pattern)
    assert [(r.actor.id, r.via.id, r.predicted, r.direct, r.consistent) for r in rows] == expected


def test_signed_errors(tiny: KnowledgeGraph) -> None:
    with pytest.raises(InvalidArgument):
        analysis.signed_neighbours(tiny, "Avalon", pattern="+")
    with pytest.raises(InvalidArgument):
        analysis.structural_balance(tiny, mixed="average")
    with pytest.raises(EntityNotFound):
        analysis.friends_of_enemies(tiny, "Atlantis")


def edge_ids(edges) -> list[tuple[str, str, str]]:
    return [(e.subject.id, e.predicate.rsplit("#", 1)[1], e.object.id) for e in edges]


def test_diff_between_two_dates(tiny: KnowledgeGraph) -> None:
    change = analysis.diff(tiny, "2018", "2021")
    assert (change.before, change.after) == ("2018", "2021")
    assert edge_ids(change.appeared) == [("Avalon", "criticised", "Carpania")]
    assert edge_ids(change.disappeared) == [("Avalon", "cooperatesWith", "Carpania")]
    (flip,) = change.polarity_changed
    assert (flip.a.id, flip.b.id, flip.before, flip.after) == ("Avalon", "Carpania", "cooperative", "hostile")
    assert edge_ids(flip.relations_before) == [("Avalon", "cooperatesWith", "Carpania")]
    assert change.appeared[0].times == ("2021",)


@pytest.mark.parametrize(
    ("before", "after", "appeared", "disappeared"),
    [
        ("2019-05", "2020",
         [("Dorvia", "criticised", "Borduria")],
         [("Avalon", "cooperatesWith", "Carpania"), ("Borduria", "participatedIn", "Kivi_summit"),
          ("Pat_Envoy", "participatedIn", "Kivi_summit")]),
        ("2021", "2022", [("Elbonia", "pressed", "Avalon")], [("Avalon", "criticised", "Carpania")]),
        # windows: everything dated in 2015-2017 against 2019 only
        (("2015", "2017"), ("2019", "2019"),
         [("Borduria", "participatedIn", "Kivi_summit"), ("Pat_Envoy", "participatedIn", "Kivi_summit")], []),
        ("2009", "2010", [("Avalon", "alliedWith", "Borduria")], []),
    ],
)
def test_diff_table(tiny: KnowledgeGraph, before, after, appeared, disappeared) -> None:
    change = analysis.diff(tiny, before, after)
    assert edge_ids(change.appeared) == appeared
    assert edge_ids(change.disappeared) == disappeared


def test_diff_undated_facts_never_change_and_filters_apply(tiny: KnowledgeGraph) -> None:
    a = analysis.diff(tiny, "2018", "2021", include_undated=False)
    b = analysis.diff(tiny, "2018", "2021")
    assert edge_ids(a.appeared) == edge_ids(b.appeared) and edge_ids(a.disappeared) == edge_ids(b.disappeared)
    hostile = analysis.diff(tiny, "2018", "2021", polarity="hostile")
    assert edge_ids(hostile.appeared) == [("Avalon", "criticised", "Carpania")] and hostile.disappeared == ()
    assert hostile.polarity_changed == ()  # no hostile pair existed in 2018 to change
    with pytest.raises(InvalidArgument):
        analysis.diff(tiny, "2018", "2021", as_of="2019")
    with pytest.raises(InvalidArgument):
        analysis.diff(tiny, "last year", "2021")


def test_bundled_balance_report_reads_as_expected(bundled_kg: KnowledgeGraph) -> None:
    report = analysis.structural_balance(bundled_kg)
    labels = [{a.label for a in t.actors} for t in report.triads]
    assert {"Azerbaijan", "Russia", "Turkey"} in labels
    (mixed,) = [t for t in report.mixed_ties if {t.a.label, t.b.label} == {"Azerbaijan", "Russia"}]
    assert mixed.cooperative >= 1 and mixed.hostile >= 1
    flipped = analysis.structural_balance(bundled_kg, mixed="cooperative")
    triad = next(t for t in flipped.triads if {a.label for a in t.actors} == {"Azerbaijan", "Russia", "Turkey"})
    assert triad.kind == "++-" and not triad.balanced


@pytest.mark.parametrize("limit", [0, 1, None])
def test_balance_limit_lists_fewer_triads_but_counts_all(tiny: KnowledgeGraph, limit) -> None:
    report = analysis.structural_balance(tiny, mixed="cooperative", limit=limit)
    assert (report.triads_total, report.balanced, report.unbalanced) == (2, 1, 1)
    assert report.counts_by_kind == {"+++": 0, "+--": 1, "++-": 1, "---": 0}
    expected = [("Avalon", "Borduria", "Carpania"), ("Borduria", "Carpania", "Dorvia")][: 2 if limit is None else limit]
    assert [tuple(a.id for a in t.actors) for t in report.triads] == expected
