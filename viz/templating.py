"""The Jinja2 environment (autoescaped) and the page shell shared by every page: assets, CSP, navigation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .assets import asset
from .escape import script_json, url_path

__all__ = ["Links", "render_page"]


@dataclass(frozen=True)
class Links:
    """URL patterns of the pages a page links to; None leaves the link out (e.g. in a saved file).

    ``{id}`` is replaced by the percent-encoded entity or source id.
    """

    entity: str | None = "/viz/entity/{id}"
    source: str | None = "/viz/source/{id}"
    home: str | None = "/"
    graph: str | None = "/viz/graph"
    centrality: str | None = "/viz/centrality"
    path: str | None = "/viz/path"
    query: str | None = "/query"
    sparql: str | None = "/sparql"
    assets: str | None = "/viz/assets/{name}?v={etag}"

    def entity_url(self, id: str) -> str | None:
        return self.entity.replace("{id}", url_path(id)) if self.entity else None

    def source_url(self, id: str) -> str | None:
        return self.source.replace("{id}", url_path(id)) if self.source else None


OFFLINE = Links(
    entity=None, source=None, home=None, graph=None, centrality=None, path=None, query=None, sparql=None, assets=None
)
"""No links and every asset inlined: the form of a page saved to a file or shown in a notebook."""


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("caucasus_kg.viz", "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["script_json"] = script_json
    env.filters["url_path"] = url_path
    return env


def render_page(
    template: str,
    *,
    title: str,
    links: Links,
    scripts: tuple[str, ...] = (),
    data: Mapping[str, Any] | None = None,
    **context: Any,
) -> str:
    """Render ``template`` with the assets inlined (``links.assets`` None) or linked, and a strict CSP.

    ``scripts`` are asset names run in order; ``data`` is placed as escaped JSON in
    ``<script type="application/json" id="ckg-data">`` for them to ``JSON.parse``.
    """
    styles = ("vis-network.min.css", "ckg.css") if "vis-network.min.js" in scripts else ("ckg.css",)
    inline = links.assets is None

    def ref(name: str) -> dict[str, Any]:
        item = asset(name)
        if inline:
            return {"inline": True, "text": item.text, "name": name}
        url = links.assets.replace("{name}", url_path(name)).replace("{etag}", item.etag)  # type: ignore[union-attr]
        return {"inline": False, "url": url, "name": name}

    script_src = " ".join(asset(n).csp_hash for n in scripts) if inline else "'self'"
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {script_src}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
        ]
    )
    return _env().get_template(template).render(
        title=title,
        links=links,
        csp=csp,
        styles=[ref(n) for n in styles],
        scripts=[ref(n) for n in scripts],
        data=data,
        **context,
    )
