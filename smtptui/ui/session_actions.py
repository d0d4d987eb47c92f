"""What the dashboard's keys and buttons do to a session.  Each coroutine runs
in the profile's worker group; SMTP decisions stay in the engine and the
reference state machine — this module only gathers inputs (password, composed
message, the learner's line) and hands them over."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from smtptui.profiles import PasswordCache, ProfileError
from smtptui.protocol.errors import SmtpError
from smtptui.protocol.secret import Secret
from smtptui.protocol.transaction import Credentials
from smtptui.ui.exit_guard import closing_deadline

if TYPE_CHECKING:
    from smtptui.ui.app import SmtpTuiApp
    from smtptui.ui.controller import SessionController

_QUIT_ALL_TIMEOUT = 6.0
_password_cache = PasswordCache()


async def credentials(app: SmtpTuiApp, controller: SessionController) -> Credentials | None:
    """The profile's credentials; asks in a modal when its source is ``prompt``.
    Returns ``None`` when the profile does not log in (or the prompt was cancelled,
    which the transcript then says)."""
    from smtptui.ui.screens.password import PasswordScreen

    profile = controller.profile
    if not profile.auth.enabled or not profile.auth.username:
        return None
    source = profile.auth.password
    cached = _password_cache.get(profile) if source.needs_prompt else None
    if cached is not None:
        secret: Secret | None = cached
    elif source.needs_prompt:
        answer = await app.push_screen_wait(PasswordScreen(profile))
        if answer is None:
            controller.note("password prompt cancelled: connecting without AUTH", "warning")
            return None
        secret, remember = answer
        if remember:
            _password_cache.remember(profile, secret)
    else:
        try:
            secret = await asyncio.to_thread(profile.resolve_password)
        except ProfileError as exc:
            controller.fail(str(exc))
            raise SmtpError(str(exc)) from None
    if secret is None:
        return None
    mechanism = profile.auth.mechanism if profile.auth.mechanism != "none" else "auto"
    return Credentials(profile.auth.username, secret, mechanism)


async def connect(app: SmtpTuiApp, controller: SessionController) -> None:
    creds = await credentials(app, controller) if app.auto_handshake else None
    await controller.connect(creds, handshake=app.auto_handshake)


async def send_composed(app: SmtpTuiApp, controller: SessionController) -> None:
    """F5: build the composer's message (refusing a bad one before any byte is
    sent) and run the whole transaction, connecting first if needed."""
    from smtptui.message import MessageError
    from smtptui.ui.panes import composer_pane

    composer = composer_pane(app)
    if composer is None:
        app.notify("the composer is still loading; press F5 again in a moment", timeout=3)
        return
    try:
        built = composer.build()
    except MessageError as exc:
        composer.show_error(str(exc))
        app.notify(str(exc), title="composer", severity="error")
        return
    creds = None
    if not controller.connected:
        creds = await credentials(app, controller)
    composer.start_progress(built.size)
    try:
        result = await controller.send(built, progress=composer.set_progress, credentials=creds)
    finally:
        composer.stop_progress()
    if result.final is not None:
        refused = f"; refused: {', '.join(a for a, _ in result.refused)}" if result.refused else ""
        app.notify(
            f"accepted for {len(result.accepted)} recipient(s): {result.final.code}{refused}",
            title=controller.key,
            timeout=5,
        )


async def raw_line(app: SmtpTuiApp, controller: SessionController, line: str) -> None:
    """The learner's own line, sent as typed (after the panel showed its warning)."""
    await controller.raw(line)


async def step(app: SmtpTuiApp, controller: SessionController, verb: str) -> None:
    """A step-mode button: the command a learner would type, with the composer's
    addresses where one is needed."""
    from smtptui.message import MessageError
    from smtptui.reference.states import State
    from smtptui.ui.panes import composer_pane

    composer = composer_pane(app)
    if verb == "CONNECT":
        await connect(app, controller)  # honours the panel's "EHLO, TLS and AUTH on connect" switch
        return
    if not controller.connected:
        raise SmtpError("not connected: press CONNECT (or enter on the profile) first")
    if verb == "AUTH":
        creds = await credentials(app, controller)
        if creds is not None:
            await controller.auth(creds)
        return
    if verb == "DATA" and controller.state.state is State.DATA and composer is not None:
        try:
            built = composer.build()
        except MessageError as exc:
            composer.show_error(str(exc))
            raise SmtpError(str(exc)) from None
        await controller.send_body(built)
        return
    for line in step_lines(controller, verb, composer):
        await controller.raw(line)


def step_lines(controller: SessionController, verb: str, composer) -> list[str]:
    """The exact line(s) a step button sends."""
    sender, recipients = ("", [])
    if composer is not None:
        sender, recipients = composer.envelope_preview()
    if verb == "EHLO":
        return (
            [f"EHLO {controller.session.default_helo()}"]
            if controller.session
            else ["EHLO localhost"]
        )
    if verb == "MAIL":
        return [f"MAIL FROM:<{sender}>"]
    if verb == "RCPT":
        return [f"RCPT TO:<{r}>" for r in recipients] or ["RCPT TO:<>"]
    if verb == "VRFY":
        return [
            f"VRFY {recipients[0] if recipients else controller.profile.auth.username or 'postmaster'}"
        ]
    return [verb]


async def close_all(app: SmtpTuiApp) -> None:
    """QUIT every live session concurrently, bounded in time; stop the demo server."""
    for worker in app.workers:
        if (worker.group or "").startswith("session-"):
            worker.cancel()  # a cancelled command says QUIT and closes by itself
    await asyncio.sleep(0)
    sessions = [c.disconnect() for c in app.controllers.values() if c.connected]
    if sessions:
        try:  # cut short once the terminal is gone (smtptui.ui.exit_guard)
            async with closing_deadline(_QUIT_ALL_TIMEOUT):
                await asyncio.gather(*sessions, return_exceptions=True)
        except TimeoutError:
            pass
    try:
        async with closing_deadline(3):
            await app.builtin.stop()
    except TimeoutError:
        pass
