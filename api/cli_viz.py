"""ckg commands: viz (registered on caucasus_kg.api.cli.main)."""
