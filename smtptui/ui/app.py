"""The smtptui dashboard: the App, its bindings, and the wiring between panes.

Panes live in ``smtptui/ui/widgets``; they render what the session controllers
hold and post messages back.  Network work runs in one worker group per
profile (``session-<name>``), with ``exit_on_error=False``: a failure ends up in
that session's transcript and as a notification, never as a crash.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState

from smtptui.protocol.errors import SmtpError
from smtptui.ui.compat import TextualAppHooks
from smtptui.ui.deferred import Deferred
from smtptui.ui.layout import ResponsiveLayout
from smtptui.ui.panes import transcript_pane
from smtptui.ui.widgets.profile_list import ProfilesPane

if TYPE_CHECKING:
    from smtptui.ui.widgets.transcript_view import TranscriptView


class SmtpTuiApp(TextualAppHooks, ResponsiveLayout, App[None]):
    """Talk SMTP to many servers and see every byte."""

    CSS_PATH = Path(__file__).with_name(
        "app.tcss"
    )  # absolute: subclasses (tests, tools) find it too
    TITLE = "smtptui"
    COMMANDS: ClassVar = App.COMMANDS | {lambda: _profile_commands()}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "q", "quit", "Quit", id="app.quit", tooltip="Close every session with QUIT and leave"
        ),
        Binding(
            "d",
            "disconnect",
            "Disconnect",
            id="session.disconnect",
            tooltip="QUIT the highlighted profile's session",
        ),
        Binding("n", "new_profile", "New", id="profile.new", tooltip="Create a profile"),
        Binding(
            "e", "edit_profile", "Edit", id="profile.edit", tooltip="Edit the highlighted profile"
        ),
        Binding("D", "duplicate_profile", "Duplicate", show=False, id="profile.duplicate"),
        Binding("delete,X", "delete_profile", "Delete", show=False, id="profile.delete"),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="profiles.filter",
            tooltip="Filter profiles (name, host, #tag)",
        ),
        Binding(
            "f5",
            "send",
            "Send",
            id="composer.send",
            tooltip="Send the composer's message on this session",
        ),
        Binding(
            "i", "inbox", "Inbox", id="demo.inbox", tooltip="What the built-in demo server received"
        ),
        Binding(
            "colon",
            "focus_raw",
            "Raw",
            id="session.raw",
            tooltip="Type a raw SMTP command (telnet mode)",
        ),
        Binding(
            "l",
            "toggle_language",
            "中文/EN",
            id="app.language",
            tooltip="Switch the reference between English and Chinese",
        ),
        Binding(
            "h",
            "dashboard",
            "Fleet",
            id="fleet.dashboard",
            tooltip="Check every (filtered) profile at once: health, TLS, AUTH, latency",
        ),
        Binding("x", "export", "Export", show=False, id="transcript.export"),
        Binding("y", "copy_transcript", "Copy", show=False, id="transcript.copy"),
        Binding("s", "search", "Search", show=False, id="transcript.search"),
        Binding("t", "toggle_theme", "Theme", show=False, id="app.theme"),
        Binding("f1,question_mark", "help", "Help", id="app.help", tooltip="Every key binding"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.palette"),
    ]

    def __init__(
        self,
        *,
        profiles_dir: str | None = None,
        profile_name: str | None = None,
        lang: str | None = None,
    ) -> None:
        super().__init__()
        from smtptui.builtin import BuiltinServer
        from smtptui.profiles import ProfileStore

        self.store = ProfileStore(profiles_dir)
        self.start_profile = profile_name
        self._lang = lang  # resolved on first use (SMTPTUI_LANG, then the locale)
        self.builtin = BuiltinServer()
        self.controllers: dict[str, object] = {}
        self.current: str | None = None
        self.auto_handshake = True
        self._store_token: tuple = ()  # the profiles folder as last read (see reload_profiles)
        self._dirty: set[str] = set()  # profiles whose session changed since the last repaint

    # ------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        # Only the profiles list is in the first frame; everything else is built
        # right after it (first paint is a feature).
        yield Deferred(lambda: Header(icon="✉"))
        with Horizontal(id="main"):
            yield ProfilesPane(id="profiles")
            yield Deferred(self._transcript_pane)
            yield Deferred(self._reference_pane)
        with Horizontal(id="bottom"):
            yield Deferred(self._composer_pane)
            yield Deferred(self._session_panel)
        yield Deferred(Footer)

    # The heavy panes are imported, built and mounted after the first frame, so
    # the profiles list is on screen as fast as Textual can draw it.
    @property
    def lang(self) -> str:
        if self._lang not in ("en", "zh"):
            from smtptui.i18n import resolve_lang

            self._lang = resolve_lang(self._lang)
        return self._lang

    @lang.setter
    def lang(self, value: str) -> None:
        self._lang = value

    def _transcript_pane(self):
        from smtptui.ui.widgets.transcript_pane import TranscriptPane

        return TranscriptPane(id="transcript")

    def _reference_pane(self):
        from smtptui.ui.widgets.reference_pane import ReferencePane

        return ReferencePane(lang=self.lang, id="reference")

    def _composer_pane(self):
        from smtptui.ui.widgets.composer import ComposerPane

        return ComposerPane(id="composer")

    def _session_panel(self):
        from smtptui.ui.widgets.session_panel import SessionPanel

        return SessionPanel(lang=self.lang, id="session")

    def on_mount(self) -> None:
        self.reload_profiles(select=self.start_profile)
        self.call_after_refresh(self._load_keymap)
        self.set_interval(1.0, self._watch_idle_sessions)
        self._exit_on_signals()
        self.query_one("#profile-list").focus()
        self._apply_layout(self.size.width, self.size.height)

    def _watch_idle_sessions(self) -> None:
        """A server that says goodbye (421) or hangs up while a session sits
        idle is shown at once, not when the next command fails; profile files
        edited outside the app are picked up the same way."""
        if self.store.changed_since(self._store_token):
            self.reload_profiles()
        for name, controller in self.controllers.items():
            if controller.has_idle_news():
                self.run_session_work(
                    name, controller.notice_idle(), "reading what the server sent"
                )

    def _exit_on_signals(self) -> None:
        """SIGHUP (the SSH connection dropped) and SIGTERM end the app the
        normal way: sessions get QUIT and the demo server's temporary
        certificate and key are removed (smtptui.ui.exit_guard)."""
        from smtptui.ui.exit_guard import exit_on_signals

        exit_on_signals(self)

    def _load_keymap(self) -> None:
        from smtptui.ui.keymap import load_keymap

        keymap, problems = load_keymap()
        if keymap:
            self.set_keymap(keymap)
        for problem in problems:
            self.notify(problem, title="keymap", severity="warning")

    # ------------------------------------------------------------ profiles
    def reload_profiles(self, *, select: str | None = None) -> None:
        from smtptui.ui.panes import composer_pane

        self._store_token = self.store.token()
        result = self.store.load()
        for error in result.errors:
            self.notify(str(error), title="profile skipped", severity="warning", timeout=10)
        pane = self.query_one(ProfilesPane)
        names = [p.name for p in result.profiles]
        if select is not None and select not in names:
            self.notify(f"no profile named {select!r}", severity="error")
            select = None
        if select is None and self.current in names:
            select = self.current
        if select is None and "demo" in names and not any(not p.bundled for p in result.profiles):
            select = "demo"
        pane.set_profiles(result.profiles, select=select)
        for name in [n for n in self.controllers if n not in names]:
            # renamed or deleted elsewhere: its session must not live on unseen
            orphan = self.controllers.pop(name)
            self.workers.cancel_group(self, f"session-{name}")
            if orphan.connected:
                self.run_worker(
                    orphan.disconnect(), exit_on_error=False, description=f"closing {name}"
                )
            if self.current == name:
                self.current = None
        for name, controller in self.controllers.items():
            pane.update_badge(name, controller.badge)
            profile = next((p for p in result.profiles if p.name == name), None)
            if profile is not None and not controller.connected:
                controller.profile = profile
                if name == self.current and (composer := composer_pane(self)) is not None:
                    composer.switch_profile(name, profile)  # same name: keeps the draft

    def profile(self, name: str | None):
        if name is None:
            return None
        pane = self.query_one(ProfilesPane)
        return next((p for p in pane.profiles if p.name == name), None)

    @property
    def current_controller(self):
        """The session shown now (panes mounted lazily start from it)."""
        return self.controllers.get(self.current) if self.current else None

    @property
    def highlighted(self) -> str | None:
        return self.query_one(ProfilesPane).highlighted_name

    def controller(self, name: str, *, create: bool = True):
        from smtptui.ui.controller import SessionController

        controller = self.controllers.get(name)
        if controller is None and create:
            profile = self.profile(name)
            if profile is None:
                return None
            controller = SessionController(profile, builtin=self.builtin)
            controller.on_change = self._controller_changed
            self.controllers[name] = controller
        return controller

    def on_profiles_pane_highlighted(self, message: ProfilesPane.Highlighted) -> None:
        self.switch_to(message.name)

    def on_profiles_pane_chosen(self, message: ProfilesPane.Chosen) -> None:
        self.connect(message.name)

    def switch_to(self, name: str) -> None:
        """Show ``name``'s session everywhere, at once; other sessions live on."""
        from smtptui.ui.panes import composer_pane, reference_pane, session_panel

        previous = self.current
        self.current = name
        controller = self.controller(name)
        if controller is None:
            return
        if (pane := transcript_pane(self)) is not None:
            pane.view.show(controller.lines)
        if (composer := composer_pane(self)) is not None:
            composer.switch_profile(previous, controller.profile)
        if (panel := session_panel(self)) is not None:
            panel.show(controller)
        if (reference := reference_pane(self)) is not None:
            reference.follow(controller)
        self._update_titles()

    def _update_titles(self) -> None:
        controller = self.current_controller
        if controller is None:
            self.sub_title = ""
            return
        profile = controller.profile
        badge = controller.badge
        tls = " · TLS" if badge.tls else ""
        state = {"idle": "not connected"}.get(badge.status, badge.status)
        session = controller.session
        if session is not None:
            where = session.host_label  # the real address (the demo's port is chosen at start)
        else:
            where = "built-in demo server" if profile.builtin_server else profile.address
        self.sub_title = f"{profile.name} ({where} {profile.security}) · {state}{tls}"
        title = f"Transcript: {profile.name}"
        if session is not None and session.tls_info is not None:
            title += f" · {session.tls_info.version}"
        if (pane := transcript_pane(self)) is not None:
            pane.set_title(title)

    # ------------------------------------------------------ session events
    def _controller_changed(self, controller, new_lines) -> None:
        """Called by a controller for every event.  Cheap on purpose: it only
        notes what changed; one repaint per burst follows (a server may send
        thousands of lines between two frames)."""
        if not self._dirty:
            self.call_later(self._flush_views)
        self._dirty.add(controller.key)

    def _flush_views(self) -> None:
        from smtptui.ui.panes import reference_pane, session_panel

        dirty, self._dirty = self._dirty, set()
        pane = self.query_one(ProfilesPane)
        for name in dirty:
            controller = self.controllers.get(name)
            if controller is not None:
                pane.update_badge(name, controller.badge)
        controller = self.current_controller
        if controller is not None and controller.key in dirty:
            if (pane := transcript_pane(self)) is not None:
                pane.view.lines_appended()
            if (panel := session_panel(self)) is not None:
                panel.refresh_state()
            if (reference := reference_pane(self)) is not None:
                reference.follow(controller)
        self._update_titles()

    def run_session_work(self, name: str, coro, description: str) -> Worker:
        controller = self.controllers.get(name)
        if controller is not None and controller.session is not None and controller.session.busy:
            self.notify(
                f"{name} is busy; this goes out as soon as the current operation ends", timeout=3
            )
        return self.run_worker(
            coro, group=f"session-{name}", exit_on_error=False, description=description
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is not WorkerState.ERROR or not (worker.group or "").startswith("session-"):
            return
        error = worker.error
        name = worker.group.removeprefix("session-")
        if isinstance(error, SmtpError):
            self.notify(error.sentence, title=name, severity="error", timeout=8)
        else:
            controller = self.controllers.get(name)
            text = f"internal error while {worker.description}: {type(error).__name__}: {error}"
            if controller is not None:
                controller.fail(text)
            self.notify(text, title=name, severity="error", timeout=10)

    # ------------------------------------------------------------- actions
    def connect(self, name: str | None = None) -> None:
        from smtptui.ui.session_actions import connect

        name = name or self.highlighted
        if name is None:
            return
        controller = self.controller(name)
        if controller is None:
            return
        if name != self.current:
            self.switch_to(name)
        if controller.connected or controller.connecting:
            self.notify(f"{name} is already connected; d disconnects", timeout=3)
            return
        self.run_session_work(name, connect(self, controller), f"connecting {name}")

    def action_disconnect(self) -> None:
        name = self.current
        controller = self.controllers.get(name) if name else None
        if controller is None or not (controller.connected or controller.connecting):
            self.notify("not connected", timeout=2)
            return
        # A command waiting on a silent server must not hold the disconnect up:
        # cancelling it says QUIT and closes (protocol.wire.Wire.exclusive).
        self.workers.cancel_group(self, f"session-{name}")
        self.run_worker(
            controller.disconnect(),
            group=f"session-{name}",
            exit_on_error=False,
            description="disconnecting",
        )

    def action_send(self) -> None:
        from smtptui.ui.session_actions import send_composed

        if self.current is None:
            return
        controller = self.controller(self.current)
        self.run_session_work(
            self.current, send_composed(self, controller), f"sending on {self.current}"
        )

    def on_transcript_view_reply_selected(self, message: TranscriptView.ReplySelected) -> None:
        from smtptui.ui.panes import reference_pane

        controller = self.current_controller
        if controller is not None and (reference := reference_pane(self)) is not None:
            reference.show_reply(message.event, controller)

    def on_session_panel_raw_submitted(self, message) -> None:
        from smtptui.ui.session_actions import raw_line

        controller = self.current_controller
        if controller is None:
            return
        self.run_session_work(
            controller.key,
            raw_line(self, controller, message.line),
            "sending a raw command",  # never the line itself: it may be a base64 password
        )

    def on_session_panel_step_requested(self, message) -> None:
        from smtptui.ui.session_actions import step

        controller = self.controller(self.current) if self.current else None
        if controller is None:
            return
        self.run_session_work(
            controller.key, step(self, controller, message.verb), f"sending {message.verb}"
        )

    def on_session_panel_handshake_toggled(self, message) -> None:
        self.auto_handshake = message.value

    def on_composer_pane_send_requested(self, message) -> None:
        self.action_send()

    def edit_named_profile(self, name: str) -> None:
        from smtptui.ui.profile_actions import edit_profile

        edit_profile(self, self.profile(name))

    def action_filter(self) -> None:
        self.show_pane("profiles")
        self.query_one(ProfilesPane).focus_filter()

    def action_focus_raw(self) -> None:
        from smtptui.ui.panes import session_panel

        self.show_pane("session")
        if (panel := session_panel(self)) is not None:
            panel.focus_raw()

    def action_dashboard(self) -> None:
        from smtptui.ui.screens.dashboard import DashboardScreen

        if not isinstance(self.screen, DashboardScreen):
            self.push_screen(DashboardScreen(self))

    def action_swaks(self) -> None:
        from smtptui.ui.screens.swaks import open_swaks

        open_swaks(self)

    def action_auth_helper(self) -> None:
        from smtptui.ui.panes import session_panel

        self.show_pane("session")
        if (panel := session_panel(self)) is not None:
            panel.open_auth_helper()

    def action_search(self) -> None:
        self.show_pane("transcript")
        if (pane := transcript_pane(self)) is not None:
            pane.open_search()

    def key_escape(self) -> None:
        if (pane := transcript_pane(self)) is not None:
            pane.close_search()

    def action_toggle_language(self) -> None:
        from smtptui.ui.panes import reference_pane, session_panel

        self.lang = "zh" if self.lang == "en" else "en"
        if (reference := reference_pane(self)) is not None:
            reference.set_language(self.lang)
        if (panel := session_panel(self)) is not None:
            panel.set_language(self.lang)
        self.notify("参考说明：中文" if self.lang == "zh" else "Reference: English", timeout=2)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme != "textual-light" else "textual-dark"

    def action_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_inbox(self) -> None:
        from smtptui.ui.screens.inbox import InboxScreen

        self.push_screen(InboxScreen(self.builtin))

    def action_export(self) -> None:
        from smtptui.ui.screens.export import ExportScreen

        controller = self.current_controller
        if controller is None or not controller.transcript.events:
            self.notify("nothing to export yet", timeout=2)
            return
        self.push_screen(ExportScreen(controller))

    def action_copy_transcript(self) -> None:
        from smtptui.transcript import export_text

        controller = self.current_controller
        if controller is None or not controller.transcript.events:
            self.notify("nothing to copy yet", timeout=2)
            return
        self.copy_to_clipboard(export_text(controller.transcript.events, redact=True))
        self.notify("transcript copied (user names and passwords masked)", timeout=3)

    def action_new_profile(self) -> None:
        from smtptui.ui.profile_actions import edit_profile

        edit_profile(self, None)

    def action_edit_profile(self) -> None:
        from smtptui.ui.profile_actions import edit_profile

        edit_profile(self, self.profile(self.highlighted))

    def action_duplicate_profile(self) -> None:
        from smtptui.ui.profile_actions import duplicate_profile

        duplicate_profile(self, self.profile(self.highlighted))

    def action_delete_profile(self) -> None:
        from smtptui.ui.profile_actions import delete_profile

        delete_profile(self, self.profile(self.highlighted))

    def report_internal_error(self) -> None:
        """An unexpected internal error (a bug): one sentence on the terminal,
        the traceback in a crash report.  Textual's own handler prints a
        traceback *with local variables*, which could hold a secret the user
        typed; the report has no locals and is readable only by its owner.
        (Textual calls it through smtptui.ui.compat.TextualAppHooks.)"""
        from smtptui.ui.compat import exit_now_with_message
        from smtptui.ui.crash import write_crash_report

        sentence = write_crash_report()
        self.bell()
        exit_now_with_message(self, sentence)

    async def on_unmount(self) -> None:
        """However the app ends (q, ctrl+c, a test harness), sessions get QUIT and
        the demo server's port is released."""
        from smtptui.ui.session_actions import close_all

        await close_all(self)

    async def action_quit(self) -> None:
        """QUIT every open session (bounded in time), stop the demo server, leave."""
        from smtptui.ui.session_actions import close_all

        await close_all(self)
        self.exit()

    #: Actions that still make sense while a dialog (form, inbox, preview) is open.
    _MODAL_SAFE = frozenset({"quit", "help", "command_palette", "toggle_theme", "toggle_language"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The dashboard's letter keys belong to the main screen: inside a dialog
        or the fleet view, ``n`` or ``d`` must not act on panes hidden behind it."""
        return action in self._MODAL_SAFE or self.screen is self.screen_stack[0]

    def get_system_commands(self, screen: Screen):
        from smtptui.ui.commands import dashboard_commands

        yield from super().get_system_commands(screen)
        yield from dashboard_commands(self)


def _profile_commands():
    from smtptui.ui.commands import ProfileCommands

    return ProfileCommands
