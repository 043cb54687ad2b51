"""ckg commands: ingest (registered on caucasus_kg.api.cli.main)."""
