"""The page assets: vis-network (read from the installed pyvis package) and our own JS and CSS.

Nothing is fetched from the network: the files come from package data, so a page can
inline them (one self-contained offline file) or the app can serve them at a local URL.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = ["ASSET_NAMES", "Asset", "asset"]

_VIS_DIR = "lib/vis-9.1.2"

# name -> (package, path inside it, media type)
_SOURCES: dict[str, tuple[str, str, str]] = {
    "vis-network.min.js": ("pyvis", f"{_VIS_DIR}/vis-network.min.js", "text/javascript"),
    "vis-network.min.css": ("pyvis", f"{_VIS_DIR}/vis-network.css", "text/css"),
    "ckg.js": ("caucasus_kg.viz", "static/ckg.js", "text/javascript"),
    "query.js": ("caucasus_kg.viz", "static/query.js", "text/javascript"),
    "ckg.css": ("caucasus_kg.viz", "static/ckg.css", "text/css"),
}
ASSET_NAMES: tuple[str, ...] = tuple(_SOURCES)
"""The names of every asset a page may use (the app serves them under one URL prefix)."""


@dataclass(frozen=True)
class Asset:
    """One asset: its text, media type, CSP hash and a short content hash for cache-busting URLs."""

    name: str
    text: str
    media_type: str

    @property
    def csp_hash(self) -> str:
        """``'sha256-…'`` of the text as it stands inside an inline element (for the CSP)."""
        return _csp_hash(self.text)

    @property
    def etag(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=None)
def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _package_dir(package: str):
    """The folder of an installed package, found without importing it (pyvis would pull in IPython)."""
    if package == "pyvis":
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:  # pragma: no cover - pyvis is a dependency
            raise FileNotFoundError("the pyvis package (which ships vis-network) is not installed")
        return Path(next(iter(spec.submodule_search_locations)))
    return resources.files(package)


@lru_cache(maxsize=None)
def asset(name: str) -> Asset:
    """The asset called ``name`` (one of :data:`ASSET_NAMES`); KeyError for any other name.

    Examples
    --------
    >>> asset("vis-network.min.js").media_type
    'text/javascript'
    >>> "</script" in asset("vis-network.min.js").text.lower()
    False
    """
    package, path, media_type = _SOURCES[name]
    text = _package_dir(package).joinpath(path).read_text(encoding="utf-8")
    if media_type == "text/javascript" and "</script" in text.lower():  # pragma: no cover - guards inlining
        raise ValueError(f"{name} contains '</script' and cannot be inlined")
    if media_type == "text/css" and "</style" in text.lower():  # pragma: no cover
        raise ValueError(f"{name} contains '</style' and cannot be inlined")
    return Asset(name, text, media_type)
