"""Checks shared by the viz tests: a page runs only our scripts and asks no other host for anything."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from caucasus_kg.viz.assets import ASSET_NAMES

FORBIDDEN_TAGS = {"img", "iframe", "object", "embed", "svg", "math", "base", "frame", "frameset", "applet", "video", "audio"}


def check_page(doc, *, html: str) -> dict | None:
    """Assert the parsed page is safe and offline; return the parsed ``#ckg-data`` JSON (if any)."""
    # No element from data: none of the tags a payload would need, and no event-handler attribute.
    tags = {tag for tag, _ in doc.tags}
    assert not tags & FORBIDDEN_TAGS, tags & FORBIDDEN_TAGS
    for tag, attrs in doc.tags:
        handlers = [a for a in attrs if a.lower().startswith("on")]
        assert not handlers, (tag, handlers)
        for name in ("href", "src", "action", "formaction", "srcdoc", "data"):
            value = attrs.get(name)
            if value is None:
                continue
            value = value.strip()
            scheme = urlsplit(value).scheme.lower()
            assert scheme not in ("javascript", "vbscript"), (tag, name, value)
            if tag in ("script", "link") or name == "src":
                # Resources: only same-site paths or data: URLs, never another host (no CDN).
                assert scheme in ("", "data"), (tag, name, value)
                assert not value.startswith("//"), value
            if scheme in ("http", "https"):
                # Plain links to other sites are allowed (Wikidata), but only as <a href>.
                assert tag == "a" and name == "href", (tag, name, value)
    # Only our scripts: inlined assets, linked assets, and the JSON data block.
    data = None
    for attrs, text in doc.scripts:
        if attrs.get("type") == "application/json":
            assert attrs.get("id") == "ckg-data"
            assert "<" not in text and ">" not in text and "\u2028" not in text and "\u2029" not in text
            data = json.loads(text)
        elif attrs.get("src"):
            assert attrs["src"].startswith("/viz/assets/"), attrs["src"]
        else:
            assert attrs.get("data-asset") in ASSET_NAMES, attrs
    # CSS: no import and no url() other than data: URLs.
    for css in doc.styles:
        assert "@import" not in css
        for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
            assert url.startswith("data:"), url
    # A strict CSP: nothing from other origins, scripts by hash or from this site only.
    csp = [a for a in doc.find("meta") if (a.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(csp) == 1 and "default-src 'none'" in csp[0]["content"]
    assert "unsafe-eval" not in csp[0]["content"]
    script_src = re.search(r"script-src ([^;]*)", csp[0]["content"]).group(1)
    assert "unsafe-inline" not in script_src and "*" not in script_src and "http" not in script_src
    assert html.lstrip().lower().startswith("<!doctype html>")
    return data
