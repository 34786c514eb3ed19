"""``python -m app.cli``: the same as ``jiafang``."""

from app.cli import entry

entry()
