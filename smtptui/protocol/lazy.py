"""Packages whose names load their modules on first use.

A package ``__init__`` that imports every submodule makes ``import
smtptui.protocol.text`` pay for all of them; the TUI's first frame needs almost
nothing.  :func:`lazy_exports` gives a package a module ``__getattr__`` (PEP
562) that imports the defining module when a name is first asked for;
:func:`lazy_module` is a module whose body runs when one of its names is first
used (the standard library's :class:`importlib.util.LazyLoader`).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType
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


def lazy_module(name: str) -> ModuleType:
    """Module ``name``, executed when one of its attributes is first used.

    For a module needed only once something happens (the event classes of a
    transcript that is still empty): importing it would cost the first drawing
    its class definitions."""
    if (module := sys.modules.get(name)) is not None:
        return module
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module
