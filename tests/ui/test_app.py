"""The dashboard's flows, as a person uses them (pilot), against real servers."""

from __future__ import annotations

import asyncio

import pytest

from smtptui.profiles import Profile, ProfileStore
from smtptui.ui.app import SmtpTuiApp
from smtptui.ui.widgets.transcript_view import TranscriptView
from tests.protocol.scripted import ScriptedServer, read_command
from tests.ui.waiting import wait_until


async def ready(pilot) -> None:
    """Wait for the lazily mounted panes (a person never types that fast)."""

    app = pilot.app
    await wait_until(
        pilot, lambda: app.panes.composer is not None and app.panes.session is not None
    )


async def connect_demo(pilot) -> None:
    """Enter on the (selected) demo profile, then wait for the handshake."""
    await pilot.press("enter")
    await wait_until(pilot, lambda: pilot.app.workspace.sessions["demo"].status == "connected")


def save_prompting_profile() -> None:
    """A profile "asks" on the built-in server whose password is prompted for."""
    ProfileStore().save(
        Profile.from_toml(
            'name = "asks"\nhost = "127.0.0.1"\nbuiltin_server = true\nsecurity = "starttls"\n'
            '[auth]\nmechanism = "login"\nusername = "demo"\npassword = { source = "prompt" }\n'
        )
    )


def transcript_text(app) -> str:
    return "\n".join(line.plain() for line in app.query_one(TranscriptView).lines)


async def test_start_selects_demo_and_focuses_the_profiles_list():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "profile-list"
        assert app.workspace.current == "demo"
        assert "demo" in app.sub_title


async def test_enter_connects_demo_and_f5_sends_and_i_shows_it():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await connect_demo(pilot)
        assert "« Username: »" in transcript_text(app)
        await pilot.press("f5")
        await wait_until(
            pilot,
            lambda: (
                app.workspace.builtin.server is not None and app.workspace.builtin.server.messages
            ),
        )
        assert app.workspace.builtin.server.messages[0].subject == "Hello from smtptui"
        await pilot.press("i")
        await pilot.pause()
        assert type(app.screen).__name__ == "InboxScreen"


async def test_two_live_sessions_keep_their_own_transcripts(tmp_path):
    ProfileStore().save(
        Profile(name="second", host="127.0.0.1", builtin_server=True, security="plain")
    )
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.connect("demo")
        await wait_until(pilot, lambda: app.workspace.sessions["demo"].status == "connected")
        app.connect("second")
        await wait_until(pilot, lambda: app.workspace.sessions["second"].status == "connected")
        second = transcript_text(app)
        assert " -> STARTTLS" not in second  # a plain profile never starts TLS
        app.switch_to("demo")
        await pilot.pause()
        demo = transcript_text(app)
        assert " -> STARTTLS" in demo and "TLSv1" in demo
        assert (
            app.workspace.sessions["demo"].connected and app.workspace.sessions["second"].connected
        )


async def test_language_switch_changes_the_reference_to_chinese():
    app = SmtpTuiApp(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "zh"
        await pilot.press("l")
        assert app.lang == "en"


async def test_keymap_file_remaps_send(tmp_path, _isolated_user_dirs):
    config = _isolated_user_dirs / ".config" / "smtptui"
    config.mkdir(parents=True, exist_ok=True)
    (config / "keymap.toml").write_text('[keymap]\n"composer.send" = "f9"\n')
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f9")
        await wait_until(
            pilot,
            lambda: (
                app.workspace.builtin.server is not None and app.workspace.builtin.server.messages
            ),
        )


async def test_broken_keymap_is_reported_not_fatal(_isolated_user_dirs):
    config = _isolated_user_dirs / ".config" / "smtptui"
    config.mkdir(parents=True, exist_ok=True)
    (config / "keymap.toml").write_text("[keymap\n")
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.pause()
        assert any("keymap.toml" in n.message for n in app._notifications)


async def test_letter_keys_do_nothing_behind_a_dialog():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("n")  # would open the new-profile form on the dashboard
        await pilot.pause()
        assert type(app.screen).__name__ == "InboxScreen"


@pytest.fixture
async def silent_server():
    """A server that accepts and never says a word; yields a profile maker."""

    async def silent(reader, writer):
        await asyncio.sleep(30)

    async with ScriptedServer(silent) as srv:

        def profile(timeout: float) -> str:
            ProfileStore().save(
                Profile(
                    name="silent",
                    host="127.0.0.1",
                    port=srv.port,
                    security="plain",
                    timeout=timeout,
                )
            )
            return "silent"

        yield profile


async def test_silent_server_leaves_the_app_responsive_with_a_clear_error(silent_server):
    app = SmtpTuiApp(profile_name=silent_server(timeout=1))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await pilot.press("t")  # the UI answers while the session waits
        await wait_until(pilot, lambda: app.theme == "textual-light")
        await wait_until(
            pilot, lambda: app.workspace.sessions["silent"].status == "error", timeout=30
        )
        await wait_until(pilot, lambda: "sent nothing for 1 s" in transcript_text(app))
        await wait_until(
            pilot, lambda: any("sent nothing" in n.message for n in app._notifications)
        )


async def test_server_dropping_mid_data_is_an_error_in_the_transcript():
    async def dropper(reader, writer):
        writer.write(b"220 hi\r\n")
        while True:
            line = await read_command(reader)
            if line.startswith(b"EHLO"):
                writer.write(b"250 x\r\n")
            elif line.startswith(b"DATA"):
                writer.write(b"354 go\r\n")
                await reader.read(5)
                writer.transport.abort()
                return
            else:
                writer.write(b"250 ok\r\n")

    async with ScriptedServer(dropper) as srv:
        profile = Profile.from_toml(
            f'name = "dropper"\nhost = "127.0.0.1"\nport = {srv.port}\nsecurity = "plain"\ntimeout = 5\n'
            '[message]\nfrom = "a@example.com"\nto = ["b@example.com"]\n'
        )
        ProfileStore().save(profile)
        app = SmtpTuiApp(profile_name="dropper")
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            await pilot.press("f5")
            await wait_until(pilot, lambda: app.workspace.sessions["dropper"].status == "error")
            assert "***" in transcript_text(app)
            assert app.is_running


async def test_unknown_start_profile_is_reported():
    app = SmtpTuiApp(profile_name="nope")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.pause()
        assert any("no profile named 'nope'" in n.message for n in app._notifications)


async def test_quit_closes_sessions_with_quit():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await connect_demo(pilot)
        controller = app.workspace.sessions["demo"]
        await pilot.press("q")
        await pilot.pause()
    assert "QUIT" in "\n".join(line.plain() for line in controller.lines)
    assert not controller.connected


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_layouts_from_80x24_to_large(size):
    app = SmtpTuiApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        narrow = app.screen.has_class("-narrow")
        assert narrow == (size[0] < 110)
        if narrow:
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.workspace.sessions["demo"].status == "connected")


async def test_h_opens_the_fleet_view_where_dashboard_keys_do_nothing():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("h")
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"
        summary = app.screen.query_one("#fleet-summary")
        await wait_until(pilot, lambda: "1 ok" in str(summary.render()))
        assert str(summary.render()).startswith("1 profile ·")  # the demo alone: singular
        await pilot.press("f5")  # "send" belongs to the main screen
        await app.workers.wait_for_complete()
        assert app.workspace.builtin.server is None or not app.workspace.builtin.server.messages
        await pilot.press("h")
        await pilot.pause()
        assert type(app.screen).__name__ != "DashboardScreen"


async def test_prompt_password_source_asks_in_a_dialog_and_never_shows_it():
    save_prompting_profile()
    app = SmtpTuiApp(profile_name="asks")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "PasswordScreen")
        for key in "demo":
            await pilot.press(key)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.workspace.sessions["asks"].status == "connected")
        controller = app.workspace.sessions["asks"]
        assert controller.state.authenticated
        assert any(
            line.text == "********" and line.annotation == "password" for line in controller.lines
        )


async def test_cancelled_password_prompt_connects_without_auth_and_says_so():
    save_prompting_profile()
    app = SmtpTuiApp(profile_name="asks")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "PasswordScreen")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.workspace.sessions["asks"].status == "connected")
        assert not app.workspace.sessions["asks"].state.authenticated
        assert "password prompt cancelled" in transcript_text(app)


async def test_delete_asks_first_and_removes_the_file():
    path = ProfileStore().save(Profile(name="doomed", host="127.0.0.1", builtin_server=True))
    app = SmtpTuiApp(profile_name="doomed")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("delete")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("escape")  # no
        await pilot.pause()
        assert path.exists()
        await pilot.press("delete")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("y")
        await wait_until(pilot, lambda: not path.exists())
        assert "doomed" not in [p.name for p in app.query_one("ProfilesPane").profiles]


async def test_bundled_demo_cannot_be_deleted():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("delete")
        await pilot.pause()
        assert type(app.screen).__name__ != "ConfirmScreen"
        assert any("bundled example" in n.message for n in app._notifications)


async def test_transcript_search_moves_the_cursor_to_a_match():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await connect_demo(pilot)
        await pilot.press("s")
        for key in "username":
            await pilot.press(key)
        await pilot.press("enter")
        await pilot.pause()
        view = app.query_one(TranscriptView)
        assert view.cursor >= 0 and view.lines[view.cursor].annotation == "Username:"


async def test_selected_transcript_text_is_what_a_person_sees():
    from textual.selection import Selection

    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await connect_demo(pilot)
        view = app.query_one(TranscriptView)
        text, _ = view.get_selection(Selection(None, None))
        assert "334 VXNlcm5hbWU6  « Username: »" in text
        assert "********  « password »" in text


async def test_a_bug_ends_the_app_with_one_sentence_and_a_private_report(
    _isolated_user_dirs, capsys
):
    from smtptui.protocol.secret import Secret

    class Buggy(SmtpTuiApp):
        def action_toggle_theme(self) -> None:
            secret = Secret("hunter2")  # noqa: F841 - a local a traceback with locals would show
            password = "hunter2"  # noqa: F841
            raise RuntimeError("boom")

    app = Buggy()
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            await pilot.press("t")
            await pilot.pause()
    printed = " ".join(capsys.readouterr().err.split())
    assert "smtptui stopped after an internal error (RuntimeError: boom)" in printed
    assert "Traceback" not in printed and "hunter2" not in printed
    reports = list(
        (_isolated_user_dirs / ".local" / "state" / "smtptui" / "crashes").glob("crash-*.txt")
    )
    assert len(reports) == 1
    report = reports[0].read_text()
    assert "RuntimeError: boom" in report and "hunter2" not in report
    assert reports[0].stat().st_mode & 0o077 == 0


async def test_copy_and_export_after_a_send():
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await connect_demo(pilot)
        await pilot.press("f5")
        await wait_until(
            pilot,
            lambda: (
                app.workspace.builtin.server is not None and app.workspace.builtin.server.messages
            ),
        )
        await pilot.press("y")
        await pilot.pause()
        assert "Subject: Hello from smtptui" in app.clipboard
        assert "ZGVtbw==" not in app.clipboard
        await pilot.press("x")
        await pilot.pause()
        assert type(app.screen).__name__ == "ExportScreen"


async def test_d_interrupts_a_session_waiting_on_a_silent_server(silent_server):
    app = SmtpTuiApp(profile_name=silent_server(timeout=30))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.workspace.sessions["silent"].connected)
        await pilot.press("d")
        await wait_until(pilot, lambda: not app.workspace.sessions["silent"].connected, timeout=3)
        assert "QUIT" in transcript_text(app)


async def test_the_palette_offers_every_action_and_every_profile():
    from smtptui.ui.commands import ProfileCommands

    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {
            "Send",
            "Inbox",
            "Fleet",
            "Preview DATA",
            "AUTH helper",
            "Export as swaks command",
        } <= titles
        provider = ProfileCommands(app.screen)
        hits = [hit async for hit in provider.search("demo")]
        assert any("Connect demo" in str(hit.text) for hit in hits)


async def test_a_profile_file_written_elsewhere_appears_by_itself(tmp_path):
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        ProfileStore().save(Profile(name="from-an-editor", host="127.0.0.1", security="plain"))
        pane = app.query_one("ProfilesPane")
        await wait_until(
            pilot, lambda: "from-an-editor" in [p.name for p in pane.profiles], timeout=5
        )
