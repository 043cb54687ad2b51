"""The extractor: sentences, times, gazetteer readings, patterns, candidates and what it reports."""

from __future__ import annotations

import doctest
import importlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caucasus_kg.data import DATA_DIR
from caucasus_kg.graph import DataError, KnowledgeGraph
from caucasus_kg.graph.extraction import Extractor, compile_pattern, find_times, load_patterns, split_sentences
from caucasus_kg.graph.gazetteer import Gazetteer, load_extension
from caucasus_kg.ontology import CKR

from ..conftest import ARTICLE_ID, FIXTURES

ARTICLE = (DATA_DIR / "sources" / f"{ARTICLE_ID}.txt").read_text(encoding="utf-8")
FIXTURE_ARTICLE = (FIXTURES / "article_peace_talks.txt").read_text(encoding="utf-8")
# What a pattern's example needs to have been said before it (a war, talks, a corridor, a person).
CONTEXT = (
    "The ceasefire agreement was signed. The 2020 Nagorno-Karabakh conflict ended. The talks in Baku began. "
    "Alexei Dyumin arrived. The Lachin corridor is closed. "
)


@pytest.fixture(scope="module")
def gazetteer(bundled_kg: KnowledgeGraph) -> Gazetteer:
    return Gazetteer.from_graph(bundled_kg)


@pytest.fixture(scope="module")
def extractor(gazetteer: Gazetteer, bundled_kg: KnowledgeGraph) -> Extractor:
    symmetric = [r["id"] for r in bundled_kg.relations().values() if r["symmetric"]]
    return Extractor(gazetteer, symmetric=symmetric)


@pytest.fixture(scope="module")
def seed(extractor: Extractor):
    return extractor.extract(ARTICLE)


def _triples(result) -> set[tuple[str, str, str]]:
    return {(c.subject.rsplit("/", 1)[-1], c.relation, c.object.rsplit("/", 1)[-1]) for c in result.candidates}


# ---------------------------------------------------------------------------- sentences and times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", ["One.", "Two."]),
        (
            "Headline Without Stop\n\nBody starts here. It ends.",
            ["Headline Without Stop", "Body starts here.", "It ends."],
        ),
        ("Mr. Lavrov met Gen. Hasanov. Then he left.", ["Mr. Lavrov met Gen. Hasanov.", "Then he left."]),
        ("The U.S. envoy spoke. The E.U. did not.", ["The U.S. envoy spoke.", "The E.U. did not."]),
        ("He said: “We agree.” Then talks ended.", ["He said: “We agree.”", "Then talks ended."]),
        ("In 2020 the war ended. 44 days of fighting.", ["In 2020 the war ended.", "44 days of fighting."]),
        ("   ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == expected
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_split_sentences_keeps_offsets_on_the_seed_article() -> None:
    sentences = split_sentences(ARTICLE)
    assert len(sentences) > 60
    assert all(ARTICLE[s.start : s.end] == s.text for s in sentences)
    assert sentences[0].text.startswith("Russia-Azerbaijan Tensions")  # the headline is its own sentence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talks began in 2023.", [("2023", "point")]),
        ("On 12 December 2022 the road was blocked.", [("2022-12-12", "point")]),
        ("On December 12, 2022 the road was blocked.", [("2022-12-12", "point")]),
        ("In September 2023 Baku launched an offensive.", [("2023-09", "point")]),
        ("The ceasefire of 2020-11-10 held.", [("2020-11-10", "point")]),
        ("Since 2020 peacekeepers patrol it.", [("2020", "start")]),
        ("The mission lasted until 2024.", [("2024", "end")]),
        ("The war (1988-1994) ended.", [("1988", "start"), ("1994", "end")]),
        ("From 2008 to 2012 he was president.", [("2008", "start"), ("2012", "end")]),
        ("Some 2000 troops and 1500 km of border.", []),
        ("No date on 31 February 2021 exists.", [("2021-02", "point")]),
    ],
)
def test_find_times(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(t.value, t.role) for t in find_times(text)] == expected


# ---------------------------------------------------------------------------- gazetteer


def test_gazetteer_readings_by_kind(gazetteer: Gazetteer) -> None:
    assert [(r.label, r.kind) for r in gazetteer.lookup("Baku")] == [("Baku", "label"), ("Azerbaijan", "metonym")]
    assert gazetteer.actor("Baku").iri == str(CKR.Azerbaijan)  # an actor reading beats a place
    assert gazetteer.actor("the Kremlin").iri == str(CKR.Russia)
    assert gazetteer.actor("Azerbaijani").kind == "demonym"
    assert gazetteer.actor("security") is None  # a topic is never an actor
    assert gazetteer.actor("Nagorno-Karabakh").iri == str(CKR.Nagorno_Karabakh)  # a place when no actor fits


def test_gazetteer_extension_adds_names_and_proposes_entities(gazetteer: Gazetteer) -> None:
    lavrov = gazetteer.actor("Sergey Viktorovich Lavrov")
    assert lavrov.iri == str(CKR.Sergey_Lavrov) and lavrov.new is not None and lavrov.new.wikidata == "Q58217"
    # an extension entry that matches a curated entity only adds names to it
    assert gazetteer.actor("Republic of Artsakh").iri == str(CKR.Nagorno_Karabakh)
    assert gazetteer.actor("Republic of Artsakh").new is None
    assert gazetteer.actor("White House").iri == str(CKR.United_States)


def test_gazetteer_without_extension_knows_only_the_graph(bundled_kg: KnowledgeGraph) -> None:
    plain = Gazetteer.from_graph(bundled_kg, extension={})
    assert plain.actor("Sergey Lavrov") is None
    assert plain.actor("Azerbaijan").iri == str(CKR.Azerbaijan)


@pytest.mark.parametrize(
    ("text", "surfaces"),
    [
        ("Turkey and turkey", ["Turkey"]),  # capitalised names only capitalised
        ("the US and us", ["the US"]),  # acronyms only as written
        ("talks on Security and security", ["Security", "security"]),  # lower-case names in any case
        ("Erdogan met Erdoğan", ["Erdogan", "Erdoğan"]),  # every written form of a name
        ("Russia-Azerbaijan ties", ["Russia", "Azerbaijan"]),
    ],
)
def test_name_matching_rules(gazetteer: Gazetteer, text: str, surfaces: list[str]) -> None:
    assert [m.text for m in gazetteer.find_names(text)] == surfaces


def test_gazetteer_extension_file_is_valid() -> None:
    ext = load_extension()
    ids = [e.get("id") for e in ext["entities"]]
    assert len(ids) == len(set(ids)), "duplicate ids in gazetteer.json"
    assert all(e["type"] and e["label"] for e in ext["entities"])


def test_bad_extension_file_is_a_data_error(tmp_path, bundled_kg: KnowledgeGraph) -> None:
    bad = tmp_path / "gaz.json"
    bad.write_text("{ not json", encoding="utf-8")
    with pytest.raises(DataError, match="gaz.json"):
        Gazetteer.from_graph(bundled_kg, extension=bad)
    with pytest.raises(DataError, match="unknown type"):
        Gazetteer.from_graph(bundled_kg, extension={"entities": [{"label": "X", "type": "Planet"}]})


# ---------------------------------------------------------------------------- patterns


PATTERNS = load_patterns()


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.id for p in PATTERNS])
def test_every_pattern_reads_its_own_example(pattern, extractor: Extractor) -> None:
    """The pattern file documents each pattern with an example; the example must fire it."""
    assert pattern.example, f"{pattern.id} has no example"
    result = extractor.extract(CONTEXT + pattern.example + ".")
    hits = [c for c in result.candidates if c.pattern == pattern.id]
    assert hits, f"{pattern.id} does not read {pattern.example!r}"
    assert all(c.relation == pattern.relation for c in hits)


def test_pattern_relations_exist_in_the_ontology(bundled_kg: KnowledgeGraph) -> None:
    relations = {r["id"] for r in bundled_kg.relations().values()}
    assert {p.relation for p in PATTERNS} <= relations


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tensions between {A} and {B} (", "does not compile"),
        ("{A} meets {A}", "appears twice"),
        ("just words", "needs a subject slot"),
    ],
)
def test_bad_patterns_are_data_errors(text: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        compile_pattern("bad", "criticised", text)


def test_pattern_file_errors_name_the_file(tmp_path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"patterns": [{"id": "x", "relation": "criticised", "pattern": "{A} ( {B}"}]}))
    with pytest.raises(DataError, match=r"p\.json.*'x'"):
        load_patterns(path)


# ---------------------------------------------------------------------------- candidates


@pytest.mark.parametrize("text", [ARTICLE, FIXTURE_ARTICLE], ids=["seed", "fixture"])
def test_quotes_are_verbatim_at_their_offsets(extractor: Extractor, text: str) -> None:
    result = extractor.extract(text)
    assert result.candidates
    for c in result.candidates:
        assert text[c.start : c.end] == c.quote
        assert c.pattern and 0 < c.confidence <= 1
        assert c.modality in ("stated", "expected")


def test_seed_article_candidates(seed) -> None:
    found = _triples(seed)
    for expected in [
        ("Alexei_Dyumin", "visited", "Baku"),  # 'flew to Baku': the city
        ("Alexei_Dyumin", "envoyTo", "Azerbaijan"),  # 'the envoy to Baku': the state (metonym)
        ("Azerbaijan", "closed", "Lachin_Corridor"),  # 'the corridor' resolved to the last corridor named
        ("Turkey", "alliedWith", "Azerbaijan"),
        ("Russian_peacekeepers", "armedForceOf", "Russia"),  # 'peacekeeping forces' of Russia
        ("United_States", "urgedPeacefulResolution", "Russia"),
        ("European_Union", "urgedPeacefulResolution", "Azerbaijan"),
    ]:
        assert expected in found
    by_key = {c.key: c for c in seed.candidates}
    envoy = by_key[(str(CKR.Alexei_Dyumin), "envoyTo", str(CKR.Azerbaijan))]
    assert "metonym" in envoy.note and envoy.confidence < 0.8
    closure = by_key[(str(CKR.Azerbaijan), "closed", str(CKR.Lachin_Corridor))]
    assert "'the corridor' read as Lachin corridor" in closure.note
    press = by_key[(str(CKR.Russia), "pressed", str(CKR.Azerbaijan))]
    assert press.modality == "expected"  # 'likely to press'
    ended = next(c for c in seed.candidates if c.relation == "ended")
    assert ended.point_in_time == "2020"
    assert not seed.unknown_actors


def test_results_are_deterministic(extractor: Extractor, seed) -> None:
    assert extractor.extract(ARTICLE) == seed


def test_unknown_actors_are_reported_not_dropped(extractor: Extractor) -> None:
    result = extractor.extract(FIXTURE_ARTICLE)
    unknown = {u.text for u in result.unknown_actors}
    assert "Hovik Abrahamyan" in unknown
    report = next(u for u in result.unknown_actors if u.text == "Hovik Abrahamyan")
    assert report.role == "subject" and report.relation == "consultedWith"
    assert FIXTURE_ARTICLE[report.start : report.end] == "Hovik Abrahamyan"
    assert not any("Abrahamyan" in c.subject_text for c in result.candidates)


def test_new_entities_are_proposed_with_their_type(extractor: Extractor) -> None:
    result = extractor.extract("Azerbaijani troops shelled Armenia. Sergey Lavrov met with Jeyhun Bayramov.")
    entities = {e.label: e for e in result.entities}
    assert entities["Military (Azerbaijan)"].type == "ArmedForce"
    assert "Azerbaijani troops" in entities["Military (Azerbaijan)"].aliases
    assert entities["Sergey Lavrov"].type == "Person"
    assert ("Military_Azerbaijan", "armedForceOf", "Azerbaijan") in _triples(result)
    assert ("Military_Azerbaijan", "usedForceAgainst", "Armenia") in _triples(result)
    assert ("Sergey_Lavrov", "consultedWith", "Jeyhun_Bayramov") in _triples(result)


@pytest.mark.parametrize(
    ("text", "relation", "expected"),
    [
        ("Azerbaijan blockaded the Lachin corridor in December 2022.", "closed", ("2022-12", None, None)),
        (
            "Since 2020 Russian peacekeepers have been deployed in Nagorno-Karabakh.",
            "stationedIn",
            (None, "2020", None),
        ),
        ("Turkey criticised Armenia on 3 May 2021.", "criticised", ("2021-05-03", None, None)),
        ("Turkey criticised Armenia.", "criticised", (None, None, None)),
    ],
)
def test_dates_become_time_qualifiers(extractor: Extractor, text: str, relation: str, expected: tuple) -> None:
    c = next(c for c in extractor.extract(text).candidates if c.relation == relation)
    assert (c.point_in_time, c.start_time, c.end_time) == expected


def test_a_year_inside_another_name_is_not_a_qualifier(extractor: Extractor) -> None:
    text = (
        "The talks in Baku began. The agenda is likely to include the ceasefire agreement that ended "
        "the 2020 Nagorno-Karabakh conflict."
    )
    result = extractor.extract(text)
    topic = next(c for c in result.candidates if c.relation == "hasTopic")
    ended = next(c for c in result.candidates if c.relation == "ended")
    assert topic.point_in_time is None and topic.modality == "expected"
    assert ended.point_in_time == "2020"


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("Russia is not keen to maintain its influence in the South Caucasus.", "seeksInfluenceIn"),
        (
            "The EU has not called for a peaceful resolution to the tensions between Russia and Azerbaijan.",
            "urgedPeacefulResolution",
        ),
    ],
)
def test_negated_matches_give_no_candidate(extractor: Extractor, text: str, relation: str) -> None:
    result = extractor.extract(text)
    assert not [c for c in result.candidates if c.relation == relation]
    assert result.negated >= 1
    assert extractor.extract(text.replace(" not", "").replace("has called", "has called")).candidates


def test_a_type_that_does_not_fit_skips_the_reading(extractor: Extractor) -> None:
    # 'Baku' after 'flew to' is the city; after 'envoy to' the state
    result = extractor.extract("Alexei Dyumin flew to Baku. The choice of Dyumin as the envoy to Baku was noted.")
    assert ("Alexei_Dyumin", "visited", "Baku") in _triples(result)
    assert ("Alexei_Dyumin", "envoyTo", "Azerbaijan") in _triples(result)
    assert ("Alexei_Dyumin", "envoyTo", "Baku") not in _triples(result)


NAMES = ["Russia", "Azerbaijan", "Armenia", "Turkey", "Baku", "the Kremlin", "Lachin corridor", "Putin", "Georgia"]
WORDS = [
    "criticised",
    "tensions",
    "between",
    "and",
    "ally",
    "of",
    "a",
    "key",
    "the",
    "closed",
    "met",
    "with",
    "visited",
    "in",
    "2021",
    ",",
    ".",
    "not",
    "his",
    "its",
    "influence",
    "-",
    "relations",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(NAMES + WORDS), min_size=1, max_size=40))
def test_property_quotes_always_verbatim(extractor: Extractor, tokens: list[str]) -> None:
    text = " ".join(tokens)
    result = extractor.extract(text)
    for c in result.candidates:
        assert text[c.start : c.end] == c.quote
        assert c.subject != c.object
    for u in result.unknown_actors:
        assert text[u.start : u.end] == u.text


# ---------------------------------------------------------------------------- module surface


MODULES = ["extraction", "gazetteer", "ingest", "events"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"caucasus_kg.graph.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("name", MODULES)
def test_public_surface_is_sorted(name: str) -> None:
    module = importlib.import_module(f"caucasus_kg.graph.{name}")
    assert module.__all__ == sorted(module.__all__)
    assert all(hasattr(module, attr) for attr in module.__all__)
