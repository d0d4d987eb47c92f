"""Scrolling a line-per-row view just enough to show one of its lines."""

from __future__ import annotations

from textual.widget import Widget


def scroll_line_into_view(view: Widget, index: int) -> None:
    """Line ``index`` of ``view`` on screen: scrolled to the top edge when it
    is above the view, to the bottom edge when below, not at all when shown."""
    top = view.scroll_y
    height = view.scrollable_content_region.height
    if index < top:
        view.scroll_to(y=index, animate=False, immediate=True)
    elif height and index >= top + height:
        view.scroll_to(y=index - height + 1, animate=False, immediate=True)
