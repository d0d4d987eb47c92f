"""The footer: the keys that work now, in the dashboard's language.

Textual's footer shows each binding's description, which is fixed when the
binding is made, and is built of one widget per key, recomposed (a layout of
the whole screen) every time the focus moves.  This one shows the label the
key table (:mod:`smtptui.ui.keys`) has for the binding's id in the current
language — pressing ``l`` switches the footer along with everything else —
and is a single line of text: when the keys change it is repainted, nothing
else is laid out again.  Like Textual's, a key is clicked to press it, is
highlighted under the mouse and explains itself in a tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.keys import key_to_character
from textual.widget import Widget

from smtptui.ui.keys import BY_ID


@dataclass(frozen=True, slots=True)
class ShownKey:
    """One key as the footer draws it."""

    key: str  # what a click presses (Textual's key name)
    display: str  # how the key is written (F1, ^p, …)
    label: str
    help: str
    enabled: bool


def typed_character(key: str) -> str | None:
    """What pressing ``key`` types in a text field (``slash`` → ``/``: Textual
    has no character for a few key names, and then lists a key a field
    would type as if it worked)."""
    return key_to_character(key) or _TYPED.get(key)


_TYPED = {"slash": "/", "backslash": "\\", "at": "@"}


class DashboardFooter(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "footer-key--key",
        "footer-key--description",
        "footer-key--hover",
    }

    DEFAULT_CSS = """
    DashboardFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        pointer: pointer;
        & > .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
    }
    """

    ALLOW_SELECT = False

    def __init__(self, *, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang
        self.compact = self._compact_at(self.app.size.width)
        self._keys: tuple[ShownKey, ...] = ()
        self._spans: list[tuple[int, int, ShownKey]] = []  # cells [start, end) of each key
        self._hover: ShownKey | None = None

    # -------------------------------------------------------------- state
    @staticmethod
    def _compact_at(width: int) -> bool:
        # below 110 columns the keys are drawn a space apart, to fit more
        return width < 110

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._keys = self._active_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self, event: events.Resize) -> None:
        self.compact = self._compact_at(event.size.width)
        self.refresh()  # which keys fit depends on the width too

    def set_language(self, lang: str) -> None:
        if lang != self.lang:
            self.lang = lang
            self._update()

    def _bindings_changed(self, screen) -> None:
        if screen is self.screen:
            self._update()

    def _update(self) -> None:
        keys = self._active_keys()
        if keys != self._keys:  # most focus moves change none of the keys
            self._keys = keys
            self._hover = None
            self.refresh()

    def _active_keys(self) -> tuple[ShownKey, ...]:
        """The keys of the focused widget and its ancestors, then the app's,
        one per action (the first key bound to it), as Textual's footer has
        them — none while a dialog covers this screen (its keys are not the
        ones that work then, and a click cannot reach them), and none that
        the focused text field would type instead (Textual misses ``/``)."""
        screen = self.screen
        if not screen.is_active:  # a dialog is on top of it
            return ()
        focused = screen.focused
        shown: dict[str, ShownKey] = {}
        for _node, binding, enabled, tooltip in screen.active_bindings.values():
            if not binding.show or binding.action in shown:
                continue
            if focused is not None and focused.check_consume_key(
                binding.key, typed_character(binding.key)
            ):
                continue
            known = BY_ID.get(binding.id or "")
            shown[binding.action] = ShownKey(
                key=binding.key,
                display=self.app.get_key_display(binding),
                label=known.label(self.lang) if known else binding.description,
                help=known.help(self.lang) if known else (tooltip or binding.description),
                enabled=enabled,
            )
        return tuple(shown.values())

    @property
    def shown(self) -> list[tuple[str, str]]:
        """(key, label) of every key drawn, in order."""
        return [(k.key, k.label) for k in self._keys]

    # ------------------------------------------------------------ drawing
    def render(self) -> Text:
        """The keys that fit, each whole: a key that does not fit is left out
        (F1 lists them all), never cut in the middle of its word."""
        key_style = self.get_component_rich_style("footer-key--key")
        label_style = self.get_component_rich_style("footer-key--description")
        hover_style = self.get_component_rich_style("footer-key--hover")
        dim = Style(dim=True)
        width = self.content_region.width or 10_000
        text = Text(no_wrap=True, overflow="crop")
        self._spans = []
        for key in self._keys:
            if self.compact:  # "^p Commands", a space between keys
                parts = [(key.display, key_style), (f" {key.label}", label_style)]
            else:  # " ^p Commands "
                parts = [(f" {key.display} ", key_style), (f"{key.label} ", label_style)]
            start = text.cell_len
            if start + sum(cell_len(part) for part, _ in parts) > width:
                break
            for part, style in parts:
                if key is self._hover:
                    style = style + hover_style
                if not key.enabled:
                    style = style + dim
                text.append(part, style)
            self._spans.append((start, text.cell_len, key))
            if self.compact:
                text.append(" ")
        return text

    def _key_at(self, x: int) -> ShownKey | None:
        for start, end, key in self._spans:
            if start <= x < end:
                return key
        return None

    # -------------------------------------------------------------- mouse
    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        if key is not self._hover:
            self._hover = key
            self.tooltip = key.help if key is not None else None
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
