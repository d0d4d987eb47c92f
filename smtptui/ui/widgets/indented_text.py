"""Lines of text that wrap under their own indentation.

A report (the TLS view's chain, its scan) is lines indented to show what
belongs to what; a long line wrapped back to the first column would read as
the start of a new item.  This widget wraps each line at the widget's width
and hangs its continuation two cells further in than the line itself.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class IndentedText(Widget):
    DEFAULT_CSS = """
    IndentedText { height: auto; }
    """

    def __init__(self, text: Text, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = text
        self._wrapped: tuple[int, Text] | None = None  # the last width and its lines

    def update(self, text: Text) -> None:
        self._text = text
        self._wrapped = None
        self.refresh(layout=True)

    def wrapped(self, width: int) -> Text:
        """The text as drawn ``width`` cells wide (a layout measures it and the
        drawing then uses it: wrapped once for both)."""
        if self._wrapped is None or self._wrapped[0] != width:
            self._wrapped = (width, self._wrap(width))
        return self._wrapped[1]

    def _wrap(self, width: int) -> Text:
        out = Text(end="")
        console = self.app.console
        for n, line in enumerate(self._text.split("\n", allow_blank=True)):
            if n:
                out.append("\n")
            plain = line.plain
            indent = len(plain) - len(plain.lstrip(" "))
            body = line[indent:]
            if not body.plain:
                continue
            first = body.wrap(console, max(8, width - indent))[0]
            rest = body[len(first) :]
            first.rstrip()
            out.append(" " * indent)
            out.append_text(first)
            rest = rest[len(rest.plain) - len(rest.plain.lstrip(" ")) :]
            if rest.plain:  # the continuation hangs two cells further in
                hang = indent + 2
                for piece in rest.wrap(console, max(8, width - hang)):
                    piece.rstrip()
                    out.append("\n" + " " * hang)
                    out.append_text(piece)
        return out

    def render(self) -> Text:
        return self.wrapped(self.content_region.width or 10_000)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.wrapped(width).split("\n", allow_blank=True))
