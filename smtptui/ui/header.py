"""The header: ✉, then where the dashboard is (``smtptui — demo (…)``).

Textual's header is four widgets (icon, title, clock space and the bar), and
its title follows the app through watchers that run *later*, each looking its
title widget up: an app closed while its dashboard was still being built (a
very quick ``q``) could meet a header whose parts were already gone
(``NoMatches``).  This one is a single line of text drawn from the app's and
the screen's titles when it renders — the same look: the icon in the first
eight cells (highlighted under the mouse, a click opens the command palette,
its tooltip in the dashboard's language), the title centred between it and
ten empty cells on the right, cut with an ellipsis when it does not fit.  A
click elsewhere makes it three lines tall and back, as Textual's does.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.content import Content
from textual.widget import Widget

from smtptui.i18n import t

ICON_WIDTH = 8
"""Cells of the icon's part, padding included (Textual's HeaderIcon)."""
RIGHT_WIDTH = 10
"""Empty cells on the right (where Textual's header keeps its clock)."""


def _blank(cells: int) -> Content:
    return Content(" " * max(0, cells)).stylize("not italic")


class DashboardHeader(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"header--icon-hover"}

    DEFAULT_CSS = """
    DashboardHeader {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        content-align-vertical: middle;
        &.-tall { height: 3; }
        & > .header--icon-hover { background: $foreground 10%; }
    }
    """

    ALLOW_SELECT = False

    def __init__(self, *, icon: str = "✉", lang: str = "en") -> None:
        super().__init__()
        self.icon = icon
        self.lang = lang
        self._over_icon = False

    def on_mount(self) -> None:
        # repainted (never laid out again) when a title changes
        for node in (self.app, self.screen):
            self.watch(node, "title", self._title_changed, init=False)
            self.watch(node, "sub_title", self._title_changed, init=False)

    def _title_changed(self) -> None:
        self.refresh()

    def set_language(self, lang: str) -> None:
        self.lang = lang
        if self._over_icon:
            self.tooltip = self._icon_help()

    def _icon_help(self) -> str:
        return t("keys.app.palette.help", self.lang)

    @property
    def title_text(self) -> Content:
        """The title as the app formats it (the screen's own title first)."""
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return app.format_title(title, sub_title)

    def render(self) -> Content:
        # The icon, the title and the blanks around them are separate runs of
        # text (their styles differ, invisibly): an SVG screenshot places a
        # run by its first cell, and a run that began with blanks or held the
        # ✉ (wider in the SVG's font) drew the title off its cells.
        icon = Content(self.icon).stylize("not bold")
        before, after = _blank(1), _blank(ICON_WIDTH - 1 - icon.cell_length)
        if self._over_icon:  # the icon's whole part is highlighted, blanks included
            hover = self.get_visual_style("header--icon-hover")
            before, icon, after = (part.stylize(hover) for part in (before, icon, after))
        room = max(0, self.size.width - ICON_WIDTH - RIGHT_WIDTH)
        title = self.title_text
        if title.cell_length > room:
            title = title.truncate(room, ellipsis=True)
        left = (room - title.cell_length) // 2
        right = room - left - title.cell_length
        return Content.assemble(
            before, icon, after, _blank(left), title, _blank(right + RIGHT_WIDTH)
        )

    # -------------------------------------------------------------- mouse
    def on_mouse_move(self, event: events.MouseMove) -> None:
        over = event.x < ICON_WIDTH
        if over != self._over_icon:
            self._over_icon = over
            self.tooltip = self._icon_help() if over else None
            self.refresh()

    def on_leave(self) -> None:
        if self._over_icon:
            self._over_icon = False
            self.tooltip = None
            self.refresh()

    async def on_click(self, event: events.Click) -> None:
        event.stop()
        if event.x < ICON_WIDTH:
            await self.run_action("app.command_palette")
        else:
            self.toggle_class("-tall")
