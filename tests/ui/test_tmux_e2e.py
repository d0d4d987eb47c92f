"""The installed ``smtptui`` driven the way a person drives it: in tmux, with
keys, reading the screen.  A newcomer's first minute: connect the demo, send
with F5, find the message in the demo inbox.  (tests/terminal/harness.py: a
private tmux server per test, with its own HOME and profiles folder.)"""

from __future__ import annotations

import stat
import time

import pytest

pytestmark = pytest.mark.tmux


@pytest.fixture
def tmux_app(terminals):
    terminal = terminals(120, 40)
    terminal.start()
    return terminal


def test_newcomer_connects_demo_sends_with_f5_and_finds_it_in_the_inbox(tmux_app):
    tmux_app.wait_for("demo")  # the profiles list is drawn first…
    tmux_app.wait_for("Composer")  # …the other panes right after
    tmux_app.keys("Enter")
    tmux_app.wait_for("« Password: »")
    tmux_app.keys("F5")
    tmux_app.wait_for("250 2.0.0 OK")
    tmux_app.keys("i")
    screen = tmux_app.wait_for("Demo inbox")
    assert "Hello from smtptui" in screen
    tmux_app.keys("Escape")
    tmux_app.wait_for_screen(lambda s: "Demo inbox" not in s, "the dashboard again", 10)
    tmux_app.keys("q")
    tmux_app.assert_ends_within(10, "q")


def test_80x24_layout_shows_tabs_and_one_pane(terminals):
    session = terminals(80, 24)
    session.start()
    screen = session.wait_for("Session")
    for tab in ("Profiles", "Transcript", "Reference", "Composer", "Session"):
        assert tab in screen
    session.keys("Enter")
    session.wait_for("Transcript")


def test_a_dropped_terminal_closes_sessions_and_leaves_only_the_private_demo_key(terminals):
    """An SSH drop is a SIGHUP: the process ends within 3 s and nothing of the
    demo server stays behind in TMPDIR; its key lives only in the user's cache
    folder, private to them."""
    session = terminals(120, 40)
    session.start()
    session.wait_for("Composer")
    session.keys("Enter")
    session.wait_for("« Password: »")
    cache = session.home / ".cache" / "smtptui" / "demo-tls"
    keys = list(cache.glob("*/key.pem"))
    assert keys, "the demo server keeps its key in the user's cache folder"
    assert all(stat.S_IMODE(k.stat().st_mode) == 0o600 for k in keys)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    session.drop()  # tmux hangs up the terminal, as a dropped SSH connection does
    session.assert_ends_within(3, "the terminal dropped")
    assert not list(session.scratch.iterdir()), "the demo server left files in TMPDIR"


def test_chinese_tooltips_over_the_panes_edges_keep_every_character(terminals):
    """A tooltip is drawn over the panes; where a pane's edge fell under a
    Chinese character, Textual drew two spaces instead (textual#6357): the
    footer's q said "对每个会话发   QUIT 后  出".  Hovered as a person would:
    an SGR mouse move over the key."""
    from rich.cells import cell_len

    from smtptui.i18n import t

    session = terminals(120, 40)
    session.start("--lang", "zh")
    screen = session.wait_for(t("pane.session.title", "zh"))
    footer = screen.splitlines()[-1]
    label = f"q {t('keys.app.quit.label', 'zh')}"
    assert label in footer, footer
    x = cell_len(footer[: footer.index(label)])  # the key's column, in cells
    tip = t("keys.app.quit.help", "zh")
    for dx in (0, 1):  # two moves: the tooltip follows the mouse once it stops
        session.text(f"\x1b[<35;{x + 1 + dx};{session.height}M")
    shown = session.wait_for_screen(
        lambda s: tip.split()[0][:3] in s, "the q key's tooltip", timeout=10
    )
    assert tip.replace(" ", "") in shown.replace(" ", ""), shown


def test_the_step_buttons_answer_a_mouse_click_and_the_keyboard(terminals):
    """The step buttons are one widget: a click on CONNECT's cell connects
    (and CONNECT leaves the bar); tab reaches the bar from the session panel,
    the arrows move between its buttons and enter presses one."""
    from rich.cells import cell_len

    session = terminals(120, 40)
    session.start()
    screen = session.wait_for("STARTTLS")
    rows = [line for line in screen.splitlines() if "CONNECT" in line and "STARTTLS" in line]
    assert len(rows) == 1, screen
    y = screen.splitlines().index(rows[0])
    x = cell_len(rows[0][: rows[0].index("CONNECT")]) + 3  # the middle of the word
    session.click(x, y)
    # the handshake ran to AUTH, and CONNECT left the bar (the two may be
    # drawn a frame apart: wait for both)
    session.wait_for_screen(
        lambda s: (
            "« Password: »" in s
            and not any("CONNECT" in r and "STARTTLS" in r for r in s.splitlines())
        ),
        "the password prompt, and CONNECT gone from the step buttons",
    )
    session.text(":")  # the raw line…
    session.keys("Escape")  # …the session panel…
    time.sleep(0.5)  # a key right after ESC would arrive as alt+key, as in any terminal
    session.keys("Tab")  # …the step bar, on its first button (EHLO)
    session.keys("Down", "Right", "Enter")  # the row below (RSET), then NOOP
    screen = session.wait_for_screen(
        lambda s: any(line.rstrip(" │").endswith("NOOP") for line in s.splitlines()),
        "NOOP in the transcript",
        timeout=10,
    )
    session.keys("q")
    session.assert_ends_within(10, "q")
