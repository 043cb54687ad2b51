"""Adapters over the core: the ``ckg`` command line and (see ``app``) the HTTP API."""

__all__: list[str] = []
