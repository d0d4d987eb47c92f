"""The profile form, the demo inbox and the transcript export, driven through the
real app against the built-in demo server."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from textual.widgets import Button, DataTable, Input, Select, Static

from smtptui.profiles import Profile, ProfileStore
from smtptui.ui.app import SmtpTuiApp
from smtptui.ui.screens.confirm import ConfirmScreen
from smtptui.ui.screens.export import ExportScreen
from smtptui.ui.screens.inbox import InboxScreen
from smtptui.ui.screens.profile_form import ProfileFormScreen, field_id

SIZE = (120, 40)


def _text(widget: Static) -> str:
    return str(widget.render())


def _field(screen: ProfileFormScreen, key: str):
    return screen.query_one(f"#{field_id(key)}")


def _error(screen: ProfileFormScreen, key: str) -> str:
    error = screen.query_one(f"#{field_id(key)}-error", Static)
    return _text(error) if error.has_class("-shown") else ""


async def _set(pilot, screen: ProfileFormScreen, key: str, value) -> None:
    widget = _field(screen, key)
    widget.value = value
    await pilot.pause()


async def _open_form(pilot, key: str = "n") -> ProfileFormScreen:
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ProfileFormScreen)
    return screen


async def _connect_demo(pilot) -> None:
    app = pilot.app
    await pilot.pause()
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert app.workspace.sessions["demo"].connected


def _toml_files(store: ProfileStore) -> list[Path]:
    return sorted(store.folder.glob("*.toml"))


# ---------------------------------------------------------------- the form


async def test_new_profile_is_saved_as_private_toml_that_loads_back():
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot)
        assert form.query_one("#pf-save", Button).disabled  # a blank form cannot be saved
        await pilot.press(*"Work relay")
        await _set(pilot, form, "host", "smtp.example.com")
        await _set(pilot, form, "security", "tls")
        await _set(pilot, form, "tags", "work, eu")
        await _set(pilot, form, "timeout", "20")
        await _set(pilot, form, "auth.mechanism", "login")
        await _set(pilot, form, "auth.username", "me@example.com")
        await _set(pilot, form, "auth.password.source", "env")
        await _set(pilot, form, "auth.password.name", "WORK_SMTP_PASSWORD")
        await _set(pilot, form, "message.from", "Me <me@example.com>")
        await _set(pilot, form, "message.to", '"Doe, Jane" <jane@example.com>, bob@example.com')
        await _set(pilot, form, "message.subject", "relay test")
        assert not form.query_one("#pf-save", Button).disabled
        await pilot.press("f2")
        await pilot.pause()
        assert not isinstance(app.screen, ProfileFormScreen)

        files = _toml_files(app.workspace.store)
        assert [f.name for f in files] == ["work-relay.toml"]
        assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
        saved = ProfileStore(app.workspace.store.folder).get("Work relay")
        assert saved is not None
        assert (saved.host, saved.port, saved.security) == ("smtp.example.com", 465, "tls")
        assert saved.tags == ("work", "eu")
        assert saved.timeout == 20
        assert saved.auth.mechanism == "login" and saved.auth.username == "me@example.com"
        assert saved.auth.password.kind == "env" and saved.auth.password.env == "WORK_SMTP_PASSWORD"
        assert saved.message.to == ('"Doe, Jane" <jane@example.com>', "bob@example.com")
        assert saved.message.subject == "relay test"
        assert "Work relay" in [p.name for p in app.query_one("ProfilesPane").profiles]


async def test_invalid_port_is_explained_under_the_field_and_blocks_saving():
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot)
        await _set(pilot, form, "name", "bad port")
        await _set(pilot, form, "host", "smtp.example.com")
        await _set(pilot, form, "port", "99999")
        assert "port must be a whole number from 1 to 65535" in _error(form, "port")
        assert form.query_one("#pf-save", Button).disabled
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ProfileFormScreen)
        assert _toml_files(app.workspace.store) == []

        await _set(pilot, form, "port", "2525")
        assert _error(form, "port") == ""
        assert not form.query_one("#pf-save", Button).disabled


async def test_profile_rules_come_from_the_schema_not_the_form():
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot)
        await _set(pilot, form, "name", "x")
        await _set(pilot, form, "host", "smtp.example.com:587")
        assert "must not include the port" in _error(form, "host")
        await _set(pilot, form, "host", "smtp.example.com")
        await _set(pilot, form, "auth.mechanism", "plain")
        assert "needs a login name" in _error(form, "auth.username")
        await _set(pilot, form, "auth.username", "me")
        await _set(pilot, form, "tls.client_key", "~/key.pem")
        assert "needs tls.client_cert" in _error(form, "tls.client_key")


async def test_renaming_through_edit_keeps_one_file(tmp_path):
    store = ProfileStore()
    store.save(Profile(name="alpha", host="mx.example.com", port=2525))
    app = SmtpTuiApp(profile_name="alpha")
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot, "e")
        assert _field(form, "name").value == "alpha"
        assert _field(form, "port").value == "2525"
        await _set(pilot, form, "name", "beta")
        await pilot.press("f2")
        await pilot.pause()
        assert [f.name for f in _toml_files(store)] == ["beta.toml"]
        beta = ProfileStore(store.folder).get("beta")
        assert beta is not None and (beta.host, beta.port) == ("mx.example.com", 2525)
        assert ProfileStore(store.folder, with_builtin=False).get("alpha") is None


async def test_a_plain_password_is_shown_nowhere_but_masked():
    secret = "s3cret-Pw!"
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot)
        await _set(pilot, form, "name", "plain one")
        await _set(pilot, form, "host", "smtp.example.com")
        await _set(pilot, form, "auth.mechanism", "login")
        await _set(pilot, form, "auth.username", "me")
        await _set(pilot, form, "auth.password.source", "plain")
        warning = form.query_one("#pf-plain-note", Static)
        assert warning.display and "0600" in _text(warning)
        password = _field(form, "auth.password.value")
        assert isinstance(password, Input) and password.password
        password.focus()
        await pilot.press(*secret)
        await _set(pilot, form, "port", "0")  # an error on screen while the secret is typed
        assert "port" in _error(form, "port")
        assert secret not in app.export_screenshot()
        for widget in form.query(Static):
            assert secret not in _text(widget)
        await _set(pilot, form, "port", "")
        await pilot.press("f2")
        await pilot.pause()
        assert not isinstance(app.screen, ProfileFormScreen)
        assert password.value == ""
        assert secret not in app.export_screenshot()
        assert all(secret not in n.message for n in app._notifications)
        path = _toml_files(app.workspace.store)[0]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        saved = ProfileStore(app.workspace.store.folder).get("plain one")
        assert saved.auth.password.value.reveal() == secret


async def test_editing_the_bundled_demo_saves_a_user_copy():
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot, "e")
        notes = " ".join(_text(s) for s in form.query(".pf-demo"))
        assert "bundled" in notes and "your own copy" in notes
        await _set(pilot, form, "message.subject", "my demo")
        await pilot.press("f2")
        await pilot.pause()
        assert [f.name for f in _toml_files(app.workspace.store)] == ["demo.toml"]
        demo = ProfileStore(app.workspace.store.folder).get("demo")
        assert not demo.bundled and demo.builtin_server
        assert demo.message.subject == "my demo"


async def test_escape_asks_before_dropping_changes():
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, ProfileFormScreen)

        form = await _open_form(pilot)
        await pilot.press(*"half")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form and _field(form, "name").value == "half"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, (ProfileFormScreen, ConfirmScreen))
        assert _toml_files(app.workspace.store) == []


async def test_enter_moves_to_the_next_field_instead_of_saving():
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot)
        await pilot.press(*"x", "enter")
        assert app.focused is _field(form, "host")
        assert isinstance(app.screen, ProfileFormScreen)


async def test_switching_security_updates_the_default_port_hint():
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot)
        await _set(pilot, form, "security", "tls")
        assert "465" in _field(form, "port").placeholder
        assert isinstance(_field(form, "security"), Select)


# ---------------------------------------------------------------- the inbox


async def test_inbox_before_the_demo_runs_says_how_to_fill_it():
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        empty = inbox.query_one("#inbox-empty", Static)
        assert empty.display and "enter on demo" in _text(empty) and "F5" in _text(empty)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, InboxScreen)


async def test_a_message_sent_with_f5_shows_in_the_inbox_with_its_body():
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        await _connect_demo(pilot)
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(app.workspace.builtin.server.messages) == 1
        await pilot.press("i")
        await pilot.pause()
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        table = inbox.query_one(DataTable)
        assert table.row_count == 1
        row = [str(cell) for cell in table.get_row_at(0)]
        assert "Hello from smtptui" in row and "TLS · AUTH demo" in row
        assert "This message went to smtptui's built-in demo server" in _text(
            inbox.query_one("#inbox-body", Static)
        )
        assert not inbox.query_one("#inbox-defects", Static).display
        await pilot.press("i")
        await pilot.pause()
        assert not isinstance(app.screen, InboxScreen)


async def test_data_without_a_blank_line_shows_its_defect_live():
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        await _connect_demo(pilot)
        await pilot.press("i")
        await pilot.pause()
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        controller = app.workspace.sessions["demo"]
        for line in (
            "MAIL FROM:<demo@demo.local>",
            "RCPT TO:<friend@demo.local>",
            "DATA",
            "From: demo@demo.local",
            "Hello, I forgot the empty line",
            ".",
        ):
            await controller.raw(line)
        await pilot.pause()
        table = inbox.query_one(DataTable)
        assert table.row_count == 1  # arrived while the inbox was open
        assert "⚠ (no subject)" in [str(cell) for cell in table.get_row_at(0)]
        defects = inbox.query_one("#inbox-defects", Static)
        assert defects.display
        shown = _text(defects)
        assert "empty line" in shown and "There is no Subject header" in shown
        received = app.workspace.builtin.server.messages[0]
        assert all(d.text in shown for d in received.defects)
        await pilot.press("r")
        await pilot.pause()
        raw = inbox.query_one("#inbox-raw", Static)
        assert raw.display and "Hello, I forgot the empty line" in _text(raw)


async def test_defects_are_explained_in_chinese_when_the_app_speaks_chinese():
    app = SmtpTuiApp(lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await _connect_demo(pilot)
        controller = app.workspace.sessions["demo"]
        for line in (
            "MAIL FROM:<demo@demo.local>",
            "RCPT TO:<friend@demo.local>",
            "DATA",
            "Hello",
            ".",
        ):
            await controller.raw(line)
        await pilot.press("i")
        await pilot.pause()
        shown = _text(app.screen.query_one("#inbox-defects", Static))
        assert "这封邮件有" in shown and "没有 Subject 头" in shown


# ---------------------------------------------------------------- the export


async def _open_export(pilot) -> ExportScreen:
    await _connect_demo(pilot)
    await pilot.press("x")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    return screen


async def _save_to(pilot, screen: ExportScreen, path: Path) -> None:
    screen.query_one("#export-path", Input).value = str(path)
    await pilot.press("f2")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_export_is_redacted_by_default(tmp_path):
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_export(pilot)
        default = screen.query_one("#export-path", Input).value
        assert default.startswith("~/smtptui-demo-") and default.endswith(".txt")
        target = tmp_path / "demo.txt"
        await _save_to(pilot, screen, target)
        assert not isinstance(app.screen, ExportScreen)
        text = target.read_text(encoding="utf-8")
        assert "334 VXNlcm5hbWU6" in text
        assert "ZGVtbw==" not in text
        assert "user name 'demo'" not in text
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def test_unticking_redaction_shows_the_user_name(tmp_path):
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_export(pilot)
        await pilot.click("#export-redact")
        await pilot.pause()
        assert not screen.query_one("#export-redact").value
        target = tmp_path / "open.txt"
        await _save_to(pilot, screen, target)
        assert "user name 'demo'" in target.read_text(encoding="utf-8")


async def test_json_lines_export_parses_line_by_line(tmp_path):
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_export(pilot)
        await pilot.click("#export-jsonl")
        await pilot.pause()
        path = screen.query_one("#export-path", Input)
        assert path.value.endswith(".jsonl")
        assert _text(screen.query_one("#export-preview", Static)).startswith(
            '{"event": "connecting"'
        )
        target = tmp_path / "demo.jsonl"
        await _save_to(pilot, screen, target)
        lines = target.read_text(encoding="utf-8").splitlines()
        events = [json.loads(line) for line in lines]
        assert any(e.get("code") == 334 for e in events)
        assert "ZGVtbw==" not in target.read_text(encoding="utf-8")


async def test_export_into_a_missing_folder_says_so_in_one_sentence(tmp_path):
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_export(pilot)
        await _save_to(pilot, screen, tmp_path / "nope" / "t.txt")
        assert app.screen is screen
        error = _text(screen.query_one("#export-error", Static))
        assert (
            error
            == f"There is no folder {tmp_path / 'nope'}; create it first or choose another path."
        )


async def test_export_asks_before_replacing_a_file(tmp_path):
    target = tmp_path / "keep.txt"
    target.write_text("mine\n")
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_export(pilot)
        await _save_to(pilot, screen, target)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and target.read_text() == "mine\n"
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "334 VXNlcm5hbWU6" in target.read_text(encoding="utf-8")


async def test_copy_puts_the_redacted_export_on_the_clipboard():
    app = SmtpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_export(pilot)
        assert screen.query_one("#export-redact").value
        await pilot.press("f3")
        await pilot.pause()
        assert "334 VXNlcm5hbWU6" in app.clipboard
        assert "ZGVtbw==" not in app.clipboard
