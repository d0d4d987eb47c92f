"""The dashboard's responsive layout: three columns over two on a big
terminal; at 80×24 one pane at a time, chosen by tabs that are only built
when a small terminal needs them."""

from __future__ import annotations

from textual.widgets import Tab, Tabs

NARROW_WIDTH = 110
NARROW_HEIGHT = 30
PANES = ("profiles", "transcript", "reference", "composer", "session")


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
        tabs = Tabs(*(Tab(p.capitalize(), id=f"tab-{p}") for p in PANES), id="pane-tabs")
        main = self.query("#main")
        await self.screen.mount(tabs, before=main.first() if main else None)
        tabs.active = f"tab-{pane}"
        self.show_pane(pane)

    def show_pane(self, pane: str) -> None:
        """At 80×24 only one pane shows at a time; the tabs choose it.  The
        choice is a class on the screen, so lazily mounted panes follow it too."""
        self._set_pane_classes(pane)
        for tabs in self.query("#pane-tabs").results(Tabs):
            if tabs.active != f"tab-{pane}" and tabs.query(f"#tab-{pane}"):  # not while it mounts
                tabs.active = f"tab-{pane}"

    def _set_pane_classes(self, pane: str) -> None:
        self._pane = pane
        for name in PANES:
            self.screen.set_class(name == pane, f"-pane-{name}")
        self.screen.set_class(pane in ("composer", "session"), "-bottom-shown")

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        """The tabs changed: show the pane they now say, and never write back
        to them.  Two quick clicks queue two of these messages; acting on each
        one's own tab (and setting the tabs to it) made the two ping-pong for
        ever, so the tabs' current value is the only truth here."""
        if event.tabs.id == "pane-tabs" and event.tabs.active:
            self._set_pane_classes(event.tabs.active.removeprefix("tab-"))
