"""The bundled graph: source documents and curated facts as RDF files (no code beyond this locator)."""

from importlib.resources import files
from pathlib import Path

__all__ = ["DATA_DIR", "bundled_files"]

DATA_DIR: Path = Path(str(files(__name__)))


def bundled_files() -> list[Path]:
    """Every Turtle file of the bundled graph, in a stable order."""
    return sorted(DATA_DIR.rglob("*.ttl"))
