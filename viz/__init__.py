"""Interactive graph pages (pyvis), rendered offline-safe."""

__all__: list[str] = []
