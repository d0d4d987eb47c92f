"""The installed ``smtptui`` driven the way a person drives it: in tmux, with
keys, reading the screen.  A newcomer's first minute: connect the demo, send
with F5, find the message in the demo inbox.  (tests/terminal/harness.py: a
private tmux server per test, with its own HOME and profiles folder.)"""

from __future__ import annotations

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


def test_a_dropped_terminal_closes_sessions_and_removes_the_demo_key(terminals):
    """An SSH drop is a SIGHUP: the process ends and the demo server's
    temporary key must not stay behind."""
    session = terminals(120, 40)
    session.start()
    session.wait_for("Composer")
    session.keys("Enter")
    session.wait_for("« Password: »")
    assert session.demo_key_folders(), "the demo server keeps its key in TMPDIR"
    session.drop()  # tmux hangs up the terminal, as a dropped SSH connection does
    session.assert_ends_within(3, "the terminal dropped")
    assert not session.demo_key_folders()
