"""The drawing of the SMTP state machine: where each state sits and where each
edge runs, on a grid of cells that knows, for every cell, which state or edge
it belongs to (for colours, and for what a click chose).

The places are fixed (a terminal diagram cannot lay itself out), but the edges
come from the reference state machine: ``tests/ui/test_flow_views.py`` checks
that every edge :func:`smtptui.flow.statechart.derive_edges` finds is drawn.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

from smtptui.i18n import t
from smtptui.reference.states import State

__all__ = ["ANY_QUIT", "NODE", "Canvas", "Tag", "edge_tag", "layout"]

S = State
NODE = 17  # "[   GREETED   ]" including the brackets
#: The edge that stands for QUIT from every state.
ANY_QUIT = ("*", "QUIT")
Tag = tuple[str, object] | None  # ("node", State) | ("edge", (State, token)) | None


class Canvas:
    """A grid of cells, each a character and a tag (what it belongs to)."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.rows: list[list[tuple[str, Tag]]] = [[(" ", None)] * width for _ in range(height)]

    def put(self, row: int, col: int, text: str, tag: Tag = None) -> int:
        """Write ``text`` from ``col``; wide characters take two cells.
        Returns the column after it."""
        cells = self.rows[row]
        for char in text:
            w = cell_len(char)
            if col + w > self.width:
                break
            cells[col] = (char, tag)
            if w == 2:
                cells[col + 1] = ("", tag)
            col += w
        return col

    def node(self, row: int, col: int, label: str, state: State) -> None:
        inner = NODE - 2
        label = label if cell_len(label) <= inner else set_cell_size(label, inner)
        pad = inner - cell_len(label)
        text = "[" + " " * (pad // 2) + label + " " * (pad - pad // 2) + "]"
        self.put(row, col, text, ("node", state))

    def tags(self) -> set[Tag]:
        return {tag for row in self.rows for _, tag in row if tag is not None}

    def tag_at(self, row: int, col: int) -> Tag:
        if 0 <= row < len(self.rows) and 0 <= col < self.width:
            return self.rows[row][col][1]
        return None


def layout(lang: str | None = None) -> Canvas:
    """The diagram's drawing: nodes at fixed places, every edge a labelled
    line, each label tagged with the edge it is (for colour and clicks)."""
    c = Canvas(76, 11)
    name = {s: t(f"state.{s.value}.label", lang) for s in S}
    L, C, B, R = 24, 32, 57, 65  # left nodes and their centre; right nodes and theirs

    def edge(source: State | str, token: str) -> Tag:
        return ("edge", (source, token))

    def labelled(row: int, start: int, end: int, text: str, tag: Tag) -> None:
        """A line of ─ from ``start`` to ``end`` (exclusive), ``text`` centred on it."""
        text = text if cell_len(text) <= end - start - 4 else set_cell_size(text, end - start - 4)
        left = start + (end - start - cell_len(text) - 2) // 2
        c.put(row, start, "─" * (end - start))
        c.put(row, left, " ")
        after = c.put(row, left + 1, text, tag)
        c.put(row, after, " ")

    # row 0: connecting, CONNECTED, and the handshake coming back to it
    connect = t("flow.sm.connect", lang)
    c.put(0, L - 5 - cell_len(connect), connect)
    c.put(0, L - 4, "──▶")
    c.node(0, L, name[S.CONNECTED], S.CONNECTED)
    c.put(0, L + NODE + 1, "◀")
    labelled(0, L + NODE + 2, R, t("flow.sm.handshake", lang), edge(S.TLS_HANDSHAKE, "handshake"))
    c.put(0, R, "┐")
    c.put(1, R, "│")
    # row 1: EHLO / HELO down to GREETED
    c.put(1, C - 12, "EHLO", edge(S.CONNECTED, "EHLO"))
    c.put(1, C - 7, "·")
    c.put(1, C - 5, "HELO", edge(S.CONNECTED, "HELO"))
    c.put(1, C, "▼")
    # row 2: GREETED, the way back into it, STARTTLS to the handshake
    c.put(2, 14, "┌" + "─" * (L - 17) + "▶")
    c.node(2, L, name[S.GREETED], S.GREETED)
    labelled(2, L + NODE + 1, B - 2, "STARTTLS", edge(S.GREETED, "STARTTLS"))
    c.put(2, B - 2, "▶")
    c.node(2, B, name[S.TLS_HANDSHAKE], S.TLS_HANDSHAKE)
    # rows 3-4: AUTH out of GREETED, and back with 235 (or * / a refusal)
    c.put(3, C, "│")
    c.put(3, C + 3, "▲")
    c.put(3, L + NODE - 3, "└")
    labelled(3, L + NODE - 2, B - 2, "AUTH", edge(S.GREETED, "AUTH"))
    c.put(3, B - 2, "▶")
    c.node(3, B, name[S.AUTH], S.AUTH)
    c.put(4, C - 5, "MAIL", edge(S.GREETED, "MAIL"))
    c.put(4, C, "▼")
    c.put(4, C + 3, "└" + "─" * (R - C - 4) + "┘")
    c.put(4, C + 12, " ")
    col = c.put(4, C + 13, "235", edge(S.AUTH, "235"))
    col = c.put(4, col, " · ")
    col = c.put(4, col, "*", edge(S.AUTH, "*"))
    c.put(4, col, " ")
    # rows 5-9: the transaction, with RSET and the final "." back to GREETED
    for row in (3, 4, 6, 8):
        c.put(row, 14, "│")
    for row, source in ((5, S.MAIL), (7, S.RCPT)):
        c.put(row, 14, "├─ ")
        c.put(row, 17, "RSET", edge(source, "RSET"))
        c.put(row, 21, " ─ ")
    c.node(5, L, name[S.MAIL], S.MAIL)
    c.put(6, C - 5, "RCPT", edge(S.MAIL, "RCPT"))
    c.put(6, C, "▼")
    c.node(7, L, name[S.RCPT], S.RCPT)
    c.put(7, L + NODE, " ◀─┐ ")
    c.put(7, L + NODE + 5, "RCPT", edge(S.RCPT, "RCPT"))
    c.put(8, L + NODE - 1, "└───┘")
    c.put(8, C - 5, "DATA", edge(S.RCPT, "DATA"))
    c.put(8, C, "▼")
    c.put(9, 14, "└─── ")
    c.put(9, 19, ".", edge(S.DATA, "."))
    c.put(9, 20, " ── ")
    c.node(9, L, name[S.DATA], S.DATA)
    # row 10: QUIT from any state
    col = c.put(10, L, t("flow.sm.any", lang), ("edge", ANY_QUIT))
    col = c.put(10, col, " ──▶ ")
    c.node(10, col, name[S.CLOSED], S.CLOSED)
    return c


def edge_tag(source: State, token: str) -> tuple[str, object]:
    """The tag of the drawing that stands for an edge of the machine."""
    return ("edge", ANY_QUIT if token == "QUIT" else (source, token))
