"""The composer pane and the DATA preview, driven through the real app against
the built-in demo server."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label, ProgressBar, Static, TextArea

from smtptui.i18n import t
from smtptui.profiles import MessageDefaults, Profile, ProfileStore
from smtptui.ui.app import SmtpTuiApp
from smtptui.ui.screens.preview import DataView, PreviewScreen
from smtptui.ui.widgets.composer import ComposerPane
from smtptui.workspace.draft import EMPTY_SUBJECT
from tests.ui.waiting import until


async def _composer(pilot) -> ComposerPane:
    def mounted() -> bool:
        panes = pilot.app.query(ComposerPane)
        return bool(panes) and panes.first().profile is not None

    await until(pilot, mounted, "the composer mounting with a profile")
    return pilot.app.query_one(ComposerPane)


def _hint(composer: ComposerPane, key: str) -> str:
    """The sentence under ``key``'s row ("" when none is shown: a field gets
    its hint the first time it has something to say)."""
    hints = composer.query(f"#composer-{key}-hint").results(Static)
    hint = next(hints, None)
    return str(hint.render()) if hint is not None and hint.display else ""


def _save_profile(name: str, **message: str) -> None:
    """A profile on the demo's port whose draft is from ``me@<name>.example``
    to ``you@<name>.example``, with ``message``'s other defaults."""
    defaults = MessageDefaults(sender=f"me@{name}.example", to=(f"you@{name}.example",), **message)
    ProfileStore().save(Profile(name=name, host="127.0.0.1", port=2525, message=defaults))


def _label_drawn(composer: ComposerPane, key: str):
    """The style ``key``'s label is drawn in (its row draws it)."""
    row = composer.query_one(f"#composer-{composer._ROW_OF[key][0]}-row")
    line = row.render()
    start = line.plain.index(row.label(key))
    return line.get_style_at_offset(composer.app.console, start)


class _SendButton:
    """Send as a person sees it: enabled or not, and where it is drawn."""

    def __init__(self, composer: ComposerPane) -> None:
        self.composer = composer

    @property
    def disabled(self) -> bool:
        return not self.composer.send_enabled

    @property
    def region(self):
        bar = self.composer.buttons
        return bar.region_of("send").translate(bar.content_region.offset)


def _send_button(composer: ComposerPane) -> _SendButton:
    return _SendButton(composer)


async def click_button(pilot, composer: ComposerPane, key: str) -> None:
    """A mouse click in the middle of the composer's ``key`` button."""
    bar = composer.buttons
    cell = bar.region_of(key)
    await pilot.click(bar, offset=(cell.x + cell.width // 2, cell.y))


async def _send_and_wait(pilot, composer: ComposerPane):
    app = pilot.app
    before = len(app.workspace.builtin.server.messages) if app.workspace.builtin.server else 0
    await click_button(pilot, composer, "send")
    for _ in range(100):
        await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        if (
            app.workspace.builtin.server is not None
            and len(app.workspace.builtin.server.messages) > before
        ):
            return app.workspace.builtin.server.messages[-1]
    raise AssertionError(
        f"nothing arrived; notifications: {[n.message for n in app._notifications]}"
    )


async def test_demo_profile_defaults_fill_the_composer() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        assert composer.query_one("#composer-from", Input).value == "demo@demo.local"
        assert composer.query_one("#composer-to", Input).value == "friend@demo.local"
        assert composer.query_one("#composer-subject", Input).value == "Hello from smtptui"
        assert "built-in demo server" in composer.query_one("#composer-body", TextArea).text
        assert not _send_button(composer).disabled
        assert "ready: 1 recipient" in str(composer.query_one("#composer-status", Static).render())


async def test_typing_a_bad_recipient_shows_the_error_under_to_and_disables_send() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        to = composer.query_one("#composer-to", Input)
        to.focus()
        to.value = ""
        await pilot.press(*"friend-at-demo")
        await until(pilot, lambda: "has no @" in _hint(composer, "to"), "the To: hint")
        assert to.value == "friend-at-demo"
        assert composer.label_is_bad("to")
        assert _label_drawn(composer, "to").bold and not _label_drawn(composer, "from").bold
        assert _send_button(composer).disabled
        await pilot.press("end", *"@demo.local")
        await until(pilot, lambda: not _send_button(composer).disabled, "Send enabled again")
        assert _hint(composer, "to") == ""
        assert not _label_drawn(composer, "to").bold


async def test_no_recipient_at_all_is_an_error_but_an_empty_subject_is_only_a_note() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        composer.query_one("#composer-to", Input).value = ""
        composer.query_one("#composer-subject", Input).value = "   "
        await until(
            pilot,
            lambda: (
                "at least one recipient" in _hint(composer, "to")
                and _hint(composer, "subject") == t(EMPTY_SUBJECT, "en")
            ),
            "the To: and Subject: hints",
        )
        assert composer.query_one("#composer-subject-hint").has_class("-note")
        composer.query_one("#composer-bcc", Input).value = "hidden@demo.local"
        await until(pilot, lambda: not _send_button(composer).disabled, "Send enabled")
        assert _hint(composer, "to") == ""


async def test_hints_appear_under_their_own_row_in_field_order() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        # the right-hand field first: its hint must still come after the left one's
        composer.query_one("#composer-to", Input).value = "not an address"
        await until(pilot, lambda: _hint(composer, "to") != "", "the To: hint")
        composer.query_one("#composer-from", Input).value = "also not"
        composer.query_one("#composer-bcc", Input).value = "nor this"
        await until(
            pilot,
            lambda: _hint(composer, "from") != "" and _hint(composer, "bcc") != "",
            "the From: and Bcc: hints",
        )
        # ... and drawn (a new hint has its place after the next layout)
        await until(
            pilot,
            lambda: composer.query_one("#composer-from-hint").region.height > 0,
            "the From: hint drawn",
        )
        order = [w.id for w in composer.children]
        assert order[:5] == [
            "composer-from-row",
            "composer-from-hint",
            "composer-to-hint",
            "composer-cc-row",
            "composer-bcc-hint",
        ]
        # each shown hint is drawn on the line right under its row
        from_row = composer.query_one("#composer-from-row").region
        assert composer.query_one("#composer-from-hint").region.y == from_row.bottom


async def test_a_line_break_in_the_subject_is_refused_before_anything_is_sent() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        composer.query_one("#composer-subject", Input).value = "hi\r\nBcc: victim@example.com"
        await until(
            pilot,
            lambda: "Subject: contains a line break (CR/LF)" in _hint(composer, "subject"),
            "the Subject: hint",
        )
        assert _send_button(composer).disabled
        await pilot.press("f5")
        await until(
            pilot,
            lambda: any("line break" in n.message for n in app._notifications),
            "the line-break notification",
        )
        assert app.workspace.builtin.server is None or not app.workspace.builtin.server.messages


async def test_bad_header_lines_and_missing_attachments_are_shown_inline(tmp_path: Path) -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        composer.query_one("#composer-headers", TextArea).text = "X-Ok: 1\nno colon here"
        composer.query_one("#composer-attachments", Input).value = str(tmp_path / "missing.pdf")
        await until(
            pilot,
            lambda: (
                "has no colon" in _hint(composer, "headers")
                and "no file at" in _hint(composer, "attachments")
            ),
            "the Headers and Attach hints",
        )
        assert _send_button(composer).disabled
        (tmp_path / "there.txt").write_text("x" * 1500)
        composer.query_one("#composer-headers", TextArea).text = "X-Ok: 1\nBcc: sneaky@example.com"
        composer.query_one("#composer-attachments", Input).value = str(tmp_path / "there.txt")
        await until(
            pilot,
            lambda: (
                "Bcc: is never written into the message" in _hint(composer, "headers")
                and _hint(composer, "attachments") == "there.txt 1.5 KiB"
            ),
            "the Bcc warning and the attachment's size",
        )
        composer.query_one("#composer-headers", TextArea).text = "X-Ok: 1"
        await until(pilot, lambda: not _send_button(composer).disabled, "Send enabled")


async def test_a_saved_body_only_the_builder_refuses_is_flagged_soon_after_start() -> None:
    # the first drawing checks the fields' own rules; the trial build (which
    # finds the NUL byte) follows it, and Send waits for its verdict
    _save_profile("aaa-bell", body="ding\x00dong")  # sorts first: the profile shown at start
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        assert composer.profile_name == "aaa-bell"
        await until(pilot, lambda: _hint(composer, "body") != "", "the Body hint")
        assert _send_button(composer).disabled
        assert composer.label_is_bad("body")
        # the short status line beside the buttons says it, whole when hovered
        status = composer.query_one("#composer-status", Static)
        assert str(status.render()) == status.tooltip == "1 problem to fix"


async def test_each_profile_keeps_its_own_draft() -> None:
    _save_profile("other", subject="Other")
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        names = [p.name for p in app.query_one("ProfilesPane").profiles]
        assert sorted(names) == ["demo", "other"]

        async def highlight(name: str) -> None:
            app.query_one("#profile-list").focus()
            key = "down" if names.index(name) > names.index(app.workspace.current) else "up"
            await pilot.press(key)
            await until(pilot, lambda: app.workspace.current == name, f"{name} highlighted")

        if app.workspace.current != "demo":
            await highlight("demo")
        composer.query_one("#composer-subject", Input).value = "my edited demo subject"
        await pilot.pause()

        await highlight("other")
        assert composer.query_one("#composer-from", Input).value == "me@other.example"
        assert composer.query_one("#composer-to", Input).value == "you@other.example"
        assert composer.query_one("#composer-subject", Input).value == "Other"

        await highlight("demo")
        assert composer.query_one("#composer-subject", Input).value == "my edited demo subject"
        assert composer.query_one("#composer-from", Input).value == "demo@demo.local"

        composer.query_one("#composer-subject", Input).focus()
        await pilot.press("f8")
        await until(
            pilot,
            lambda: composer.query_one("#composer-subject", Input).value == "Hello from smtptui",
            "the profile's subject restored",
        )


async def test_preview_shows_the_dot_stuffed_body_the_blank_line_and_the_final_dot() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        composer.query_one("#composer-body", TextArea).text = ".hidden line\nnormal line\n"
        composer.query_one("#composer-bcc", Input).value = "secret@demo.local"
        await pilot.pause()
        composer.query_one("#composer-body", TextArea).focus()
        await pilot.press("f4")
        await until(pilot, lambda: isinstance(app.screen, PreviewScreen), "the preview")
        screen = app.screen
        assert isinstance(screen, PreviewScreen)
        texts = [line.text for line in screen.query_one(DataView).lines]
        assert "Subject: Hello from smtptui" in texts
        assert "..hidden line" in texts
        assert "normal line" in texts
        assert texts[-1] == "."
        blank = texts.index("")
        assert all(":" in t or t[:1].isspace() for t in texts[:blank])
        summary = str(screen.query_one("#preview-summary", Static).render())
        assert f"{len(screen.payload):,} bytes" in summary
        assert f"{len(texts)} lines, 1 dot-stuffed" in summary
        envelope = str(screen.query_one("#preview-envelope", Static).render())
        assert "MAIL FROM:<demo@demo.local>" in envelope
        assert "RCPT TO:<secret@demo.local>   (Bcc: envelope only" in envelope
        assert not any(t.lower().startswith("bcc:") for t in texts)
        view = screen.query_one(DataView)
        first_row = "".join(segment.text for segment in view.render_line(0))
        assert first_row.rstrip().endswith("\\r\\n")
        await pilot.press("c")
        assert "".join(segment.text for segment in view.render_line(0)).rstrip() == texts[0]
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, PreviewScreen), "the preview closed")


async def test_send_button_delivers_a_utf8_subject_and_body_intact() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        composer.query_one("#composer-subject", Input).value = "测试 hello"
        composer.query_one(
            "#composer-body", TextArea
        ).text = "第一行\n.a line starting with a dot\nlast line"
        await pilot.pause()
        received = await _send_and_wait(pilot, composer)
        assert received.subject == "测试 hello"
        assert (
            received.body.replace("\r\n", "\n").rstrip("\n")
            == "第一行\n.a line starting with a dot\nlast line"
        )
        assert received.rcpt_tos == ("friend@demo.local",)
        assert not received.defects
        assert not composer.has_class("-sending")
        assert not _send_button(composer).disabled


async def test_an_attachment_arrives_with_its_name_and_size(tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        composer.query_one("#composer-attachments", Input).value = str(report)
        await until(
            pilot,
            lambda: _hint(composer, "attachments").startswith("report.pdf 10 KiB"),
            "the attachment's name and size",
        )
        received = await _send_and_wait(pilot, composer)
        [attachment] = received.attachments
        assert attachment.filename == "report.pdf"
        assert attachment.content_type == "application/pdf"
        assert attachment.size == report.stat().st_size


async def test_what_was_previewed_is_exactly_what_is_sent() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        await click_button(pilot, composer, "preview")
        await until(pilot, lambda: isinstance(app.screen, PreviewScreen), "the preview")
        shown = app.screen
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, PreviewScreen), "the preview closed")
        received = await _send_and_wait(pilot, composer)
        assert received.data == shown.built.data


async def test_progress_bar_shows_bytes_only_while_sending() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        assert not composer.query("#composer-progress")  # made on the first send
        composer.start_progress(2_000_000)
        bar = composer.query_one("#composer-progress", ProgressBar)
        composer.set_progress(500_000, 2_000_000)
        await until(pilot, lambda: bar.display, "the progress bar")
        assert bar.display and bar.progress == 500_000 and bar.total == 2_000_000
        assert str(composer.query_one("#composer-bytes", Label).render()) == "488.3 KiB / 1.9 MiB"
        assert _send_button(composer).disabled
        composer.stop_progress()
        await until(pilot, lambda: not bar.display, "the progress bar hidden")
        assert not _send_button(composer).disabled


async def test_composer_fits_the_narrow_layout() -> None:
    app = SmtpTuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        composer = await _composer(pilot)
        app.show_pane("composer")
        await until(pilot, lambda: composer.region.width >= 78, "the composer at full width")
        body = composer.query_one("#composer-body", TextArea)
        assert body.region.height >= 5
        assert _send_button(composer).region.height == 1
        assert composer.region.contains_region(_send_button(composer).region)


async def test_preview_says_an_internationalised_address_needs_smtputf8_and_the_server_offers_it() -> (
    None
):
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        app.query_one("#profile-list").focus()
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                app.workspace.current_session is not None
                and app.workspace.current_session.status == "connected"
            ),
            "the demo session connected",
        )
        composer.query_one("#composer-to", Input).value = "用户@demo.local"
        await until(pilot, lambda: not _send_button(composer).disabled, "Send enabled")
        await click_button(pilot, composer, "preview")
        await until(pilot, lambda: isinstance(app.screen, PreviewScreen), "the preview")
        notes = str(app.screen.query_one("#preview-notes", Static).render())
        assert "SMTPUTF8: an address is not ASCII" in notes
        assert "(this server offers it)" in notes
        assert "RCPT TO:<用户@demo.local>" in str(
            app.screen.query_one("#preview-envelope", Static).render()
        )


async def test_a_profile_without_addresses_says_what_to_fill_in_before_scolding() -> None:
    """Shown a profile with no From and no recipient, the composer says in its
    status line what to fill in — no red sentences under fields nobody has
    typed in yet.  Typing in one, or asking for the message (f4), says what
    is wrong where it is wrong."""
    ProfileStore().save(Profile(name="bare", host="127.0.0.1", port=2525))
    app = SmtpTuiApp(profile_name="bare")
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _composer(pilot)
        await until(pilot, lambda: composer.profile.name == "bare", "the bare profile's draft")
        status = composer.query_one("#composer-status", Static)
        await until(pilot, lambda: str(status.render()) == "needs From and To", "the status line")
        assert _hint(composer, "from") == "" and _hint(composer, "to") == ""
        assert not composer.label_is_bad("from") and not composer.label_is_bad("to")
        assert _send_button(composer).disabled
        assert not status.has_class("-bad")
        # typing a recipient: From is still only said in the status line
        composer.query_one("#composer-to", Input).value = "you@demo.local"
        await until(pilot, lambda: str(status.render()) == "needs a From", "From in the status")
        assert _hint(composer, "from") == ""
        # a mistake elsewhere is counted, and the empty From still said
        composer.query_one("#composer-bcc", Input).value = "not-an-address"
        await until(
            pilot, lambda: str(status.render()) == "1 problem to fix · needs a From", "both"
        )
        composer.query_one("#composer-bcc", Input).value = ""
        # asking for the message: every missing piece is said under its field
        composer.query_one("#composer-subject", Input).focus()
        await pilot.press("f4")
        await until(pilot, lambda: "sender" in _hint(composer, "from"), "the From: hint")
        assert composer.label_is_bad("from")
