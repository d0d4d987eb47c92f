"""The reference pane: the reply-code table, its filter, and the explanation that
follows the conversation with the real built-in demo server."""

from __future__ import annotations

import re
import time

from textual.widgets import Input

from smtptui.protocol import events as ev
from smtptui.protocol.reply import EnhancedCode, Reply
from smtptui.ui.app import SmtpTuiApp
from smtptui.ui.widgets.reference_pane import CodeTable, ReferencePane
from smtptui.ui.widgets.transcript_view import TranscriptView
from tests.ui.waiting import until

CJK = re.compile(r"[\u4e00-\u9fff]")


async def _pane(pilot) -> ReferencePane:
    def mounted() -> bool:
        panes = pilot.app.query(ReferencePane)
        return bool(
            panes
            and panes.first().query(CodeTable)
            and panes.first().query_one(CodeTable).row_count
        )

    await until(pilot, mounted, "the reference pane mounting")
    await pilot.pause()
    return pilot.app.query_one(ReferencePane)


async def _connect_demo(pilot) -> ReferencePane:
    pane = await _pane(pilot)
    await pilot.press("enter")
    await _settle(pilot)
    assert pilot.app.workspace.current_session.status == "connected"
    return pane


async def _settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def _rows(pane: ReferencePane) -> list[tuple[str, str, str]]:
    table = pane.query_one(CodeTable)
    return [tuple(cell.plain for cell in table.get_row_at(i)) for i in range(table.row_count)]


def _codes(pane: ReferencePane) -> list[str]:
    return [code for code, _, _ in _rows(pane)]


def _cursor_row(pane: ReferencePane) -> tuple[str, str, str]:
    table = pane.query_one(CodeTable)
    return tuple(cell.plain for cell in table.get_row_at(table.cursor_row))


async def _filter(pilot, pane: ReferencePane, text: str) -> None:
    field = pane.query_one("#reference-filter", Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def test_table_lists_basic_enhanced_and_vendor_codes() -> None:
    async with SmtpTuiApp(lang="en").run_test(size=(120, 40)) as pilot:
        pane = await _pane(pilot)
        codes = _codes(pane)
        titles = [title for _, _, title in _rows(pane)]
        assert {"235 2.7.0", "535 5.7.8", "X.7.8", "5.XXX.YYY"} <= set(codes)
        assert len(codes) > 150
        # Vendor replies come after their own heading, never mixed with the RFC codes.
        vendor_heading = next(i for i, t in enumerate(titles) if t.startswith("Vendor-specific"))
        # 530 alone and its two 530 5.7.0 variants (log in first, STARTTLS first) are distinct rows.
        rfc_codes = codes[:vendor_heading]
        assert rfc_codes.count("530") == 1 and rfc_codes.count("530 5.7.0") == 2
        assert codes.index("X.7.8") < vendor_heading
        assert any("Gmail" in t for t in titles[vendor_heading:])
        assert not any("Gmail" in t for t in titles[:vendor_heading])
        kinds = {code: kind for code, kind, _ in _rows(pane)}
        glyphs = [kinds[code] for code in ("235 2.7.0", "334", "421", "535 5.7.8")]
        assert glyphs == ["✓", "…", "↻", "✗"]
        assert pane.border_title == "Reference"
        assert "No reply yet" in pane.explanation_text


async def test_filter_narrows_by_code_enhanced_code_and_title() -> None:
    async with SmtpTuiApp(lang="en").run_test(size=(120, 40)) as pilot:
        pane = await _pane(pilot)
        everything = len(_rows(pane))

        await _filter(pilot, pane, "5.7.8")
        codes = _codes(pane)
        assert "535 5.7.8" in codes and "X.7.8" in codes
        # The enhanced code's class and subject rows explain its digits.
        assert "5.XXX.YYY" in codes and "X.7.YYY" in codes
        assert "250" not in codes and "X.7.9" not in codes

        await _filter(pilot, pane, "auth")
        rows = [r for r in _rows(pane) if r[0] != "──"]
        assert rows and len(rows) < everything / 2
        assert all("auth" in f"{code} {title}".lower() for code, _, title in rows)

        await _filter(pilot, pane, "no such code")
        assert "nothing matches" in _rows(pane)[0][2]

        pane.query_one("#reference-filter", Input).value = ""
        await pilot.pause()
        assert len(_rows(pane)) == everything


async def test_follows_the_conversation_to_the_latest_reply() -> None:
    async with SmtpTuiApp(lang="en").run_test(size=(120, 40)) as pilot:
        pane = await _connect_demo(pilot)
        # connect = greeting, EHLO, STARTTLS, EHLO, AUTH: the last reply is 235.
        assert _cursor_row(pane)[0] == "235 2.7.0"
        text = pane.explanation_text
        assert "latest reply" in text
        assert "Authentication succeeded" in text and "Authentication successful" in text
        assert "RFC 4954" in text

        await pilot.press("f5")
        await _settle(pilot)
        assert pilot.app.workspace.builtin.server.messages
        assert _cursor_row(pane)[0] == "250"
        text = pane.explanation_text
        assert "250 2.0.0" in text and "queued as" in text
        assert "end of DATA" in text


async def test_picking_a_reply_in_the_transcript_explains_that_reply() -> None:
    async with SmtpTuiApp(lang="en").run_test(size=(120, 40)) as pilot:
        pane = await _connect_demo(pilot)
        controller = pilot.app.workspace.current_session
        greeting = next(e for e in controller.transcript.events if isinstance(e, ev.Received))
        assert greeting.reply.code == 220

        view = pilot.app.query_one(TranscriptView)
        view.cursor = next(i for i, line in enumerate(view.lines) if line.source is greeting)
        await pilot.pause()
        await pilot.pause()
        assert _cursor_row(pane)[0] == "220"
        text = pane.explanation_text
        assert "reply picked in the transcript" in text
        assert "Service ready" in text and "smtptui.demo" in text

        pane.show_reply(greeting, controller)
        await pilot.pause()
        assert _cursor_row(pane)[0] == "220"


async def test_a_contradicting_enhanced_code_is_flagged() -> None:
    async with SmtpTuiApp(lang="en").run_test(size=(120, 40)) as pilot:
        pane = await _connect_demo(pilot)
        odd = Reply(
            code=250, lines=("5.7.1 x",), raw=b"250 5.7.1 x\r\n", enhanced=EnhancedCode(5, 7, 1)
        )
        pane.show_reply(ev.Received(reply=odd), pilot.app.workspace.current_session)
        await pilot.pause()
        text = pane.explanation_text
        assert "⚠ Mismatch" in text
        assert "250" in text and "5.7.1" in text and "RFC 2034" in text
        assert _cursor_row(pane)[0] == "250"


async def test_a_reader_in_the_table_is_not_yanked_away() -> None:
    async with SmtpTuiApp(lang="en").run_test(size=(120, 40)) as pilot:
        pane = await _connect_demo(pilot)
        table = pane.query_one(CodeTable)
        table.focus()
        await pilot.press("down", "down")
        await pilot.pause()
        reading = _cursor_row(pane)
        assert reading[0] != "235 2.7.0"
        assert reading[2].rstrip("…") in pane.explanation_text.split("\n")[1]

        pilot.app.action_send()
        await _settle(pilot)
        assert _cursor_row(pane) == reading
        assert "new reply 250" in pane.border_subtitle

        table.focus()
        await pilot.press("f")
        await pilot.pause()
        assert _cursor_row(pane)[0] == "250"
        assert "queued as" in pane.explanation_text
        assert not pane.border_subtitle


async def test_language_switch_keeps_filter_and_row() -> None:
    async with SmtpTuiApp(lang="en").run_test(size=(120, 40)) as pilot:
        pane = await _connect_demo(pilot)
        await _filter(pilot, pane, "235")
        pilot.app.query_one("#profile-list").focus()
        await pilot.press("l")
        await pilot.pause()
        assert pane.border_title == "参考"
        assert pane.query_one("#reference-filter", Input).value == "235"
        assert _cursor_row(pane)[0] == "235 2.7.0"
        assert CJK.search(_cursor_row(pane)[2])
        assert "认证成功" in pane.explanation_text and "最新回复" in pane.explanation_text

        await pilot.press("l")
        await pilot.pause()
        assert pane.border_title == "Reference"
        assert _cursor_row(pane)[0] == "235 2.7.0"
        assert not CJK.search(pane.explanation_text)
        assert "Authentication succeeded" in pane.explanation_text


async def test_small_terminal_shows_the_pane_full_width() -> None:
    async with SmtpTuiApp(lang="en").run_test(size=(80, 24)) as pilot:
        pane = await _pane(pilot)
        assert pane.region.width == 0
        pilot.app.show_pane("reference")
        await pilot.pause()
        await pilot.pause()
        assert pane.region.width > 70
        assert any(title == "Authentication credentials invalid" for _, _, title in _rows(pane))


class Clock:
    """The pane's clock, moved by the test: a busy machine's slowness must not
    count as the reader's pause."""

    def __init__(self) -> None:
        self.now = time.monotonic()

    def __call__(self) -> float:
        return self.now


async def test_following_resumes_by_itself_after_the_reader_pauses(monkeypatch) -> None:
    clock = Clock()
    monkeypatch.setattr("smtptui.ui.widgets.reference_pane.monotonic", clock)
    monkeypatch.setattr("smtptui.ui.widgets.code_table.monotonic", clock)  # the reader's moves
    monkeypatch.setattr("smtptui.ui.widgets.reference_pane.HOLD_SECONDS", 1.0)
    async with SmtpTuiApp(lang="en").run_test(size=(120, 40)) as pilot:
        pane = await _connect_demo(pilot)
        pane.query_one(CodeTable).focus()
        await pilot.press("up")
        pilot.app.action_send()
        await _settle(pilot)
        assert _cursor_row(pane)[0] == "221 2.0.0"  # held: the reader just moved
        clock.now += 1.5  # the reader paused longer than HOLD_SECONDS
        await until(pilot, lambda: _cursor_row(pane)[0] == "250", "following resumed")
        assert "queued as" in pane.explanation_text


async def test_unregistered_and_impossible_codes_are_explained_without_a_crash() -> None:
    async with SmtpTuiApp(lang="en").run_test(size=(120, 40)) as pilot:
        pane = await _connect_demo(pilot)
        controller = pilot.app.workspace.current_session
        old_iis = Reply(
            code=571, lines=("Delivery not authorized",), raw=b"571 Delivery not authorized\r\n"
        )
        pane.show_reply(ev.Received(reply=old_iis), controller)
        await pilot.pause()
        assert _cursor_row(pane)[0] == "5.XXX.YYY"
        assert "571" in pane.explanation_text and "5 = " in pane.explanation_text

        broken = Reply(code=999, lines=("what",), raw=b"999 what\r\n")
        pane.show_reply(ev.Received(reply=broken), controller)
        await pilot.pause()
        assert pane.explanation_text.startswith("999: ")
        assert "Traceback" not in pane.explanation_text


def _drawn(table: CodeTable, row: int) -> str:
    """What the table draws for ``row`` (it must be on screen)."""
    return table.render_line(row - table.scroll_offset.y).text


async def test_the_table_answers_clicks_and_page_keys_and_cuts_titles_to_its_width() -> None:
    async with SmtpTuiApp(lang="en").run_test(size=(120, 40)) as pilot:
        pane = await _pane(pilot)
        table = pane.query_one(CodeTable)
        await pilot.click(table, offset=(3, 4))
        await pilot.pause()
        code, _, title = _cursor_row(pane)
        assert table.cursor_row == table.scroll_offset.y + 4 and pilot.app.focused is table
        assert title in pane.explanation_text, "a clicked row is explained underneath"

        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home", "pagedown")
        assert table.cursor_row == table.scrollable_content_region.height - 1
        await pilot.press("pageup")
        assert table.cursor_row == 0

        width = table.scrollable_content_region.width
        row = next(i for i, (_, _, t) in enumerate(_rows(pane)) if len(t) > width)
        table.move_cursor(row=row)
        await pilot.pause()
        drawn = _drawn(table, row)
        assert len(drawn) == width and drawn.rstrip().endswith("…"), drawn

    async with SmtpTuiApp(lang="en").run_test(size=(80, 24)) as pilot:
        pane = await _pane(pilot)
        pilot.app.show_pane("reference")
        await pilot.pause()
        await pilot.pause()
        table = pane.query_one(CodeTable)
        table.move_cursor(row=row)
        await pilot.pause()
        drawn = _drawn(table, row)
        assert len(drawn) == table.scrollable_content_region.width > width
        assert _rows(pane)[row][2] in drawn, "the wider pane shows more of each title"


async def test_a_table_from_a_function_makes_only_the_rows_it_draws() -> None:
    """The reference's ~180 rows are set at start-up; only the rows the pane
    shows have their cells made (the rest when scrolled to)."""
    async with SmtpTuiApp(lang="en").run_test(size=(120, 40)) as pilot:
        pane = await _pane(pilot)
        table = pane.query_one(CodeTable)
        made = [n for n in range(table.row_count) if table._cells[n] is not None]
        shown = table.scrollable_content_region.height
        assert table.row_count > 3 * shown
        assert 0 < len(made) <= shown + 2, f"{len(made)} rows made for {shown} shown"
        # what is made on demand is the row's own: the last row, drawn at the end
        table.move_cursor(row=table.row_count - 1)
        await pilot.pause()
        last = table.row_count - 1
        assert _drawn(table, last).startswith(table.get_row_at(last)[0].plain.strip()[:3])
