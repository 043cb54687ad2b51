"""ckg commands: server (registered on caucasus_kg.api.cli.main)."""
