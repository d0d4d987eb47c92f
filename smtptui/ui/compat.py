"""Every use of a Textual name that is not public API, in one place.

Textual is pinned below its next major version (``pyproject.toml``); within
that range these names may still move.  Each one has a test in
``tests/ui/test_compat.py`` that fails with a sentence saying what changed,
so an upgrade breaks loudly here instead of quietly somewhere else.
"""

from __future__ import annotations

from textual.widgets._footer import FooterKey  # the footer's key widget (no public name)

__all__ = ["FooterKey"]
