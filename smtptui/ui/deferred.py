"""Panes built after the first frame.

Textual's ``Lazy`` delays *mounting* a widget, but the widget (and the modules
it imports) are still built in ``compose``, before anything is drawn.
:class:`Deferred` takes a factory instead: the import and construction happen
after the first refresh, so the first paint costs only what it shows.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widget import MountError, Widget


class Deferred(Widget):
    """Stands in for the widget ``factory()`` makes, then replaces itself."""

    DEFAULT_CSS = """
    Deferred {
        display: none;
    }
    """

    def __init__(self, factory: Callable[[], Widget]) -> None:
        super().__init__()
        self._factory = factory

    def on_mount(self) -> None:
        self.call_after_refresh(self._replace)

    async def _replace(self) -> None:
        parent = self.parent
        if parent is None or not self.is_mounted or not parent.is_mounted:
            return  # the app is already closing (a very quick q)
        widget = self._factory()
        try:
            await parent.mount(widget, after=self)
        except MountError:
            return
        await self.remove()
