"""ckg commands: analysis (registered on caucasus_kg.api.cli.main)."""
