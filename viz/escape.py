"""Escaping for each context a data string can reach in a page.

- HTML text and attributes: Jinja2 autoescape (``markupsafe.escape``) in every template.
- JSON inside ``<script type="application/json">``: :func:`script_json`, which escapes
  ``<``, ``>``, ``&``, ``'`` and U+2028/U+2029 so that no data can close the element or
  open a comment; the page's JS reads it with ``JSON.parse``, never ``eval``.
- URLs: :func:`url_path` percent-encodes ids into one path segment; links to other sites
  are only ever built from ``http``/``https`` IRIs (:func:`safe_href`).
- vis-network: labels are drawn on a canvas and string tooltips are set with ``innerText``
  by vis-network 9.1.2; no HTML (``font.multi``) or element titles are used.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlsplit

from markupsafe import Markup

__all__ = ["safe_href", "script_json", "url_path"]

_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("'"): "\\u0027",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(data: Any) -> Markup:
    """JSON safe to place inside a ``<script>`` element (and still valid JSON).

    Examples
    --------
    >>> str(script_json({"label": "</script><b>&"}))
    '{"label": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    >>> json.loads(script_json(["\\u2028</script>"])) == ["\\u2028</script>"]
    True
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":") if _large(data) else (", ", ": "), allow_nan=False)
    for char, escaped in _SCRIPT_ESCAPES.items():  # str.replace is far faster than str.translate on megabytes
        text = text.replace(chr(char), escaped)
    return Markup(text)


def _large(data: Any) -> bool:
    return isinstance(data, dict) and len(data.get("nodes", ())) > 200


def url_path(value: str) -> str:
    """``value`` percent-encoded as one URL path segment (no ``/``, ``?`` or ``#`` survive).

    Examples
    --------
    >>> url_path("Nagorno_Karabakh")
    'Nagorno_Karabakh'
    >>> url_path("a/b?c#<x>")
    'a%2Fb%3Fc%23%3Cx%3E'
    """
    return quote(value, safe="")


def safe_href(iri: str | None) -> str | None:
    """The IRI when it is an absolute ``http(s)`` URL fit for a link, else None (no ``javascript:``).

    Examples
    --------
    >>> safe_href("https://www.wikidata.org/wiki/Q227")
    'https://www.wikidata.org/wiki/Q227'
    >>> safe_href("javascript:alert(1)") is None
    True
    """
    if not iri:
        return None
    parts = urlsplit(iri)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in iri for c in "\"'<> \n\r\t\\"):
        return None
    return iri
