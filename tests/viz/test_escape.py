"""Escaping helpers: JSON that cannot leave its <script>, URL path segments, link schemes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caucasus_kg.viz.escape import safe_href, script_json, url_path

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_script_json_round_trips_and_never_closes_the_script(value):
    text = str(script_json(value))
    assert json.loads(text) == value
    for bad in ("<", ">", "&", "'", "\u2028", "\u2029"):
        assert bad not in text


@pytest.mark.parametrize(
    "payload",
    ["</script><script>alert(1)</script>", "<!--<script>", "]]></script>", "\u2028\u2029", "</SCRIPT >"],
)
def test_script_json_payloads(payload):
    text = str(script_json({"label": payload}))
    assert "</" not in text.lower() and "<!--" not in text
    assert json.loads(text)["label"] == payload


@given(st.text())
def test_url_path_is_one_segment(value):
    encoded = url_path(value)
    assert not set(encoded) & set("/?#<>\"' \\")


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        ("https://www.wikidata.org/wiki/Q227", "https://www.wikidata.org/wiki/Q227"),
        ("http://example.org/a", "http://example.org/a"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/x", None),
        ("https://x.org/\"onmouseover=alert(1)", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_href(iri, expected):
    assert safe_href(iri) == expected
