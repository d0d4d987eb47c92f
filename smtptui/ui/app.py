"""The smtptui dashboard: the App, its keys, and the wiring between the
workspace and the panes.

The state lives in a :class:`~smtptui.workspace.model.Workspace` (profiles,
sessions, selection, drafts, settings — no Textual there); this module renders
it and turns keys, clicks and the panes' messages into calls on it.  Panes are
handed what they show; they never reach into the app.  Network work runs in one
worker group per profile (``session-<name>``) with ``exit_on_error=False``: a
failure ends up in that session's transcript and as a notification, never as
a crash.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import Reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from smtptui.i18n import t
from smtptui.protocol.errors import SmtpError
from smtptui.ui.compat import TextualAppHooks
from smtptui.ui.deferred import Deferred
from smtptui.ui.footer import DashboardFooter
from smtptui.ui.header import DashboardHeader
from smtptui.ui.keys import KEYS, bindings
from smtptui.ui.layout import ResponsiveLayout
from smtptui.ui.messages import (
    AuthHelperRequested,
    DraftChanged,
    OpenProfile,
    PreviewRequested,
    SwaksRequested,
)
from smtptui.ui.panes import Panes
from smtptui.ui.widgets.profile_list import ProfilesPane

if TYPE_CHECKING:
    from textual.widget import Widget

    from smtptui.message import BuiltMessage
    from smtptui.profiles import Profile
    from smtptui.profiles.credentials import PasswordAnswer
    from smtptui.ui.widgets.transcript_view import TranscriptView
    from smtptui.workspace.session import SessionController


#: Session events are drawn at most this often (seconds): 25 frames a second.
REPAINT_INTERVAL = 0.04
#: After this many new transcript lines the garbage collector is told they are
#: long-lived (see :func:`freeze_long_lived`).
FREEZE_EVERY_LINES = 20_000


def freeze_long_lived() -> None:
    """A transcript only grows: its events and lines are never garbage.  With
    100,000 of them, every full collection of the garbage collector walks them
    all (hundreds of milliseconds, landing on a key press).  Collect once now,
    while nothing is typed — only what came since the last freeze is walked —
    and move the survivors out of the collector's way (``gc.freeze``); nothing
    that is garbage is pinned, since the collection came first."""
    import gc

    gc.collect()
    gc.freeze()


class SmtpTuiApp(TextualAppHooks, ResponsiveLayout, App[None]):
    """Talk SMTP to many servers and see every byte."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses find it too
    TITLE = "smtptui"
    # Textual repaints the whole screen when a title changes; only the header
    # shows them, and it repaints itself (it watches both).  A profile switch
    # changes the sub-title: it stays a repaint of what changed.
    title: Reactive[str] = Reactive("", compute=False, repaint=False)
    sub_title: Reactive[str] = Reactive("", compute=False, repaint=False)
    COMMANDS: ClassVar = {lambda: _palette_providers()[0], lambda: _palette_providers()[1]}
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings("app"),
        *bindings("panes", exclude=("pane.focus_next", "pane.focus_previous")),
    ]

    def __init__(
        self,
        *,
        profiles_dir: str | None = None,
        profile_name: str | None = None,
        lang: str | None = None,
    ) -> None:
        super().__init__()
        from smtptui.profiles import ProfileStore
        from smtptui.workspace.model import Workspace

        self.workspace = Workspace(ProfileStore(profiles_dir), lang=lang)
        self.workspace.on_session_change = self._session_changed
        self.panes = Panes()
        self.start_profile = profile_name
        self.keymap_overrides: dict[str, str] = {}
        self._dirty: set[str] = set()  # sessions that changed since the last repaint
        self._flushed_at = 0.0  # time.monotonic() of the last repaint of the sessions
        self._new_lines = 0  # transcript lines since the long-lived objects were last frozen
        self._collector_held = False  # the garbage collector is off while the dashboard is built
        #: (screen, session, follow) of an open view that follows a live session
        self._live_view: tuple[Screen, SessionController, Callable[[], None]] | None = None

    @property
    def lang(self) -> str:
        return self.workspace.settings.lang

    # ------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        # Only the profiles list is in the first frame; everything else is built
        # right after it (first paint is a feature).
        yield Deferred(lambda: DashboardHeader(icon="✉", lang=self.lang))
        with Horizontal(id="main"):
            yield ProfilesPane(lang=self.lang, id="profiles")
            yield Deferred(self._transcript_pane, built=self._pane_built)
            yield Deferred(self._reference_pane, built=self._pane_built)
        with Horizontal(id="bottom"):
            yield Deferred(self._composer_pane, built=self._pane_built)
            yield Deferred(self._session_panel, built=self._pane_built)
        yield Deferred(lambda: DashboardFooter(lang=self.lang))

    def _transcript_pane(self):
        from smtptui.ui.widgets.transcript_pane import TranscriptPane

        return TranscriptPane(lang=self.lang, id="transcript")

    def _reference_pane(self):
        from smtptui.ui.widgets.reference_pane import ReferencePane

        return ReferencePane(lang=self.lang, id="reference")

    def _composer_pane(self):
        from smtptui.ui.widgets.composer import ComposerPane

        return ComposerPane(lang=self.lang, id="composer")

    def _session_panel(self):
        from smtptui.ui.widgets.session_panel import SessionPanel

        return SessionPanel(
            lang=self.lang,
            handshake=self.workspace.settings.auto_handshake,
            controller=self.workspace.current_session,
            draft=self._draft_now(),
            selected=self.workspace.current is not None,
            id="session",
        )

    def on_mount(self) -> None:
        self.reload_profiles(select=self.start_profile)
        # The profile the list shows first is current before the panes are
        # built: they are drawn showing it, not drawn empty and switched to it
        # when the list's Highlighted message arrives a layout later.
        if self.workspace.current is None and (name := self.highlighted) is not None:
            self.switch_to(name)
        self.call_after_refresh(self._load_keymap)
        self.set_interval(1.0, self._watch_idle_sessions)
        self._exit_on_signals()
        self.query_one("#profile-list").focus()
        self._apply_layout(self.size.width, self.size.height)

    def _pane_built(self, pane: Widget) -> None:
        """A pane built after the first frame has just mounted: show the
        current session in it (before it is first drawn)."""
        slot = self.panes.register(pane)
        controller = self.workspace.current_session
        if slot == "transcript" and controller is not None:
            self.panes.transcript.view.show(controller.lines)
        elif slot == "reference":
            self.panes.reference.follow(controller)
        elif slot == "composer":
            if (name := self.workspace.current) is not None:
                self.panes.composer.load(
                    self.workspace.profile(name), self.workspace.draft(name), check_now=True
                )
            else:
                self.panes.composer.validate_now()
        # the session panel is built showing the current session and draft
        self._update_titles()

    def on_deferred_drawn(self, message: Deferred.Drawn) -> None:
        """The whole dashboard is drawn: the collector may run again."""
        message.stop()
        if all(
            (self.panes.transcript, self.panes.reference, self.panes.composer, self.panes.session)
        ):
            self._release_collector()
            self.set_timer(1.0, freeze_long_lived)

    def on_load(self) -> None:
        """Start-up builds ~100 widgets and their styles, all long-lived: the
        collector walking them again and again while the first screens are
        drawn cost a tenth of the time to a full dashboard (benchmarks/tui.py).
        It is held off until every pane is drawn (or the app ends first);
        ``smtptui`` itself holds it off from before Textual is imported."""
        import gc

        self._collector_held = True
        gc.disable()

    def _release_collector(self) -> None:
        """The dashboard's widgets, styles and modules live as long as the
        app: they are moved out of the collector's way (``gc.freeze``) before
        it is turned back on — otherwise its first full collection walks them
        all (~50 ms) just when the first key is pressed.  The little garbage
        start-up made (~5,000 objects) stays with them."""
        if self._collector_held:
            import gc

            self._collector_held = False
            gc.freeze()
            gc.enable()

    def _watch_idle_sessions(self) -> None:
        """A server that says goodbye (421) or hangs up while a session sits
        idle is shown at once, not when the next command fails; profile files
        edited outside the app are picked up the same way."""
        if self.workspace.changed_on_disk():
            self.reload_profiles()
        for name, controller in self.workspace.sessions.items():
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
            self.keymap_overrides = keymap
            self.set_keymap(keymap)
        for problem in problems:
            self.notify(problem, title="keymap", severity="warning")

    # ------------------------------------------------------------ profiles
    def reload_profiles(self, *, select: str | None = None) -> None:
        """Read the profiles folder again and show what it holds."""
        found = self.workspace.reload(select=select)
        for error in found.errors:
            self.notify(
                str(error),
                title=t("app.profile_skipped", self.lang),
                severity="warning",
                timeout=10,
            )
        if found.missing is not None:
            self.notify(t("app.no_such_profile", self.lang, name=found.missing), severity="error")
        pane = self.profiles_pane
        pane.set_profiles(self.workspace.profiles, select=found.selected)
        for orphan in found.closed:
            # renamed or deleted elsewhere: its session must not live on unseen
            self.workers.cancel_group(self, f"session-{orphan.key}")
            if orphan.connected:
                self.run_worker(
                    orphan.disconnect(), exit_on_error=False, description=f"closing {orphan.key}"
                )
        for name, controller in self.workspace.sessions.items():
            pane.update_badge(name, controller.badge)
        current = self.workspace.current
        if current in found.refreshed and (composer := self.panes.composer) is not None:
            composer.load(self.workspace.profile(current), None)  # same draft, new defaults
        self._update_titles()

    @property
    def profiles_pane(self) -> ProfilesPane:
        """The dashboard's profile list, whichever screen is on top (a
        session's events keep arriving while a dialog or view is open)."""
        return self.screen_stack[0].query_one(ProfilesPane)

    @property
    def highlighted(self) -> str | None:
        return self.profiles_pane.highlighted_name

    def on_profiles_pane_highlighted(self, message: ProfilesPane.Highlighted) -> None:
        if message.name != self.workspace.current:  # the panes show it already
            self.switch_to(message.name)

    def on_profiles_pane_chosen(self, message: ProfilesPane.Chosen) -> None:
        self.connect(message.name)

    def switch_to(self, name: str) -> None:
        """Show ``name``'s session everywhere, at once; other sessions live on."""
        workspace = self.workspace
        previous = workspace.current
        composer = self.panes.composer
        if composer is not None and previous is not None and previous != name:
            workspace.keep_draft(previous, composer.values)
        if not workspace.select(name):
            return
        controller = workspace.current_session  # None until the profile is first used
        if (pane := self.panes.transcript) is not None:
            pane.view.show(controller.lines if controller is not None else [])
        if composer is not None and previous != name:
            composer.load(workspace.profile(name), workspace.draft(name))
        if (panel := self.panes.session) is not None:
            panel.show(controller, self._draft_now())
        if (reference := self.panes.reference) is not None:
            reference.follow(controller)
        self._update_titles()

    def _draft_now(self):
        """The current profile's draft as the composer shows it right now."""
        composer = self.panes.composer
        if composer is not None and composer.profile_name == self.workspace.current:
            return composer.values
        return self.workspace.draft(self.workspace.current)

    def on_draft_changed(self, message: DraftChanged) -> None:
        name = self.workspace.current
        if name is not None:
            self.workspace.keep_draft(name, message.fields)
        if (panel := self.panes.session) is not None:
            panel.set_draft(message.fields)

    def format_title(self, title: str, sub_title: str) -> Content:
        """``smtptui — demo (…)``: the space before the dash belongs to the
        title, not to the dimmed part (a dimmed part that starts with a space
        lost it in SVG screenshots: "smtptui— demo")."""
        if not sub_title:
            return Content(title)
        return Content.assemble(f"{title} ", ("— ", "dim"), Content(sub_title).stylize("dim"))

    def _update_titles(self) -> None:
        lang = self.lang
        profile = self.workspace.profile(self.workspace.current)
        if profile is None:
            self.sub_title = ""
            return
        controller = self.workspace.current_session
        badge = controller.badge if controller is not None else None
        status = badge.status if badge is not None else "idle"
        tls = " · TLS" if badge is not None and badge.tls else ""
        state = t(f"app.status.{status}", lang)
        where = self.where_label(profile)
        self.sub_title = f"{profile.name} ({where} {profile.security}) · {state}{tls}"
        title = t("pane.transcript.title_for", lang, name=profile.name)
        session = controller.session if controller is not None else None
        if session is not None and session.tls_info is not None:
            title += f" · {session.tls_info.version}"
        if (pane := self.panes.transcript) is not None:
            pane.set_title(title)

    def where_label(self, profile: Profile) -> str:
        """Where ``profile``'s session talks to, as the title and the palette
        say it: the real address once known, else the profile's (the built-in
        server's port is chosen when it starts)."""
        controller = self.workspace.sessions.get(profile.name)
        where = controller.where if controller is not None else None
        if where is not None:
            return where
        return t("app.builtin_where", self.lang) if profile.builtin_server else profile.address

    # ------------------------------------------------------ session events
    def _session_changed(self, controller: SessionController, new_lines) -> None:
        """Called by a session for every event.  Cheap on purpose: it only
        notes what changed; one repaint per burst follows (a server may send
        thousands of lines between two frames), and bursts closer together
        than :data:`REPAINT_INTERVAL` share one (each repaint lays the whole
        screen out again: a flood of lines must not keep the loop busy
        drawing while keys wait)."""
        if not self._dirty:
            wait = REPAINT_INTERVAL - (time.monotonic() - self._flushed_at)
            if wait > 0:
                self.set_timer(wait, self._flush_views)
            else:
                self.call_later(self._flush_views)
        self._dirty.add(controller.key)
        self._new_lines += len(new_lines)

    def _flush_views(self) -> None:
        self._flushed_at = time.monotonic()
        if not self.screen_stack:
            return  # shutting down: sessions say goodbye after the screens have gone
        if self._new_lines >= FREEZE_EVERY_LINES:
            self._new_lines = 0
            self.call_after_refresh(freeze_long_lived)
        dirty, self._dirty = self._dirty, set()
        profiles = self.profiles_pane
        for name in dirty:
            controller = self.workspace.sessions.get(name)
            if controller is not None:
                profiles.update_badge(name, controller.badge)
        controller = self.workspace.current_session
        if controller is not None and controller.key in dirty:
            if (pane := self.panes.transcript) is not None:
                pane.view.lines_appended()
            if (panel := self.panes.session) is not None:
                panel.refresh_state()
            if (reference := self.panes.reference) is not None:
                reference.follow(controller)
            live = self._live_view
            if live is not None and live[0] is self.screen and live[1] is controller:
                live[2]()  # a flow diagram, state machine or waterfall of this session is open
        self._update_titles()

    def run_session_work(self, name: str, coro, description: str) -> Worker:
        controller = self.workspace.sessions.get(name)
        if controller is not None and controller.busy:
            self.notify(t("app.busy", self.lang, name=name), timeout=3)
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
            controller = self.workspace.sessions.get(name)
            text = t(
                "app.internal_error",
                self.lang,
                what=worker.description,
                error=f"{type(error).__name__}: {error}",
            )
            if controller is not None:
                controller.fail(text)
            self.notify(text, title=name, severity="error", timeout=10)

    # ------------------------------------------------------------- sessions
    def _credentials(self, controller: SessionController):
        return self.workspace.credentials_for(controller, self._ask_password)

    async def _ask_password(self, profile: Profile, reason: str | None) -> PasswordAnswer | None:
        from smtptui.ui.screens.password import PasswordScreen

        return await self.push_screen_wait(PasswordScreen(profile, reason=reason, lang=self.lang))

    def _session(self, name: str | None) -> SessionController | None:
        """``name``'s session, made on first use; the panes then show it."""
        existed = name in self.workspace.sessions
        controller = self.workspace.session(name)
        if controller is not None and (not existed or name != self.workspace.current):
            self.switch_to(controller.key)
        return controller

    def connect(self, name: str | None = None) -> None:
        name = name or self.highlighted or self.workspace.current
        controller = self._session(name)
        if controller is None:
            return
        if controller.connected or controller.connecting:
            self.notify(t("app.already_connected", self.lang, name=name), timeout=3)
            return
        if (pane := self.panes.transcript) is not None:
            pane.view.action_follow()  # a new connection: its lines are the ones to watch
        self.run_session_work(
            name,
            controller.connect(
                self._credentials(controller), handshake=self.workspace.settings.auto_handshake
            ),
            f"connecting {name}",
        )

    def action_connect(self) -> None:
        self.connect()

    def action_disconnect(self) -> None:
        name = self.workspace.current
        controller = self.workspace.current_session
        if controller is None or not (controller.connected or controller.connecting):
            self.notify(t("app.not_connected", self.lang), timeout=2)
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

    def _build_message(self) -> BuiltMessage | None:
        """The composer's message, or ``None`` after saying what is wrong."""
        from smtptui.message import MessageError

        composer = self.panes.composer
        if composer is None:
            self.notify(t("app.composer_loading", self.lang), timeout=3)
            return None
        try:
            return composer.build()
        except MessageError as exc:
            composer.show_error(exc)  # under the field it concerns
            self.notify(
                exc.text(self.lang), title=t("pane.composer.title", self.lang), severity="error"
            )
            return None

    def action_send(self) -> None:
        controller = self._session(self.workspace.current)  # F5 connects if needed
        built = self._build_message() if controller is not None else None
        if controller is None or built is None:
            return
        self.run_session_work(
            controller.key, self._send(controller, built), f"sending on {controller.key}"
        )

    async def _send(self, controller: SessionController, built: BuiltMessage) -> None:
        composer = self.panes.composer
        progress = composer.set_progress if composer is not None else None
        if composer is not None:
            composer.start_progress(built.size)
        try:
            result = await controller.send(
                built, progress=progress, credentials=self._credentials(controller)
            )
        finally:
            if composer is not None:
                composer.stop_progress()
        if result.final is not None:
            refused = ", ".join(a for a, _ in result.refused)
            self.notify(
                t(
                    "app.accepted_refused" if refused else "app.accepted",
                    self.lang,
                    n=len(result.accepted),
                    code=result.final.code,
                    refused=refused,
                ),
                title=controller.key,
                timeout=5,
            )

    def on_session_panel_raw_submitted(self, message) -> None:
        controller = self.workspace.current_session
        if controller is None:
            return
        self.run_session_work(
            controller.key,
            controller.raw(message.line),
            "sending a raw command",  # never the line itself: it may be a base64 password
        )

    def on_session_panel_step_requested(self, message) -> None:
        if message.verb == "CONNECT" and self.workspace.current_session is None:
            self.connect(self.workspace.current)  # the profile's first session
            return
        controller = self.workspace.current_session
        if controller is None:
            self.notify(t("app.not_connected", self.lang), timeout=2)
            return

        def body() -> BuiltMessage:
            built = self._build_message()
            if built is None:
                raise SmtpError(t("app.composer_not_ready", self.lang))
            return built

        self.run_session_work(
            controller.key,
            controller.step(
                message.verb,
                self._draft_now(),
                credentials=self._credentials(controller),
                handshake=self.workspace.settings.auto_handshake,
                message=body,
            ),
            f"sending {message.verb}",
        )

    def on_session_panel_handshake_toggled(self, message) -> None:
        self.workspace.settings.auto_handshake = message.value

    def on_composer_pane_send_requested(self, message) -> None:
        self.action_send()

    def on_open_profile(self, message: OpenProfile) -> None:
        """From the fleet view: the profile's session, showing the check's
        conversation when no session of it is live."""
        # Shown once, after the check's conversation is in place (not also
        # before it, as self._session would).
        controller = self.workspace.session(message.name)
        if controller is None:
            self.notify(t("app.profile_gone", self.lang, name=message.name), severity="warning")
            return
        if message.check_events and not controller.show_check(message.check_events):
            self.notify(t("app.live_session_shown", self.lang, name=message.name), timeout=4)
        self.switch_to(message.name)
        self.profiles_pane.highlight(message.name)
        if self.screen_stack[0].has_class("-narrow"):
            self.show_pane("transcript")  # at 80x24 the panes are tabs

    def on_transcript_view_reply_selected(self, message: TranscriptView.ReplySelected) -> None:
        controller = self.workspace.current_session
        if controller is not None and (reference := self.panes.reference) is not None:
            reference.show_reply(message.event, controller)

    # ------------------------------------------------------------- screens
    def on_preview_requested(self, message: PreviewRequested) -> None:
        from smtptui.ui.screens.preview import PreviewScreen

        controller = self.workspace.current_session
        capabilities = (
            controller.capabilities if controller is not None and controller.connected else None
        )
        self.push_screen(
            PreviewScreen(message.built, bcc=message.bcc, capabilities=capabilities, lang=self.lang)
        )

    def on_auth_helper_requested(self, message: AuthHelperRequested) -> None:
        self.action_auth_helper()

    def action_auth_helper(self) -> None:
        from smtptui.ui.screens.auth_helper import AuthHelperScreen

        self.show_pane("session")
        panel = self.panes.session
        controller = self._session(self.workspace.current)  # prefilled from the profile
        screen = AuthHelperScreen.for_session(controller, lang=self.lang)
        self.push_screen(screen, panel.put_raw_line if panel is not None else None)

    def on_swaks_requested(self, message: SwaksRequested) -> None:
        self._open_swaks(message.profile)

    def action_swaks(self) -> None:
        self._open_swaks(None)

    def _open_swaks(self, profile: Profile | None) -> None:
        from smtptui.ui.screens.swaks import SwaksExportError, SwaksScreen, swaks_for_profile

        profile = profile or self.workspace.profile(self.workspace.current)
        if profile is None:
            self.notify(t("app.no_profile_selected", self.lang), severity="warning")
            return
        fields = self._draft_now() if profile.name == self.workspace.current else None
        try:
            command, notes = swaks_for_profile(profile, fields, lang=self.lang)
        except SwaksExportError as exc:
            self.notify(str(exc), title="swaks", severity="warning", timeout=8)
            return
        self.push_screen(SwaksScreen(command.command_line(), notes, lang=self.lang))

    def action_preview(self) -> None:
        if (composer := self.panes.composer) is not None:
            self.show_pane("composer")
            composer.action_preview()

    def action_dashboard(self) -> None:
        from smtptui.ui.screens.dashboard import DashboardScreen

        if not isinstance(self.screen, DashboardScreen):
            profiles = self.profiles_pane
            self.push_screen(
                DashboardScreen(
                    self.workspace,
                    profiles=profiles.shown_profiles(),
                    query=profiles.query_text,
                )
            )

    def action_inbox(self) -> None:
        from smtptui.ui.screens.inbox import InboxScreen

        self.push_screen(InboxScreen(self.workspace.builtin, lang=self.lang))

    def action_export(self) -> None:
        from smtptui.ui.screens.export import ExportScreen

        controller = self.workspace.current_session
        if controller is None or not controller.transcript.events:
            self.notify(t("app.nothing_to_export", self.lang), timeout=2)
            return
        self.push_screen(ExportScreen(controller, lang=self.lang))

    def action_copy_transcript(self) -> None:
        from smtptui.transcript import export_text

        controller = self.workspace.current_session
        if controller is None or not controller.transcript.events:
            self.notify(t("app.nothing_to_copy", self.lang), timeout=2)
            return
        self.copy_to_clipboard(export_text(controller.transcript.events, redact=True))
        self.notify(t("app.copied", self.lang), timeout=3)

    # ------------------------------------------------------- seeing SMTP
    def _session_to_show(self) -> SessionController | None:
        controller = self.workspace.current_session
        if controller is None:
            self.notify(t("app.connect_first", self.lang), timeout=3)
        return controller

    def action_flow(self) -> None:
        """The current session as a sequence diagram (live); moving along it
        moves the transcript and the reference to the same line."""
        from smtptui.ui.screens.flow import FlowScreen

        controller = self._session_to_show()
        if controller is not None:
            screen = FlowScreen(
                controller.transcript.events, lang=self.lang, on_select=self._show_line
            )
            self._open_live(screen, controller, screen.sync)

    def _show_line(self, line: int) -> None:
        """Put the transcript's cursor (and so the reference) on ``line``."""
        if (pane := self.panes.transcript) is not None and 0 <= line < len(pane.view.lines):
            pane.view.cursor = line

    def action_state_machine(self) -> None:
        from smtptui.ui.screens.session_views import StateMachineScreen

        controller = self._session_to_show()
        if controller is not None:
            screen = StateMachineScreen(controller, lang=self.lang)
            self._open_live(screen, controller, screen.follow)

    def action_waterfall(self) -> None:
        from smtptui.ui.screens.session_views import WaterfallScreen

        controller = self._session_to_show()
        if controller is not None:
            screen = WaterfallScreen(controller, lang=self.lang)
            self._open_live(screen, controller, screen.follow)

    def _open_live(
        self, screen: Screen, controller: SessionController, follow: Callable[[], None]
    ) -> None:
        self._live_view = (screen, controller, follow)
        self.push_screen(screen)

    def on_state_chart_view_edge_chosen(self, message) -> None:
        """An edge of the state machine: its command, as the step buttons send it
        ("." ends a typed message, "*" cancels an AUTH exchange)."""
        controller = self.workspace.current_session
        if controller is None:
            return
        if message.token in (".", "*"):
            work = controller.raw(message.token)
        else:
            work = controller.step(
                message.token,
                self._draft_now(),
                credentials=self._credentials(controller),
                handshake=self.workspace.settings.auto_handshake,
            )
        self.run_session_work(controller.key, work, f"sending {message.token}")

    def action_tls_view(self) -> None:
        """The certificate chain the current profile's server sends, verified
        and explained (a handshake of its own, like ``smtptui tls``)."""
        profile = self.workspace.profile(self.workspace.current)
        if profile is None:
            self.notify(t("app.no_profile_selected", self.lang), severity="warning")
            return
        if profile.security == "plain":
            self.notify(t("app.tls_view_plain", self.lang, name=profile.name), timeout=5)
            return
        controller = self._session(profile.name)
        self.notify(t("app.tls_view_working", self.lang, name=profile.name), timeout=3)
        self.run_worker(
            self._tls_view(controller), group="tls-view", exclusive=True, exit_on_error=False
        )

    async def _tls_view(self, controller: SessionController) -> None:
        from smtptui.inspection.handshake import TlsRefused
        from smtptui.inspection.report import inspect_tls
        from smtptui.ui.screens.tls_view import TlsViewScreen

        try:
            report = await inspect_tls(await controller.target_config(), lang=self.lang)
        except TlsRefused as exc:
            self.notify(exc.reason, title="TLS", severity="error", timeout=8)
            return
        except SmtpError as exc:
            self.notify(exc.sentence, title="TLS", severity="error", timeout=8)
            return
        self.push_screen(TlsViewScreen(report, lang=self.lang))

    def action_open_domain(self) -> None:
        """A session for a mail domain, through its MX hosts; nothing saved."""
        from smtptui.ui.screens.domain import DomainScreen

        def chosen(target: str | None) -> None:
            if not target:
                return
            try:
                name = self.workspace.open_domain(target)
            except ValueError as exc:
                self.notify(t("app.bad_domain", self.lang, target=exc), severity="error")
                return
            self.profiles_pane.set_profiles(self.workspace.profiles, select=name)
            self.connect(name)

        self.push_screen(DomainScreen(lang=self.lang), chosen)

    def action_lessons(self) -> None:
        from smtptui.learn.progress import ProgressStore
        from smtptui.ui.screens.lessons_menu import LessonMenuScreen

        self.push_screen(
            LessonMenuScreen(builtin=self.workspace.builtin, store=ProgressStore(), lang=self.lang)
        )

    def action_help(self) -> None:
        from smtptui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(lang=self.lang, keymap=self.keymap_overrides))

    # --------------------------------------------------------- profile files
    def action_new_profile(self) -> None:
        self.edit_profile(None)

    def action_edit_profile(self) -> None:
        self.edit_profile(self.workspace.profile(self.highlighted))

    def edit_profile(self, profile: Profile | None, *, as_new: bool = False) -> None:
        """Open the form; ``None`` creates a profile, ``as_new`` saves a copy."""
        from smtptui.ui.screens.profile_form import ProfileFormScreen

        previous = None if (profile is None or as_new) else profile.name

        def saved(result: Profile | None) -> None:
            if result is not None:
                self.reload_profiles(select=result.name)
                self.notify(
                    t("app.saved", self.lang, name=result.name, path=result.source_path),
                    timeout=4,
                )

        self.push_screen(
            ProfileFormScreen(
                self.workspace.store, profile, previous_name=previous, lang=self.lang
            ),
            saved,
        )

    def action_duplicate_profile(self) -> None:
        profile = self.workspace.profile(self.highlighted)
        if profile is not None:
            name = self.workspace.copy_name(profile.name)
            copy = profile.replace(name=name, builtin_server=profile.builtin_server)
            self.edit_profile(copy, as_new=True)

    def action_delete_profile(self) -> None:
        from smtptui.profiles import ProfileError
        from smtptui.ui.screens.confirm import ConfirmScreen

        profile = self.workspace.profile(self.highlighted)
        if profile is None:
            return
        if profile.bundled:
            self.notify(
                t("app.bundled_not_deletable", self.lang, name=profile.name),
                severity="warning",
                timeout=4,
            )
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                path = self.workspace.store.delete(profile.name)
            except ProfileError as exc:
                self.notify(str(exc), severity="error")
                return
            self.reload_profiles()  # its session is closed as an orphan
            self.notify(t("app.deleted", self.lang, path=path), timeout=4)

        question = t("app.delete_question", self.lang, name=profile.name, path=profile.source_path)
        self.push_screen(ConfirmScreen(question, lang=self.lang), confirmed)

    # ------------------------------------------------------------ the rest
    def action_filter(self) -> None:
        self.show_pane("profiles")
        self.profiles_pane.focus_filter()

    def action_focus_raw(self) -> None:
        self.show_pane("session")
        if (panel := self.panes.session) is not None:
            panel.focus_raw()

    def action_search(self) -> None:
        self.show_pane("transcript")
        if (pane := self.panes.transcript) is not None:
            pane.open_search()

    def action_leave_input(self) -> None:
        """Escape: leave a text field (filter, raw line, search, composer) and
        give the keys back to its pane, so ``q`` or ``i`` act again."""
        from textual.widgets import Input, TextArea

        focused = self.focused
        if (pane := self.panes.transcript) is not None and pane.close_search():
            return
        if isinstance(focused, Input | TextArea):
            self.focus_pane(self._pane_of(focused))

    def action_toggle_language(self) -> None:
        lang = "zh" if self.lang == "en" else "en"
        self.workspace.settings.lang = lang
        for widget in (
            self.profiles_pane,
            self.panes.transcript,
            self.panes.reference,
            self.panes.composer,
            self.panes.session,
        ):
            if widget is not None:
                widget.set_language(lang)
        for footer in self.query(DashboardFooter):
            footer.set_language(lang)
        self.set_tab_labels(lang)
        self._update_titles()
        for header in self.screen_stack[0].query(DashboardHeader):
            header.set_language(lang)
        self.notify(t("app.language_now", lang), timeout=2)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme != "textual-light" else "textual-dark"

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
        self._release_collector()  # an app closed before its dashboard was drawn
        await self._close_sessions()

    async def action_quit(self) -> None:
        """QUIT every open session (bounded in time), stop the demo server, leave."""
        await self._close_sessions()
        self.exit()

    async def _close_sessions(self) -> None:
        from smtptui.ui.exit_guard import closing_deadline

        for worker in self.workers:
            if (worker.group or "").startswith("session-"):
                worker.cancel()  # a cancelled command says QUIT and closes by itself
        await asyncio.sleep(0)
        # closing_deadline: cut short once the terminal is gone
        await self.workspace.close_all(deadline=closing_deadline)

    #: Actions that still make sense while a dialog (form, inbox, preview) is open.
    _MODAL_SAFE = frozenset({"quit", "help", "command_palette", "toggle_theme", "toggle_language"})
    #: The dashboard's own actions (its keys), by name.
    _DASHBOARD_ACTIONS = frozenset(
        k.action.partition("(")[0] for k in KEYS if k.group in ("app", "panes", "palette")
    )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The dashboard's letter keys belong to the main screen: inside a dialog
        or the fleet view, ``n`` or ``d`` must not act on panes hidden behind it.
        Everything else (Textual's own focus keys in a form) works everywhere."""
        if action in self._MODAL_SAFE or action not in self._DASHBOARD_ACTIONS:
            return True
        return self.screen is self.screen_stack[0]

    def get_system_commands(self, screen: Screen):
        """The palette: one described entry per action (see :mod:`smtptui.ui.commands`)."""
        from smtptui.ui.commands import dashboard_commands

        for title, help_text, callback in dashboard_commands(self.lang):
            yield SystemCommand(title, help_text, partial(self.run_action, callback))


def _palette_providers():
    from textual.system_commands import SystemCommandsProvider

    from smtptui.ui.commands import ProfileCommands

    return SystemCommandsProvider, ProfileCommands
