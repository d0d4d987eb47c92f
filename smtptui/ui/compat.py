"""Every use of a Textual name that is not public API, in one place.

Textual is pinned below its next major version (``pyproject.toml``); within
that range these names may still move.  Each one has a test in
``tests/ui/test_compat.py`` that fails with a sentence saying what changed,
so an upgrade breaks loudly here instead of quietly somewhere else.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget
from textual.widgets._footer import FooterKey  # the footer's key widget (no public name)

__all__ = ["FooterKey", "grow_virtual_height"]


def grow_virtual_height(view: Widget, size: Size) -> None:
    """Give a scroll view more lines without laying the whole screen out again.

    Setting ``virtual_size`` is a layout change in Textual: every widget of
    the screen is arranged again — tens of milliseconds on a full dashboard,
    once per burst of a flooding server.  When only the height grows and the
    scrollbars stay as they are, the scrollbar's window is all that changes:
    set the value without the layout (``set_reactive``) and update the
    scrollbars (``Widget._scroll_update``, private)."""
    view.set_reactive(Widget.virtual_size, size)
    view._scroll_update(size)
    view.refresh()
