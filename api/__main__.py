"""``python -m caucasus_kg.api`` is ``ckg``."""

from .cli import main

main(prog_name="ckg")
