"""The dashboard's responsive layout: three columns over two on a big
terminal; at 80×24 one pane at a time, chosen by tabs that are only built
when a small terminal needs them — or by the keys 1–5, ``[`` and ``]``, which
also move the focus between panes at any size."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widget import Widget

from smtptui.i18n import t
from smtptui.ui.panes import PANES

if TYPE_CHECKING:
    from textual.widgets import Tabs

NARROW_WIDTH = 110
NARROW_HEIGHT = 30

#: What gets the focus when a pane is chosen (its main widget).
_FOCUS_TARGET = {
    "profiles": "#profile-list",
    "transcript": "#transcript-view",
    "reference": "#reference-table",
    "composer": "#composer",
    "session": "#session",
}


class ResponsiveLayout:
    """Mixed into the App: which pane shows is a class on the screen, so panes
    mounted later (they are built after the first frame) follow it too."""

    _pane = "profiles"  # the pane shown when the terminal is too small for all

    def on_resize(self, event) -> None:
        self._apply_layout(event.size.width, event.size.height)

    def _apply_layout(self, width: int, height: int) -> None:
        narrow = width < NARROW_WIDTH or height < NARROW_HEIGHT
        self.screen.set_class(narrow, "-narrow")
        if narrow:
            if not self.query("#pane-tabs"):  # built only when a small terminal needs it
                self.run_worker(self._mount_tabs(self._pane), group="layout")
            self.show_pane(self._pane)

    async def _mount_tabs(self, pane: str) -> None:
        if self.query("#pane-tabs"):
            return
        from textual.widgets import Tab, Tabs  # only a small terminal needs them

        lang = self.workspace.settings.lang
        tabs = Tabs(*(Tab(_tab_label(p, lang), id=f"tab-{p}") for p in PANES), id="pane-tabs")
        main = self.query("#main")
        await self.screen.mount(tabs, before=main.first() if main else None)
        tabs.active = f"tab-{pane}"
        self.show_pane(pane)

    def show_pane(self, pane: str) -> None:
        """At 80×24 only one pane shows at a time; the tabs choose it.  The
        choice is a class on the screen, so lazily mounted panes follow it too."""
        self._set_pane_classes(pane)
        for tabs in self.query("#pane-tabs"):
            if tabs.active != f"tab-{pane}" and tabs.query(f"#tab-{pane}"):  # not while it mounts
                tabs.active = f"tab-{pane}"

    def _set_pane_classes(self, pane: str) -> None:
        self._pane = pane
        for name in PANES:
            self.screen.set_class(name == pane, f"-pane-{name}")
        self.screen.set_class(pane in ("composer", "session"), "-bottom-shown")
        if self.screen.has_class("-narrow") and self._pane_of(self.focused) not in (pane, None):
            # the focused widget was just hidden: the keys go to the pane now shown
            self.call_after_refresh(self._refocus, pane)

    def _refocus(self, pane: str) -> None:
        """Unless something in ``pane`` took the focus meanwhile (``:`` puts it
        on the raw line), give it to the pane's main widget."""
        if self._pane == pane and self._pane_of(self.focused) != pane:
            self.focus_pane(pane)

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        """The tabs changed: show the pane they now say, and never write back
        to them.  Two quick clicks queue two of these messages; acting on each
        one's own tab (and setting the tabs to it) made the two ping-pong for
        ever, so the tabs' current value is the only truth here."""
        if event.tabs.id == "pane-tabs" and event.tabs.active:
            self._set_pane_classes(event.tabs.active.removeprefix("tab-"))

    def set_tab_labels(self, lang: str) -> None:
        for tabs in self.query("#pane-tabs"):
            for pane in PANES:
                for tab in tabs.query(f"#tab-{pane}"):
                    tab.label = _tab_label(pane, lang)

    def action_show_pane(self, pane: str) -> None:
        """Keys 1–5: show ``pane`` (at 80×24) and put the focus in it."""
        if pane in PANES:
            self.show_pane(pane)
            self.focus_pane(pane)

    def action_cycle_pane(self, step: int) -> None:
        """``]`` / ``[``: the next or previous pane, shown and focused."""
        current = self._pane_of(self.focused) if self.focused is not None else self._pane
        index = PANES.index(current) if current in PANES else 0
        self.action_show_pane(PANES[(index + step) % len(PANES)])

    def focus_pane(self, pane: str | None) -> None:
        """Give the focus to ``pane``'s main widget (once it is mounted)."""
        selector = _FOCUS_TARGET.get(pane or "")
        if selector is None:
            return
        for widget in self.screen.query(selector).results(Widget):
            if widget.focusable:
                widget.focus()
            return

    def _pane_of(self, widget: Widget | None) -> str | None:
        """The pane ``widget`` is in (``None`` outside the five panes)."""
        node = widget
        while node is not None:
            if node.id in PANES:
                return node.id
            node = node.parent
        return None


def _tab_label(pane: str, lang: str) -> str:
    return t(f"pane.{pane}.title", lang)
