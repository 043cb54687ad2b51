"""Text helpers shared by search and extraction."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "slug"]


def normalize(text: str) -> str:
    """Case- and accent-insensitive form of a name; typographic quotes folded.

    Examples
    --------
    >>> normalize("  Erdoğan’s ")
    "erdogan's"
    """
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped).strip().casefold()


def slug(text: str) -> str:
    """An IRI-safe local name for a label.

    Examples
    --------
    >>> slug("Recep Tayyip Erdoğan")
    'Recep_Tayyip_Erdogan'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_")
    return cleaned or "entity"
