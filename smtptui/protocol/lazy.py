"""Packages whose names load their modules on first use.

A package ``__init__`` that imports every submodule makes ``import
smtptui.protocol.text`` pay for all of them; the TUI's first frame needs almost
nothing.  :func:`lazy_exports` gives a package a module ``__getattr__`` (PEP
562) that imports the defining module when a name is first asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(
    package: str, exports: dict[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``; ``exports`` maps each public
    name to the module defining it; found values are cached in ``namespace``."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
