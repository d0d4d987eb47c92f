"""placeholder"""

MESSAGES: dict[str, str | tuple[str, ...]] = {}
