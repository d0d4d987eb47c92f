"""The profiles pane: every saved server, a filter, and a live badge per row."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from smtptui.i18n import t
from smtptui.ui.deferred import Deferred
from smtptui.ui.keys import bindings
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


def badge_text(badge: Badge | None) -> Text:
    """``● 250 3 ms`` — status symbol (🔒 when TLS), last code and latency."""
    if badge is None or badge.status == "idle":
        return Text.assemble(("○", "dim"), ("   —", "dim"))
    symbol, style = _SYMBOLS.get(badge.status, ("?", ""))
    if badge.status in ("connected", "busy") and badge.tls:
        symbol = "🔒"
    text = Text(symbol, style=style)
    if badge.code is not None:
        code_style = "green" if badge.code < 400 else "red"
        text.append(f" {badge.code}", style=code_style)
    if badge.latency_ms is not None and badge.status != "error":
        text.append(f" {format_ms(badge.latency_ms)}", style="dim")
    return text


def profile_prompt(profile: Profile, badge: Badge | None, lang: str = "en") -> Text:
    """Status, name, last code and latency; then where (``built-in`` for the
    demo, whose port is chosen when it starts: the header shows it); then tags."""
    badge_line = badge_text(badge)
    row = Text.assemble(badge_line[:1], (f" {profile.name}", "bold"), badge_line[1:])
    where = t("pane.profiles.builtin", lang) if profile.builtin_server else profile.address
    detail = Text(f"\n  {where} · {profile.security}", style="dim")
    if profile.tags:
        detail.append("\n  " + " ".join(f"#{t}" for t in profile.tags), style="dim italic")
    row.append_text(detail)
    return row


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


class ProfileList(OptionList):
    """Profiles with badges; ``enter`` connects the highlighted one (``c``,
    the app's key, does it from any pane)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("profiles")


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
    def option_list(self) -> ProfileList:
        return self.query_one(ProfileList)

    @property
    def highlighted_name(self) -> str | None:
        option = self.option_list.highlighted_option
        return option.id if option is not None else None

    def set_profiles(self, profiles: list[Profile], *, select: str | None = None) -> None:
        keep = select or self.highlighted_name
        self.profiles = profiles
        self._rebuild(keep)

    def _rebuild(self, keep: str | None) -> None:
        shown = self.shown_profiles()
        ol = self.option_list
        ol.set_options(
            Option(profile_prompt(p, self.badges.get(p.name), self.lang), id=p.name) for p in shown
        )
        if not shown:
            return
        names = [p.name for p in shown]
        ol.highlighted = names.index(keep) if keep in names else 0

    def update_badge(self, name: str, badge: Badge) -> None:
        if self.badges.get(name) == badge:
            return
        self.badges[name] = badge
        profile = next((p for p in self.profiles if p.name == name), None)
        if profile is None:
            return
        with contextlib.suppress(OptionDoesNotExist):  # filtered out: nothing to repaint
            self.option_list.replace_option_prompt(name, profile_prompt(profile, badge, self.lang))

    def highlight(self, name: str) -> None:
        """Move the cursor to ``name`` (if the filter shows it)."""
        with contextlib.suppress(OptionDoesNotExist):
            self.option_list.highlighted = self.option_list.get_option_index(name)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_text = event.value
        self._rebuild(self.highlighted_name)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.option_list.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Highlighted(event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))

    def focus_filter(self) -> None:
        for field in self.query("#profile-filter").results(Input):
            field.focus()
