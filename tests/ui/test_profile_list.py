"""The profiles list: keys, clicks, wrapped rows, and a cursor move that
redraws two rows, not the whole list."""

from __future__ import annotations

from smtptui.profiles import Profile, ProfileStore
from smtptui.ui.app import SmtpTuiApp
from smtptui.ui.widgets.profile_list import ProfileList
from tests.ui.test_app import ready
from tests.ui.waiting import wait_until


def _save(count: int) -> None:
    store = ProfileStore()
    for n in range(1, count + 1):
        store.save(Profile(name=f"srv-{n:02d}", host="127.0.0.1", port=20000 + n, tags=("lab",)))


def _drawn(view: ProfileList) -> list[str]:
    """The list as drawn on screen, one string per line."""
    height = view.scrollable_content_region.height
    return [view.render_line(y).text for y in range(height)]


async def test_the_keys_move_between_profiles_and_the_other_panes_follow() -> None:
    _save(30)
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        view = app.query_one(ProfileList)
        assert app.focused is view and app.highlighted == "srv-01"
        await pilot.press("down")
        await wait_until(pilot, lambda: app.workspace.current == "srv-02")
        await pilot.press("end")
        await wait_until(pilot, lambda: app.workspace.current == "demo")  # listed last
        assert any("demo" in line for line in _drawn(view)), "the last row is scrolled into view"
        await pilot.press("home")
        await wait_until(pilot, lambda: app.workspace.current == "srv-01")
        assert view.scroll_offset.y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        row = view.cursor
        assert row is not None and row > 3, "a page is several profiles"
        name = app.highlighted
        assert any(f" {name}" in line for line in _drawn(view)), "the cursor's row is on screen"
        await pilot.press("pageup")
        await wait_until(pilot, lambda: app.highlighted == "srv-01")


async def test_a_wrapped_row_goes_on_indented_under_its_profile() -> None:
    ProfileStore().save(
        Profile(name="relay", host="mx.relay.example.org", port=587, tags=("prod", "eu"))
    )
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        lines = _drawn(app.query_one(ProfileList))
        # 26 cells: "  mx.relay.example.org:587 · starttls" is wrapped at a gap
        first = next(i for i, line in enumerate(lines) if "relay" in line)
        assert lines[first + 1].rstrip() == "  mx.relay.example.org:587", lines[first : first + 5]
        assert lines[first + 2].rstrip() == "  · starttls"
        assert lines[first + 3].rstrip() == "  #prod #eu"
        assert "demo" in lines[first + 4]


async def test_a_click_on_any_line_of_a_row_chooses_that_profile() -> None:
    _save(3)
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        view = app.query_one(ProfileList)
        lines = _drawn(view)
        second = next(i for i, line in enumerate(lines) if "srv-02" in line)
        chosen: list[str] = []
        app.connect = chosen.append  # what enter does; no server needed here
        await pilot.click(ProfileList, offset=(4, second + 2))  # its third line
        await wait_until(pilot, lambda: app.highlighted == "srv-02")
        assert chosen == ["srv-02"]


async def test_moving_the_cursor_redraws_the_two_rows_it_leaves_and_reaches() -> None:
    _save(30)
    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        view = app.query_one(ProfileList)
        await pilot.pause()
        drawn: list[str] = []
        render = view._render

        def counting(words, base, state, width):
            drawn.append("".join(text for text, _ in words))
            return render(words, base, state, width)

        view._render = counting
        await pilot.press("down")
        await wait_until(pilot, lambda: app.workspace.current == "srv-02")
        await pilot.pause()
        # the two rows (four lines each), not the ~9 rows on screen
        assert sorted(drawn) == sorted(
            [f"○ srv-0{n}   —", f"  127.0.0.1:2000{n} ·", "  plain", "  #lab"][i]
            for n in (1, 2)
            for i in range(4)
        ), drawn


async def test_a_profile_row_shows_its_session_badge_once_connected() -> None:
    from tests.ui.test_app import connect_demo

    app = SmtpTuiApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        view = app.query_one(ProfileList)
        assert _drawn(view)[0].startswith("○ demo   —")
        await connect_demo(pilot)
        code = app.workspace.sessions["demo"].badge.code

        def badge_drawn() -> bool:
            head = _drawn(view)[0]
            return head.startswith(("🔒 demo", "● demo")) and f" {code} " in head

        await wait_until(pilot, badge_drawn)
        assert _drawn(view)[1].startswith("  built-in")  # the rows below did not move


def test_a_long_name_goes_on_after_its_status_symbol_and_no_line_is_wider_than_the_pane() -> None:
    from hypothesis import given
    from hypothesis import strategies as st
    from rich.cells import cell_len

    from smtptui.ui.widgets.profile_list import wrap_words

    name = " an-exceptionally-long-profile-name-for-wrapping-tests"
    lines = wrap_words([[("○", "dim"), (name, "bold"), ("   —", "dim")]], 26)
    drawn = ["".join(text for text, _ in line) for line in lines]
    assert drawn == ["○ an-exceptionally-long-pr", "  ofile-name-for-wrapping-", "  tests   —"]

    words = st.text(alphabet="ab 邮件-", min_size=1, max_size=30)

    @given(st.lists(words, min_size=1, max_size=5), st.integers(min_value=1, max_value=40))
    def fits(texts: list[str], width: int) -> None:
        out = wrap_words([[(text, "") for text in texts]], width)
        for line in out:
            assert cell_len("".join(text for text, _ in line)) <= max(width, 4)
        # nothing lost: the words' characters, in order (gaps and indents aside)
        kept = "".join(text for line in out for text, _ in line).replace(" ", "")
        assert kept == "".join(texts).replace(" ", "")

    fits()
