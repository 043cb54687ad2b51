"""Show the pages inline in Jupyter: a :class:`Page` renders as a sandboxed iframe.

The page HTML goes into the iframe's ``srcdoc`` attribute, escaped for an attribute
value, so nothing from the data reaches the notebook's own document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import escape

__all__ = ["Page", "show"]


@dataclass(frozen=True)
class Page:
    """A rendered page; displays itself in a notebook, and can be saved as one offline file.

    Examples
    --------
    >>> page = Page("<!doctype html><p>a & b</p>", height=300)
    >>> page._repr_html_().startswith('<iframe sandbox="allow-scripts allow-popups"')
    True
    >>> "&lt;p&gt;a &amp; b&lt;/p&gt;" in page._repr_html_()
    True
    """

    html: str
    height: int = 640

    def _repr_html_(self) -> str:
        # allow-scripts without allow-same-origin: the page runs in an opaque origin,
        # cut off from the notebook's cookies, storage and DOM.
        return (
            f'<iframe sandbox="allow-scripts allow-popups" srcdoc="{escape(self.html)}" '
            f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #ddd" '
            'title="caucasus-kg graph" loading="lazy"></iframe>'
        )

    def __str__(self) -> str:
        return self.html

    def save(self, path: str | Path) -> Path:
        """Write the page (a single self-contained file) and return its path."""
        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        return path


_VIEWS = ("graph", "entity", "path", "centrality")


def show(kg: Any, view: str = "graph", *args: Any, height: int = 640, **kwargs: Any) -> Page:
    """A page for a notebook: ``show(kg)``, ``show(kg, "entity", "Azerbaijan", depth=2)``,
    ``show(kg, "path", "Dyumin", "Turkey")`` or ``show(kg, "centrality", metric="pagerank")``.

    Takes the arguments of :func:`graph_page`, :func:`entity_page`, :func:`path_page`
    and :func:`centrality_page` (filters included); the page is fully offline.
    """
    from . import pages
    from ..graph.errors import InvalidArgument

    if view not in _VIEWS:
        raise InvalidArgument(f"view must be one of {', '.join(_VIEWS)}, not {view!r}")
    render = getattr(pages, f"{view}_page")
    return Page(render(kg, *args, **kwargs), height=height)
