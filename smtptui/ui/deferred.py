"""Panes built after the first frame, all in one go.

Textual's ``Lazy`` delays *mounting* a widget, but the widget (and the modules
it imports) are still built in ``compose``, before anything is drawn.
:class:`Deferred` takes a factory instead: the import and construction happen
after the first refresh, so the first frame costs only what it shows.

All the placeholders of a screen are replaced together, inside one
``batch_update``: the screen is then composed and drawn once with every pane,
instead of once per pane — a full redraw of a 120×40 dashboard is the most
expensive thing at start-up, so the whole dashboard is ready sooner.

A placeholder may name a ``built`` callback: it is called with the mounted
widget still inside that batch, so whatever the app shows in it (the current
session, the draft) is in the first drawing of the pane — not a second layout
of the whole screen a moment later.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from textual.message import Message
from textual.screen import Screen
from textual.widget import MountError, Widget

_scheduled: weakref.WeakSet[Widget] = weakref.WeakSet()  # screens with a replacement due


class Deferred(Widget):
    """Stands in for the widget ``factory()`` makes, then replaces itself."""

    class Drawn(Message):
        """Every placeholder of the screen sending it has been replaced and the
        result drawn (posted to the screen after that refresh; it bubbles to
        the app)."""

    DEFAULT_CSS = """
    Deferred {
        display: none;
    }
    """

    def __init__(
        self,
        factory: Callable[[], Widget],
        *,
        built: Callable[[Widget], None] | None = None,
    ) -> None:
        super().__init__()
        self._factory = factory
        self._built = built

    def on_mount(self) -> None:
        # One scheduled replacement per screen: the first placeholder to mount
        # schedules it; the others are picked up by the same batch.
        screen = self.screen
        if screen not in _scheduled:
            _scheduled.add(screen)
            screen.screen_layout_refresh_signal.subscribe(self, self._laid_out, immediate=True)

    def _laid_out(self, screen: Screen) -> None:
        """The screen has been laid out and drawn with the placeholders: build
        now.  Not "after the next refresh": the first frame's own follow-ups
        (a list measuring its lines, the notification rack) would each wait
        for a frame tick first, and they are laid out with the batch instead."""
        screen.screen_layout_refresh_signal.unsubscribe(self)
        screen.call_later(replace_all, screen)

    async def replace(self) -> bool:
        """Mount the real widget in this one's place; False when the app is
        already closing (a very quick q) and nothing was mounted."""
        parent = self.parent
        if parent is None or not self.is_mounted or not parent.is_mounted:
            return False
        widget = self._factory()
        try:
            await parent.mount(widget, after=self)
        except MountError:
            return False
        await self.remove()
        if self._built is not None and widget.is_mounted:
            self._built(widget)
        return True


async def replace_all(screen: Widget) -> None:
    """Build every placeholder on ``screen`` and draw the result once."""
    _scheduled.discard(screen)
    with screen.app.batch_update():
        while placeholders := list(screen.query(Deferred).results(Deferred)):
            replaced = [await placeholder.replace() for placeholder in placeholders]
            if not any(replaced):
                return
    # outside the batch: "after the next refresh" is after the drawing (during
    # the batch the screen runs such callbacks as soon as it is idle)
    screen.call_after_refresh(screen.post_message, Deferred.Drawn())
