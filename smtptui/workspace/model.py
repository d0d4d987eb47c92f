"""The dashboard's state, without the screen: the one place it lives.

A :class:`Workspace` holds the profiles as loaded (with each broken file's
error), one :class:`~smtptui.workspace.session.SessionController` per profile
that has been used, the current selection, each profile's composer draft and
the settings a person changes while the app runs (language, connecting with or
without the handshake).  Its methods are the rules that used to be spread over
widgets and action modules: what reloading the folder does to live sessions,
which profile is selected first, how a profile's credentials are found.

The Textual app owns one workspace, renders it, and turns key presses into
calls on it; widgets are handed what they show and post messages back.  No
Textual here: the rules are tested without a screen.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smtptui.builtin import BuiltinServer
    from smtptui.profiles import Profile, ProfileError, ProfileStore
    from smtptui.profiles.credentials import AskPassword, CredentialsOutcome
    from smtptui.workspace.draft import ComposerFields
    from smtptui.workspace.session import SessionController

#: How long quitting waits for every session's QUIT, and for the demo server.
QUIT_ALL_SECONDS = 2.5
DEMO_STOP_SECONDS = 1.0


@dataclass(slots=True)
class Settings:
    """What a person changes while the app runs (not saved)."""

    lang: str = "en"
    auto_handshake: bool = True  # connect = EHLO, STARTTLS and AUTH (off: stop at the greeting)


@dataclass(frozen=True, slots=True)
class Reloaded:
    """What :meth:`Workspace.reload` found and did."""

    errors: tuple[ProfileError, ...] = ()
    missing: str | None = None  # a profile asked for by name that does not exist
    closed: tuple[SessionController, ...] = ()  # sessions of profiles that are gone
    selected: str | None = None
    refreshed: tuple[str, ...] = ()  # idle sessions given their edited profile


class Workspace:
    """Profiles, sessions, selection, drafts and settings of one dashboard."""

    def __init__(
        self,
        store: ProfileStore,
        *,
        builtin: BuiltinServer | None = None,
        lang: str | None = None,
    ) -> None:
        from smtptui.builtin import BuiltinServer
        from smtptui.i18n import resolve_lang
        from smtptui.profiles import PasswordCache

        self.store = store
        self.builtin = builtin if builtin is not None else BuiltinServer()
        self.settings = Settings(lang=resolve_lang(lang))
        self.profiles: list[Profile] = []
        self.errors: tuple[ProfileError, ...] = ()
        self.sessions: dict[str, SessionController] = {}
        self.current: str | None = None
        self.drafts: dict[str, ComposerFields] = {}
        self.passwords = PasswordCache()
        #: Sessions opened for a mail domain (``@example.com``): a profile that
        #: is never saved, and the domain whose MX hosts it goes to.
        self.domains: dict[str, Profile] = {}
        #: The DNS resolver those sessions use (tests give a stub: no internet).
        self.resolver_factory: Callable[[], object] | None = None
        #: Called with a controller on every event of its session (cheap: the
        #: app only notes it and repaints once per burst).
        self.on_session_change: Callable[[SessionController, list], None] | None = None
        self._token: tuple = ()

    # ------------------------------------------------------------ profiles
    def profile(self, name: str | None) -> Profile | None:
        if name is None:
            return None
        return next((p for p in self.profiles if p.name == name), None)

    def changed_on_disk(self) -> bool:
        """The profiles folder changed since it was last read (edited elsewhere)."""
        return self.store.changed_since(self._token)

    def reload(self, *, select: str | None = None) -> Reloaded:
        """Read the profiles folder again.  Sessions of profiles that are gone
        (renamed or deleted elsewhere) are taken out and returned, for the app
        to close — a session must not live on unseen; idle sessions take their
        profile's new settings.  The selection stays where it was, or goes to
        ``select``, or to the bundled demo when it is the only profile."""
        self._token = self.store.token()
        result = self.store.load()
        self.profiles = [*result.profiles, *self.domains.values()]
        self.errors = tuple(result.errors)
        names = {p.name for p in self.profiles}
        missing = None
        if select is not None and select not in names:
            missing, select = select, None
        if select is None and self.current in names:
            select = self.current
        if select is None and "demo" in names and all(p.bundled for p in self.profiles):
            select = "demo"
        closed = tuple(self.forget(name) for name in list(self.sessions) if name not in names)
        refreshed = []
        for name, controller in self.sessions.items():
            profile = self.profile(name)
            if profile is not None and not controller.connected and profile != controller.profile:
                controller.profile = profile
                refreshed.append(name)
        if self.current not in names:
            self.current = None
        return Reloaded(
            errors=self.errors,
            missing=missing,
            closed=tuple(c for c in closed if c is not None),
            selected=select,
            refreshed=tuple(refreshed),
        )

    def open_domain(self, target: str, *, port: int = 25) -> str:
        """A session for a mail domain (``@example.com`` or an address), as a
        mail server would reach it — its MX hosts in order on port 25, STARTTLS
        — without saving a profile.  Returns the session's name; ``ValueError``
        (one sentence) for something that is not a domain."""
        from smtptui.inspection.errors import InspectionError
        from smtptui.inspection.mx import domain_of
        from smtptui.profiles import Profile

        target = target.strip()
        try:
            domain = domain_of(target if "@" in target else f"@{target}")
        except InspectionError as exc:
            raise ValueError(exc.text(self.settings.lang)) from None
        if domain is None:
            raise ValueError(target)
        name = f"@{domain}"
        if name not in self.domains:
            profile = Profile(name=name, host=domain, port=port, security="starttls")
            self.domains[name] = profile
            self.profiles.append(profile)
        return name

    def forget(self, name: str) -> SessionController | None:
        """Take ``name``'s session out (its profile is gone); the caller closes it."""
        controller = self.sessions.pop(name, None)
        self.drafts.pop(name, None)
        if self.current == name:
            self.current = None
        return controller

    def copy_name(self, name: str) -> str:
        """A free name for a copy of ``name`` ("qq 2", "qq 3" …)."""
        names = {p.name for p in self.profiles}
        n = 2
        while f"{name} {n}" in names:
            n += 1
        return f"{name} {n}"

    # ------------------------------------------------------------ sessions
    def session(self, name: str | None) -> SessionController | None:
        """``name``'s session controller (made on first use), or ``None`` when
        there is no such profile."""
        if name is None:
            return None
        controller = self.sessions.get(name)
        if controller is None:
            from smtptui.workspace.session import SessionController  # the engine, on first use

            profile = self.profile(name)
            if profile is None:
                return None
            route = None
            if name in self.domains:
                from smtptui.inspection.mx import default_resolver
                from smtptui.workspace.session import DomainRoute

                route = DomainRoute(
                    profile.host,
                    self.resolver_factory or default_resolver,
                    self.settings.lang,
                )
            controller = SessionController(profile, builtin=self.builtin, route=route)
            controller.on_change = self._session_changed
            self.sessions[name] = controller
        return controller

    def select(self, name: str) -> bool:
        """Make ``name`` the profile shown everywhere (other sessions live on).
        Its session is made when it is first used (connecting loads the SMTP
        engine; showing a profile does not).  False when there is no such profile."""
        if self.profile(name) is None:
            return False
        self.current = name
        return True

    @property
    def current_session(self) -> SessionController | None:
        return self.sessions.get(self.current) if self.current else None

    def _session_changed(self, controller: SessionController, lines: list) -> None:
        if self.on_session_change is not None:
            self.on_session_change(controller, lines)

    def credentials_for(
        self, controller: SessionController, ask: AskPassword | None
    ) -> Callable[[], Awaitable[CredentialsOutcome]]:
        """The credentials source a session uses when it needs to log in: the
        profile's ``[auth]`` by the one shared rule, asking through ``ask``."""
        from smtptui.profiles.credentials import resolve_credentials

        def source() -> Awaitable[CredentialsOutcome]:
            return resolve_credentials(controller.profile, ask=ask, cache=self.passwords)

        return source

    async def close_all(
        self, *, deadline: Callable[[float], AbstractAsyncContextManager[object]] = asyncio.timeout
    ) -> None:
        """QUIT every live session at once, bounded in time, then stop the demo
        server.  Never waits longer than :data:`QUIT_ALL_SECONDS` +
        :data:`DEMO_STOP_SECONDS`: the person has asked to leave.  ``deadline``
        makes each bound (the dashboard's cuts both short once its terminal is
        gone: smtptui.ui.exit_guard.closing_deadline)."""
        live = [c for c in self.sessions.values() if c.connected or c.connecting]
        if live:
            with contextlib.suppress(TimeoutError):
                async with deadline(QUIT_ALL_SECONDS):
                    await asyncio.gather(*(c.disconnect() for c in live), return_exceptions=True)
            for controller in live:
                if controller.session is not None and controller.session.connected:
                    controller.session.abort("closed (the app is quitting)")
        with contextlib.suppress(TimeoutError):
            async with deadline(DEMO_STOP_SECONDS):
                await self.builtin.stop()

    # -------------------------------------------------------------- drafts
    def draft(self, name: str | None) -> ComposerFields | None:
        """``name``'s composer draft: as last left, or its ``[message]`` defaults."""
        from smtptui.workspace.draft import ComposerFields

        if name is None:
            return None
        if name in self.drafts:
            return self.drafts[name]
        profile = self.profile(name)
        return ComposerFields.from_profile(profile) if profile is not None else None

    def keep_draft(self, name: str, fields: ComposerFields) -> None:
        self.drafts[name] = fields
