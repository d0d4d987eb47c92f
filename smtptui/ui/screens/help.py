"""F1: every key of the dashboard, grouped by pane and dialog, in the app's language.

Built from the one key table (:mod:`smtptui.ui.keys`), with the person's
``keymap.toml`` remappings applied, so it never disagrees with the keys.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from smtptui.i18n import t
from smtptui.ui.keys import GROUPS, KEYS, group_title

#: Textual key names shown as the key cap a person presses.
_KEY_NAMES = {
    "question_mark": "?",
    "colon": ":",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "space": "space",
    "escape": "Esc",
    "enter": "Enter",
    "delete": "Del",
    "pageup": "PgUp",
    "left": "←",
    "at": "@",
    "right": "→",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "tab": "Tab",
}


def key_display(keys: str) -> str:
    """``"f1,question_mark"`` → ``"F1  ?"`` (what a person presses)."""
    shown = []
    for key in keys.split(","):
        key = key.strip()
        if key in _KEY_NAMES:
            shown.append(_KEY_NAMES[key])
        elif key.startswith("f") and key[1:].isdigit():
            shown.append(key.upper())
        elif "+" in key:
            shown.append("+".join(part.capitalize() for part in key.split("+")))
        else:
            shown.append(key)
    return "  ".join(shown)


class HelpScreen(Screen[None]):
    """Every key, one table per group; escape, q or F1 closes.  A full screen,
    not a dialog: nothing behind it is drawn again (F1 answers at once)."""

    DEFAULT_CSS = """
    HelpScreen { align: center top; }
    HelpScreen > Vertical {
        width: 100%; max-width: 120; height: 100%;
        border: round $accent; padding: 0 1;
    }
    HelpScreen #help-title { text-style: bold; color: $text-accent; height: auto; }
    HelpScreen #help-hint { color: $text-muted; height: auto; }
    HelpScreen VerticalScroll { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "dismiss", show=False, id="help.close"),
    ]

    def __init__(self, *, lang: str = "en", keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.lang = lang
        self.keymap = keymap or {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("screen.help.title", self.lang), id="help-title")
            yield Static(t("screen.help.hint", self.lang), id="help-hint")
            with VerticalScroll(id="help-body"):
                yield Static(self.render_keys(), id="help-keys")

    def render_keys(self) -> Group:
        """Every group's keys: its title, then a two-column grid of the keys
        and what they do, a long description wrapping under itself (not
        under the keys)."""
        lang = self.lang
        parts: list[Text | Table] = []
        for group in GROUPS:
            rows = [k for k in KEYS if k.group == group]
            if not rows:
                continue
            parts.append(Text("\n" + group_title(group, lang), style="bold underline"))
            grid = Table.grid(padding=(0, 2))
            grid.add_column(min_width=12, no_wrap=True, style="bold")
            grid.add_column(ratio=1)
            for key in rows:
                keys = key_display(self.keymap.get(key.id, key.keys)) or "ctrl+p"
                grid.add_row(keys, Text.assemble((key.label(lang), "bold"), " — ", key.help(lang)))
            parts.append(grid)
        return Group(*parts)

    def action_dismiss(self) -> None:
        self.dismiss(None)
