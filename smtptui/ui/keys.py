"""Every key of the dashboard, in one table.

Each row is one action: its binding id (what ``keymap.toml`` remaps), the keys,
the Textual action, where it applies (``group``: the app, a pane, a dialog),
whether the footer shows it and whether the command palette lists it.  The
words — a short label for the footer and a sentence for help, the palette and
tooltips — are in the catalogue (``keys.<id>.label`` / ``keys.<id>.help``), in
English and Chinese.  Widgets take their ``BINDINGS`` from here
(:func:`bindings`), the help screen and the palette read the same rows, so a
key is described once.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from smtptui.i18n import t


@dataclass(frozen=True, slots=True)
class KeyAction:
    id: str
    keys: str
    action: str
    group: str
    show: bool = True
    palette: bool = False

    def label(self, lang: str) -> str:
        return t(f"keys.{self.id}.label", lang)

    def help(self, lang: str) -> str:
        return t(f"keys.{self.id}.help", lang)


def _k(*args, **kwargs) -> KeyAction:
    return KeyAction(*args, **kwargs)


#: Help sections, in the order the help screen shows them.
GROUPS: tuple[str, ...] = (
    "app",
    "panes",
    "profiles",
    "transcript",
    "reference",
    "code_table",
    "composer",
    "session",
    "buttons",
    "fleet",
    "views",
    "flow",
    "flow_view",
    "lessons",
    "lesson",
    "compare",
    "inbox",
    "export",
    "preview",
    "swaks",
    "auth_helper",
    "form",
    "password",
    "domain",
    "confirm",
    "palette",
)

KEYS: tuple[KeyAction, ...] = (
    # -- everywhere on the main screen
    _k("app.help", "f1,question_mark", "help", "app", palette=True),
    _k("app.palette", "ctrl+p", "command_palette", "app"),
    _k("app.quit", "q", "quit", "app", palette=True),
    _k("app.language", "l", "toggle_language", "app", palette=True),
    _k("profiles.connect", "c", "connect", "app", palette=True),
    _k("session.disconnect", "d", "disconnect", "app", palette=True),
    _k("composer.send", "f5", "send", "app", palette=True),
    _k("session.raw", "colon", "focus_raw", "app", palette=True),
    _k("profiles.filter", "slash", "filter", "app", palette=True),
    _k("fleet.dashboard", "h", "dashboard", "app", palette=True),
    _k("demo.inbox", "i", "inbox", "app", palette=True),
    _k("profile.new", "n", "new_profile", "app", show=False, palette=True),
    _k("profile.edit", "e", "edit_profile", "app", show=False, palette=True),
    _k("profile.duplicate", "D", "duplicate_profile", "app", show=False, palette=True),
    _k("profile.delete", "delete,X", "delete_profile", "app", show=False, palette=True),
    _k("transcript.search", "s", "search", "app", show=False, palette=True),
    _k("transcript.export", "x", "export", "app", show=False, palette=True),
    _k("transcript.copy", "y", "copy_transcript", "app", show=False, palette=True),
    _k("app.theme", "t", "toggle_theme", "app", show=False, palette=True),
    # -- seeing SMTP: the current session drawn, and the lessons
    _k("view.flow", "v", "flow", "app", show=False, palette=True),
    _k("view.states", "m", "state_machine", "app", show=False, palette=True),
    _k("view.waterfall", "w", "waterfall", "app", show=False, palette=True),
    _k("view.tls", "T", "tls_view", "app", show=False, palette=True),
    _k("session.domain", "at", "open_domain", "app", show=False, palette=True),
    _k("learn.open", "L", "lessons", "app", show=False, palette=True),
    # -- moving between panes (free in tmux and over SSH: plain keys)
    _k("pane.profiles", "1", "show_pane('profiles')", "panes", show=False),
    _k("pane.transcript", "2", "show_pane('transcript')", "panes", show=False),
    _k("pane.reference", "3", "show_pane('reference')", "panes", show=False),
    _k("pane.composer", "4", "show_pane('composer')", "panes", show=False),
    _k("pane.session", "5", "show_pane('session')", "panes", show=False),
    _k("pane.next", "right_square_bracket", "cycle_pane(1)", "panes", show=False),
    _k("pane.previous", "left_square_bracket", "cycle_pane(-1)", "panes", show=False),
    _k("pane.focus_next", "tab", "app.focus_next", "panes", show=False),
    _k("pane.focus_previous", "shift+tab", "app.focus_previous", "panes", show=False),
    _k("input.leave", "escape", "leave_input", "panes", show=False),
    # -- panes (their own keys while focused)
    _k("profiles.choose", "enter", "select", "profiles", show=False),
    _k("profiles.up", "up", "cursor(-1)", "profiles", show=False),
    _k("profiles.down", "down", "cursor(1)", "profiles", show=False),
    _k("profiles.pageup", "pageup", "cursor_page(-1)", "profiles", show=False),
    _k("profiles.pagedown", "pagedown", "cursor_page(1)", "profiles", show=False),
    _k("profiles.home", "home", "cursor_home", "profiles", show=False),
    _k("profiles.end", "end", "cursor_end", "profiles", show=False),
    _k("transcript.up", "up", "cursor(-1)", "transcript", show=False),
    _k("transcript.down", "down", "cursor(1)", "transcript", show=False),
    _k("transcript.pageup", "pageup", "cursor_page(-1)", "transcript", show=False),
    _k("transcript.pagedown", "pagedown", "cursor_page(1)", "transcript", show=False),
    _k("transcript.home", "home", "cursor_home", "transcript", show=False),
    _k("transcript.follow", "end", "follow", "transcript"),
    _k("transcript.next", "n", "next_match(1)", "transcript", show=False),
    _k("transcript.previous", "N", "next_match(-1)", "transcript", show=False),
    _k("reference.follow", "f", "follow_latest", "reference"),
    _k("code_table.up", "up", "cursor(-1)", "code_table", show=False),
    _k("code_table.down", "down", "cursor(1)", "code_table", show=False),
    _k("code_table.pageup", "pageup", "cursor_page(-1)", "code_table", show=False),
    _k("code_table.pagedown", "pagedown", "cursor_page(1)", "code_table", show=False),
    _k("code_table.home", "home", "cursor_home", "code_table", show=False),
    _k("code_table.end", "end", "cursor_end", "code_table", show=False),
    _k("composer.preview", "f4", "preview", "composer"),
    _k("composer.reset", "f8", "reset", "composer", show=False),
    _k("session.history_previous", "up", "history(-1)", "session", show=False),
    _k("session.history_next", "down", "history(1)", "session", show=False),
    _k("session.complete", "tab", "complete", "session", show=False),
    _k("buttons.next", "right", "move(1)", "buttons", show=False),
    _k("buttons.previous", "left", "move(-1)", "buttons", show=False),
    _k("buttons.down", "down", "move_row(1)", "buttons", show=False),
    _k("buttons.up", "up", "move_row(-1)", "buttons", show=False),
    _k("buttons.press", "enter,space", "press", "buttons", show=False),
    # -- the fleet view
    _k("fleet.open", "enter", "open", "fleet"),
    _k("fleet.recheck", "r", "recheck", "fleet"),
    _k("fleet.recheck_all", "R", "recheck_all", "fleet"),
    _k("fleet.sort", "s", "cycle_sort", "fleet"),
    _k("fleet.reverse", "S", "reverse_sort", "fleet"),
    _k("fleet.compare", "c", "compare", "fleet"),
    _k("fleet.mark", "space", "mark", "fleet"),
    _k("fleet.swaks", "x", "swaks", "fleet"),
    _k("fleet.close", "h", "close", "fleet"),
    _k("fleet.back", "escape", "back", "fleet"),
    # -- the state machine and the waterfall (screens over the dashboard)
    _k("views.close", "escape,q", "close", "views"),
    _k("chart.next", "right,tab", "move(1)", "views", show=False),
    _k("chart.previous", "left,shift+tab", "move(-1)", "views", show=False),
    _k("chart.choose", "enter", "choose", "views"),
    # -- the flow diagram (v)
    _k("flow.close", "escape,q", "close", "flow"),
    _k("flow.choose", "enter", "choose", "flow"),
    _k("flow.copy_mermaid", "m", "copy_mermaid", "flow"),
    _k("flow.copy_text", "p", "copy_text", "flow"),
    _k("flow.up", "up", "cursor(-1)", "flow_view", show=False),
    _k("flow.down", "down", "cursor(1)", "flow_view", show=False),
    _k("flow.pageup", "pageup", "cursor_page(-1)", "flow_view", show=False),
    _k("flow.pagedown", "pagedown", "cursor_page(1)", "flow_view", show=False),
    _k("flow.home", "home", "cursor_home", "flow_view", show=False),
    _k("flow.follow", "end", "follow", "flow_view", show=False),
    # -- lessons (L, or smtptui learn)
    _k("lessons.forget", "r", "forget", "lessons"),
    _k("lessons.language", "l", "language", "lessons"),
    _k("lessons.close", "escape,q", "close", "lessons"),
    _k("lesson.hint", "f2", "hint", "lesson"),
    _k("lesson.skip", "f3", "skip", "lesson"),
    _k("lesson.reconnect", "ctrl+r", "reconnect", "lesson"),
    _k("lesson.reset", "f4", "reset", "lesson"),
    _k("lesson.picture", "f6", "picture", "lesson"),
    _k("lesson.flow", "f7", "flow", "lesson"),
    _k("lesson.leave", "escape", "leave", "lesson"),
    # -- dialogs
    _k("compare.close", "escape", "close", "compare"),
    _k("compare.diff_only", "d", "toggle_diff_only", "compare"),
    _k("inbox.close", "escape,i", "close", "inbox"),
    _k("inbox.raw", "r", "toggle_raw", "inbox"),
    _k("inbox.copy", "y", "copy_source", "inbox"),
    _k("export.close", "escape", "close", "export"),
    _k("export.save", "f2", "save", "export"),
    _k("export.copy", "f3", "copy", "export"),
    _k("preview.close", "escape", "dismiss", "preview"),
    _k("preview.crlf", "c", "toggle_marks", "preview"),
    _k("preview.copy", "y", "copy", "preview"),
    _k("swaks.close", "escape", "close", "swaks"),
    _k("swaks.copy", "y", "copy", "swaks"),
    _k("auth_helper.close", "escape", "dismiss_helper", "auth_helper"),
    _k("auth_helper.use", "f2", "use", "auth_helper"),
    _k("form.save", "f2", "save", "form"),
    _k("form.cancel", "escape", "cancel", "form"),
    _k("password.cancel", "escape", "cancel", "password"),
    _k("domain.cancel", "escape", "cancel", "domain"),
    _k("confirm.no", "escape,n", "answer(False)", "confirm"),
    _k("confirm.yes", "y", "answer(True)", "confirm"),
    # -- actions with no key of their own: the command palette (ctrl+p) runs them
    _k("palette.preview", "", "preview", "palette", palette=True),
    _k("palette.auth_helper", "", "auth_helper", "palette", palette=True),
    _k("palette.reload", "", "reload_profiles", "palette", palette=True),
    _k("palette.swaks", "", "swaks", "palette", palette=True),
)

BY_ID: dict[str, KeyAction] = {k.id: k for k in KEYS}


def bindings(group: str, *, exclude: tuple[str, ...] = ()) -> list[Binding]:
    """The Textual bindings of one group (English words; the footer and the
    help screen show them in the app's language)."""
    return [
        Binding(
            k.keys,
            k.action,
            k.label("en"),
            show=k.show,
            id=k.id,
            tooltip=k.help("en"),
        )
        for k in KEYS
        if k.group == group and k.id not in exclude
    ]


def group_title(group: str, lang: str) -> str:
    return t(f"keys.group.{group}", lang)
