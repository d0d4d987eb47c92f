"""What the line-drawn lists share (the reply-code table, the profile list):
a cursor row, a hover row, and the colours each is drawn in."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def row_cursor_css(widget: str, prefix: str) -> str:
    """``widget``'s CSS: its background and the ``<prefix>--cursor``,
    ``--cursor-blurred`` and ``--hover`` component classes, in the theme's
    block-cursor colours (as Textual's own lists draw them)."""
    return f"""
    {widget} {{
        background: $surface;
        & > .{prefix}--cursor {{
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }}
        & > .{prefix}--cursor-blurred {{
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }}
        & > .{prefix}--hover {{ background: $block-hover-background; }}
    }}
    """


def row_state(row: int, cursor: int | None, hover: int | None, focused: bool) -> str:
    """How ``row`` is drawn: ``cursor`` (``cursor-blurred`` without the
    focus), ``hover`` or ``""``."""
    if row == cursor:
        return "cursor" if focused else "cursor-blurred"
    return "hover" if row == hover else ""


def row_style(widget: Widget, prefix: str, state: str) -> Style | None:
    """The colours a row in ``state`` adds: the hover's background only (the
    row's own colours stay), the cursor's whole style; ``None`` for a plain row."""
    if state == "hover":
        return Style(bgcolor=widget.get_component_rich_style(f"{prefix}--hover").bgcolor)
    return widget.get_component_rich_style(f"{prefix}--{state}") if state else None
