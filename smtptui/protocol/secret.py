"""A password or token that cannot leak by accident.

``repr()``, ``str()`` and f-strings show ``********``; only :meth:`reveal` gives the
value, and the engine calls it at the moment it encodes bytes for the wire.  A
traceback, a log line or an exported transcript therefore never contains it.
"""

from __future__ import annotations

MASK = "********"


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self):  # never pickled into caches or crash dumps
        raise TypeError("a Secret cannot be pickled")
