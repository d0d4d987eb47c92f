"""The profile's security is a rule, and the screen tells the truth: F5 and
the step buttons bring a session to what its profile requires before the
envelope; the badge, header and hints follow what really happened."""

from __future__ import annotations

from textual.widgets import Input

from smtptui.profiles import Profile, ProfileStore
from smtptui.protocol import events as ev
from smtptui.ui.app import SmtpTuiApp
from smtptui.ui.screens.password import PasswordScreen
from tests.ui.test_app import connect_demo, ready, transcript_text, wait_until
from tests.ui.test_session_panel import _step, click_step


async def _connect_greeting_only(pilot) -> None:
    """Untick "EHLO, TLS and AUTH on connect", connect: only the greeting is read."""
    app = pilot.app
    await pilot.click("#session-handshake")
    assert app.workspace.settings.auto_handshake is False
    await click_step(pilot, "CONNECT")
    await wait_until(pilot, lambda: app.workspace.sessions["demo"].status == "connected")


def _sent(app) -> list[ev.Sent]:
    events = app.workspace.sessions["demo"].transcript.events
    return [e for e in events if isinstance(e, ev.Sent)]


async def test_f5_after_a_greeting_only_connect_does_ehlo_starttls_and_auth_first():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await _connect_greeting_only(pilot)
        panel = app.panes.session
        assert str(panel.query_one("#session-state").content).startswith("CONNECTED")
        await pilot.press("f5")
        server = app.workspace.builtin.server
        await wait_until(pilot, lambda: server is not None and server.messages)
        verbs = [e.text.split()[0].upper() for e in _sent(app) if e.kind != "data"]
        assert verbs[:4] == ["EHLO", "STARTTLS", "EHLO", "AUTH"], verbs
        envelope = [e for e in _sent(app) if e.text.upper().startswith(("MAIL", "RCPT", "DATA"))]
        assert envelope and all(e.tls for e in envelope)
        assert "554 5.7.1" not in transcript_text(app)


async def test_a_mail_step_on_a_starttls_profile_never_goes_out_in_plain_text():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await _connect_greeting_only(pilot)
        await _step(pilot, "MAIL")  # out of sequence: armed, then sent on a second press
        await _step(pilot, "MAIL")
        controller = app.workspace.sessions["demo"]
        await wait_until(pilot, lambda: any(e.text.startswith("MAIL") for e in _sent(app)))
        mail = next(e for e in _sent(app) if e.text.startswith("MAIL"))
        assert mail.tls and controller.session.tls_active


async def test_a_raw_envelope_line_before_starttls_is_warned_about_and_noted():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await _connect_greeting_only(pilot)
        await pilot.press("colon", *"EHLO me", "enter")
        await pilot.press(*"MAIL FROM:<demo@demo.local>")
        await pilot.pause(0.1)
        assert "plain text" in app.panes.session.hint
        await pilot.press("enter")
        await wait_until(pilot, lambda: any(e.text.startswith("MAIL") for e in _sent(app)))
        assert "sent in plain text as typed" in transcript_text(app)


async def test_after_starttls_and_auth_the_hint_suggests_only_mail_from():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await connect_demo(pilot)
        state = str(app.panes.session.query_one("#session-state").content)
        assert "MAIL FROM next" in state and "STARTTLS" not in state and "AUTH or" not in state


async def test_the_badge_and_header_follow_the_latest_outcome():
    ProfileStore().save(  # no AUTH: the demo server relays nothing for it
        Profile.from_toml(
            'name = "anon"\nhost = "127.0.0.1"\nbuiltin_server = true\nsecurity = "starttls"\n'
            '[message]\nfrom = "me@demo.local"\nto = ["friend@demo.local"]\n'
        )
    )
    app = SmtpTuiApp(profile_name="anon")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        controller = app.workspace.sessions["anon"]
        await wait_until(pilot, lambda: controller.status == "connected")
        composer = app.panes.composer
        composer.query_one("#composer-to", Input).value = "nobody@example.com"  # relay denied
        await pilot.pause(0.3)
        await pilot.press("f5")
        await wait_until(pilot, lambda: controller.status == "error")
        await wait_until(pilot, lambda: "· error" in app.sub_title)
        composer.query_one("#composer-to", Input).value = "friend@demo.local"
        await pilot.pause(0.3)
        await pilot.press("f5")
        await wait_until(
            pilot, lambda: controller.badge.code == 250 and controller.status != "error"
        )
        await wait_until(pilot, lambda: "· connected" in app.sub_title)
        assert controller.badge.status == "connected" and controller.error is None


async def test_the_demo_shows_where_it_really_listens():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert "127.0.0.1:587" not in app.sub_title
        await connect_demo(pilot)
        port = app.workspace.builtin.server.port
        assert f"127.0.0.1:{port}" in app.sub_title


async def test_a_message_line_starting_with_a_dot_is_flagged():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await connect_demo(pilot)
        controller = app.workspace.sessions["demo"]
        await pilot.press("colon")
        for line in ("MAIL FROM:<demo@demo.local>", "RCPT TO:<friend@demo.local>", "DATA"):
            await pilot.press(*line, "enter")
            await wait_until(pilot, lambda n=line: controller.session.in_data or n != "DATA")
        await wait_until(pilot, lambda: controller.session.in_data)
        await pilot.press(*".hidden")
        await pilot.pause(0.1)
        assert "loses that dot" in app.panes.session.hint
        await pilot.press("enter")
        await wait_until(pilot, lambda: "removes that dot" in transcript_text(app))


async def test_an_unset_password_variable_offers_a_prompt_instead_of_failing(monkeypatch):
    monkeypatch.delenv("SMTPTUI_TEST_NOT_SET", raising=False)
    ProfileStore().save(
        Profile.from_toml(
            'name = "envless"\nhost = "127.0.0.1"\nbuiltin_server = true\nsecurity = "starttls"\n'
            '[auth]\nmechanism = "login"\nusername = "demo"\n'
            'password = { source = "env", name = "SMTPTUI_TEST_NOT_SET" }\n'
        )
    )
    app = SmtpTuiApp(profile_name="envless")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PasswordScreen))
        reason = str(app.screen.query_one("#password-reason").content)
        assert "SMTPTUI_TEST_NOT_SET is not set" in reason
        await pilot.press(*"demo", "enter")
        controller = app.workspace.sessions["envless"]
        await wait_until(pilot, lambda: controller.status == "connected")
        assert controller.state.authenticated


async def test_the_garbage_collector_is_back_on_once_the_dashboard_is_drawn():
    """Start-up holds the collector off (speed); a dashboard that then runs for
    days must not grow without bound because it never came back."""
    import gc

    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await wait_until(pilot, gc.isenabled)
        assert gc.isenabled()
    # an app closed before its dashboard was built gives it back too
    gc.disable()
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)):
        pass
    assert gc.isenabled()


async def test_no_full_collection_walks_the_dashboard_while_it_is_drawn_or_after():
    """A full collection over the freshly built dashboard costs ~50 ms: it
    must not land in the first drawing (it once did, the collector being
    given back while the panes were still being built) nor on the first key
    press; the dashboard is moved out of its way before it comes back."""
    import gc

    gc.unfreeze()  # what earlier tests froze does not count
    full_over_dashboard: list[int] = []

    def watch(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2 and gc.get_freeze_count() == 0:
            full_over_dashboard.append(len(gc.get_objects()))

    gc.callbacks.append(watch)
    try:
        app = SmtpTuiApp()
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            await wait_until(pilot, gc.isenabled)
            assert gc.get_freeze_count() > 10_000, "the dashboard was not moved out of the way"
            await pilot.press("down", "tab", "tab")
            await pilot.pause()
    finally:
        gc.callbacks.remove(watch)
    assert full_over_dashboard == []
