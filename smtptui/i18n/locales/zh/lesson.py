"""Guided lessons."""

MESSAGES: dict[str, str | tuple[str, ...]] = {}
