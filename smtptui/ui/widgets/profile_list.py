"""The profiles pane: every saved server, a filter, and a live badge per row.

The list draws one visible line at a time (Textual's Line API), as the
reference's code table does: a profile is two or three lines (status, name
and badge; where it talks to and how; its tags), wrapped to the pane's width
with their continuation indented.  Moving the cursor redraws the two rows it
leaves and reaches, not every row on screen, and building the list measures
plain words instead of rendering every row of every profile.
"""

from __future__ import annotations

import bisect
import contextlib
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input

from smtptui.i18n import t
from smtptui.ui.deferred import Deferred
from smtptui.ui.keys import bindings
from smtptui.ui.widgets.rows import row_cursor_css, row_state, row_style
from smtptui.ui.widgets.scrolling import scroll_line_into_view
from smtptui.units import format_ms

if TYPE_CHECKING:
    from smtptui.profiles import Profile
    from smtptui.workspace.session import Badge

_SYMBOLS = {
    "idle": ("○", "dim"),
    "connecting": ("◌", "yellow"),
    "busy": ("◐", "yellow"),
    "connected": ("●", "green"),
    "error": ("!", "bold red"),
    "closed": ("○", ""),
}

#: a run of text and its style ("bold", "dim italic" … as Rich parses them)
Word = tuple[str, str]
#: a profile's lines before wrapping: each a list of words, the first one
#: carrying its own leading spaces ("  127.0.0.1:25"), the others their gap
Lines = list[list[Word]]

_INDENT = "  "  # a wrapped line goes on under its profile, not at the pane's edge


def badge_words(badge: Badge | None) -> list[Word]:
    """``● 250 3 ms`` — status symbol (🔒 when TLS), last code and latency."""
    if badge is None or badge.status == "idle":
        return [("○", "dim"), ("   —", "dim")]
    symbol, style = _SYMBOLS.get(badge.status, ("?", ""))
    if badge.status in ("connected", "busy") and badge.tls:
        symbol = "🔒"
    words = [(symbol, style)]
    if badge.code is not None:
        words.append((f" {badge.code}", "green" if badge.code < 400 else "red"))
    if badge.latency_ms is not None and badge.status != "error":
        words.append((f" {format_ms(badge.latency_ms)}", "dim"))
    return words


def profile_lines(profile: Profile, badge: Badge | None, lang: str = "en") -> Lines:
    """Status, name, last code and latency; then where (``built-in`` for the
    demo, whose port is chosen when it starts: the header shows it); then tags."""
    symbol, *rest = badge_words(badge)
    where = t("pane.profiles.builtin", lang) if profile.builtin_server else profile.address
    lines: Lines = [
        [symbol, (f" {profile.name}", "bold"), *rest],
        [(f"{_INDENT}{where}", "dim"), (" ·", "dim"), (f" {profile.security}", "dim")],
    ]
    if profile.tags:
        tags = [f"#{tag}" for tag in profile.tags]
        lines.append(
            [
                (f"{_INDENT}{tags[0]}", "dim italic"),
                *((f" {tag}", "dim italic") for tag in tags[1:]),
            ]
        )
    return lines


def wrap_words(lines: Lines, width: int) -> Lines:
    """``lines`` cut to ``width`` cells at the gaps between words, each
    continuation indented; a word too wide for a line of its own is cut by
    cells where it stands (a long name goes on after its status symbol)."""
    out: Lines = []
    width = max(width, len(_INDENT) + 2)  # an indent and one wide character
    for words in lines:
        line: list[Word] = []
        used = 0
        for text, style in words:
            size = cell_len(text)
            if line and used + size > width:
                fresh = _INDENT + text.lstrip(" ")
                if cell_len(fresh) <= width:  # the next line takes it whole
                    out.append(line)
                    line, used = [], 0
                    text, size = fresh, cell_len(fresh)
            while used + size > width:  # too wide for any line: cut it
                head, text = _cut(text, width - used)
                if head:
                    line.append((head, style))
                out.append(line)
                line, used = [], 0
                text = _INDENT + text
                size = cell_len(text)
            line.append((text, style))
            used += size
        out.append(line)
    return out


def _cut(text: str, cells: int) -> tuple[str, str]:
    """``text`` split after at most ``cells`` cells ("" when not even its
    first character fits)."""
    used = 0
    for i, char in enumerate(text):
        used += cell_len(char)
        if used > cells:
            return text[:i], text[i:]
    return text, ""


def matches(profile: Profile, query: str) -> bool:
    """Filter syntax: words match name, host or notes; ``#tag`` matches a tag."""
    for word in query.lower().split():
        if word.startswith("#") or word.startswith("tag:"):
            tag = word.split(":", 1)[-1].lstrip("#")
            if not any(t.lower().startswith(tag) for t in profile.tags):
                return False
        elif word not in f"{profile.name} {profile.host} {profile.notes}".lower():
            return False
    return True


class ProfileList(ScrollView, can_focus=True):
    """Profiles with badges, the cursor on one of them; ``enter`` (or a
    click) connects it (``c``, the app's key, does it from any pane)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "profile-list--cursor",
        "profile-list--cursor-blurred",
        "profile-list--hover",
    }

    DEFAULT_CSS = row_cursor_css("ProfileList", "profile-list")

    BINDINGS: ClassVar[list[BindingType]] = bindings("profiles")

    cursor: reactive[int | None] = reactive(None, init=False)
    """The highlighted profile's row (``None`` when the list is empty)."""

    class Highlighted(Message):
        """The cursor moved to the profile called ``name``."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    class Selected(Message):
        """``enter`` or a click on the profile called ``name``."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._names: list[str] = []
        self._lines: list[Lines] = []  # each profile's, before wrapping
        self._wrapped: list[Lines] = []  # at ``_width``
        self._starts: list[int] = []  # each profile's first line
        self._width = 0
        self._hover: int | None = None
        self._cache: dict[tuple[int, int, str], Strip] = {}

    # --------------------------------------------------------------- rows
    def set_rows(self, rows: list[tuple[str, Lines]], *, keep: str | None) -> None:
        """Show ``rows`` (name, lines); the cursor goes to ``keep`` when it is
        shown, else to the first row."""
        self._names = [name for name, _ in rows]
        self._lines = [lines for _, lines in rows]
        self._hover = None
        self._reflow()
        row = self._names.index(keep) if keep in self._names else (0 if rows else None)
        self.set_reactive(ProfileList.cursor, row)
        if row is not None and self._starts and self.is_mounted:
            self._scroll_to_row(row)
        if row is not None:
            self.post_message(self.Highlighted(self._names[row]))

    def replace_row(self, name: str, lines: Lines) -> None:
        """New lines for ``name`` (its badge changed); nothing if it is not shown."""
        with contextlib.suppress(ValueError):
            row = self._names.index(name)
            self._lines[row] = lines
            wrapped = wrap_words(lines, self._width) if self._width else lines
            if len(wrapped) != len(self._wrapped[row]):  # the rows below move
                self._reflow()
                return
            self._wrapped[row] = wrapped
            self._forget(row)
            self.refresh()

    @property
    def highlighted_name(self) -> str | None:
        row = self.cursor
        return self._names[row] if row is not None and row < len(self._names) else None

    def row_of(self, name: str) -> int | None:
        with contextlib.suppress(ValueError):
            return self._names.index(name)
        return None

    def row_at_line(self, line: int) -> int | None:
        """The row drawn on content line ``line`` (``None`` below the last)."""
        if not self._starts or line < 0 or line >= self.virtual_size.height:
            return None
        return bisect.bisect_right(self._starts, line) - 1

    def _reflow(self) -> None:
        width = self._width
        self._wrapped = [wrap_words(lines, width) if width else lines for lines in self._lines]
        starts, line = [], 0
        for lines in self._wrapped:
            starts.append(line)
            line += len(lines)
        self._starts = starts
        self._cache.clear()
        size = Size(0, line)
        if size != self.virtual_size:
            self.virtual_size = size
        self.refresh()

    def _forget(self, row: int) -> None:
        for key in [key for key in self._cache if key[0] == row]:
            del self._cache[key]

    # ------------------------------------------------------------- cursor
    def move_to(self, row: int) -> None:
        if self._names:
            self.cursor = max(0, min(row, len(self._names) - 1))

    def watch_cursor(self, old: int | None, new: int | None) -> None:
        for row in (old, new):
            if row is not None:
                self._forget(row)
        self.refresh()
        if new is not None and new < len(self._names):
            self._scroll_to_row(new)
            if old != new:
                self.post_message(self.Highlighted(self._names[new]))

    def _scroll_to_row(self, row: int) -> None:
        first = self._starts[row]
        last = first + len(self._wrapped[row]) - 1
        scroll_line_into_view(self, last)
        scroll_line_into_view(self, first)

    def action_cursor(self, delta: int) -> None:
        if self.cursor is not None:
            self.move_to(self.cursor + delta)

    def action_cursor_page(self, direction: int) -> None:
        if self.cursor is None:
            return
        height = max(1, self.scrollable_content_region.height)
        line = self._starts[self.cursor] + direction * height
        row = self.row_at_line(max(0, min(line, self.virtual_size.height - 1)))
        self.move_to(self.cursor + direction if row == self.cursor else (row or 0))

    def action_cursor_home(self) -> None:
        self.move_to(0)

    def action_cursor_end(self) -> None:
        self.move_to(len(self._names) - 1)

    def action_select(self) -> None:
        if (name := self.highlighted_name) is not None:
            self.post_message(self.Selected(name))

    # -------------------------------------------------------------- mouse
    def on_click(self, event: events.Click) -> None:
        row = self.row_at_line(self.scroll_offset.y + event.y)
        if row is not None:
            self.focus()
            self.move_to(row)
            self.action_select()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        row = self.row_at_line(self.scroll_offset.y + event.y)
        if row != self._hover:
            for old in (self._hover, row):
                if old is not None:
                    self._forget(old)
            self._hover = row
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._forget(self._hover)
            self._hover = None
            self.refresh()

    # ------------------------------------------------------------- drawing
    def on_focus(self) -> None:
        if self.cursor is not None:
            self._forget(self.cursor)
        self.refresh()

    def on_blur(self) -> None:
        self.on_focus()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def on_resize(self) -> None:
        self._fit(self.scrollable_content_region.width)
        if self.cursor is not None:
            self._scroll_to_row(self.cursor)

    def _fit(self, width: int) -> None:
        """Wrap the rows to ``width`` (a new width: the first drawing, a resize)."""
        if width != self._width:
            self._width = width
            self._reflow()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        # wrapped here, not when the Resize event comes: the first drawing
        # already shows every row at the width it is drawn at
        self._fit(width)
        line = self.scroll_offset.y + y
        base = self.rich_style
        row = self.row_at_line(line)
        if row is None:
            return Strip.blank(width, base)
        state = row_state(row, self.cursor, self._hover, self.has_focus)
        sub = line - self._starts[row]
        strip = self._cache.get((row, sub, state))
        if strip is None:
            strip = self._render(self._wrapped[row][sub], base, state, width)
            self._cache[(row, sub, state)] = strip
        return strip

    def _render(self, words: list[Word], base: Style, state: str, width: int) -> Strip:
        # the row's colours under the words: a badge's own (a green 250, a red !) stay on top
        over = row_style(self, "profile-list", state)
        under = base + over if over is not None else base
        segments = []
        used = 0
        for text, style_name in words:
            style = under + Style.parse(style_name) if style_name else under
            word = text.lstrip(" ")
            if len(word) < len(text):  # the gap its own run: an SVG export keeps it
                segments.append(Segment(text[: len(text) - len(word)], style))
            segments.append(Segment(word, style))
            used += cell_len(text)
        if used < width:  # the row's colour reaches the pane's edge
            segments.append(Segment(" " * (width - used), under))
        return Strip(segments).crop(0, width)


class ProfilesPane(Vertical):
    """Filter input above the list.  Emits :class:`ProfilesPane.Highlighted`
    and :class:`ProfilesPane.Chosen` with a profile name."""

    class Highlighted(Message):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    class Chosen(Message):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def __init__(self, *, lang: str = "en", id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang
        self.profiles: list[Profile] = []
        self.badges: dict[str, Badge] = {}
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield Deferred(
            lambda: Input(placeholder=t("pane.profiles.filter", self.lang), id="profile-filter")
        )
        yield ProfileList(id="profile-list")

    def on_mount(self) -> None:
        self.border_title = t("pane.profiles.title", self.lang)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.border_title = t("pane.profiles.title", lang)
        for field in self.query("#profile-filter").results(Input):
            field.placeholder = t("pane.profiles.filter", lang)
        if self.profiles:
            self._rebuild(self.highlighted_name)

    def shown_profiles(self) -> list[Profile]:
        """The profiles the filter shows now."""
        return [p for p in self.profiles if matches(p, self.query_text)]

    @property
    def profile_list(self) -> ProfileList:
        return self.query_one(ProfileList)

    @property
    def highlighted_name(self) -> str | None:
        return self.profile_list.highlighted_name

    def set_profiles(self, profiles: list[Profile], *, select: str | None = None) -> None:
        keep = select or self.highlighted_name
        self.profiles = profiles
        self._rebuild(keep)

    def _rebuild(self, keep: str | None) -> None:
        self.profile_list.set_rows(
            [
                (p.name, profile_lines(p, self.badges.get(p.name), self.lang))
                for p in self.shown_profiles()
            ],
            keep=keep,
        )

    def update_badge(self, name: str, badge: Badge) -> None:
        if self.badges.get(name) == badge:
            return
        self.badges[name] = badge
        profile = next((p for p in self.profiles if p.name == name), None)
        if profile is not None:  # filtered out: nothing to repaint
            self.profile_list.replace_row(name, profile_lines(profile, badge, self.lang))

    def highlight(self, name: str) -> None:
        """Move the cursor to ``name`` (if the filter shows it)."""
        row = self.profile_list.row_of(name)
        if row is not None:
            self.profile_list.move_to(row)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_text = event.value
        self._rebuild(self.highlighted_name)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.profile_list.focus()

    def on_profile_list_highlighted(self, event: ProfileList.Highlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(event.name))

    def on_profile_list_selected(self, event: ProfileList.Selected) -> None:
        event.stop()
        self.post_message(self.Chosen(event.name))

    def focus_filter(self) -> None:
        for field in self.query("#profile-filter").results(Input):
            field.focus()
