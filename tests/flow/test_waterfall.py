"""Where the time went: phases on one time axis from real sessions and from
fleet check results, and the bar arithmetic that draws them."""

from __future__ import annotations

import datetime as dt

import pytest

from smtptui.fleet.results import CheckResult, PhaseLatencies
from smtptui.flow.waterfall import FULL, Segment, bar, from_check, from_events, nice_ticks


def test_a_full_session_has_every_phase_in_order(full_session):
    w = from_events(full_session)
    assert [r.phase for r in w.rows] == [
        "connect", "banner", "ehlo", "tls", "auth", "mail", "rcpt", "data", "data_end"
    ]  # fmt: skip
    assert len(w.row("ehlo").segments) == 2  # before and after STARTTLS
    assert len(w.row("tls").segments) == 2  # the STARTTLS round trip and the handshake
    assert len(w.row("auth").segments) == 3  # AUTH LOGIN, user name, password
    for row in w.rows:
        assert 0 <= row.start_ms <= row.end_ms <= w.total_ms + 1e-6
    order = [w.row(p).start_ms for p in ("connect", "banner", "ehlo", "tls", "auth", "mail")]
    assert order == sorted(order)


def test_pipelined_commands_overlap_as_on_the_wire(full_session):
    w = from_events(full_session)
    starts = [w.row(p).segments[0].start_ms for p in ("mail", "rcpt", "data")]
    assert max(starts) - min(starts) < 0.05  # written at once, so timed from one moment
    assert w.row("data_end").start_ms >= w.row("data").end_ms - 0.05


def test_only_the_last_connection_counts(demo, full_session):
    later = full_session + full_session[:3]  # a reconnect that got as far as the greeting
    w = from_events(later)
    assert [r.phase for r in w.rows] == ["connect", "banner"]


def test_a_check_result_with_events_is_its_session():
    result = CheckResult(
        "demo",
        "127.0.0.1:25",
        "starttls",
        True,
        0,
        dt.datetime.now(dt.UTC),
        latencies=PhaseLatencies(dns=3.0, connect=2.0, banner=10.0, ehlo=4.0, tls=20.0, auth=6.0),
    )
    w = from_check(result)
    assert w.sequential
    assert [(r.phase, r.start_ms, r.ms) for r in w.rows] == [
        ("dns", 0.0, 3.0),
        ("connect", 3.0, 2.0),
        ("banner", 5.0, 10.0),
        ("ehlo", 15.0, 4.0),
        ("tls", 19.0, 20.0),
        ("auth", 39.0, 6.0),
    ]
    assert w.total_ms == 45.0
    saved = CheckResult.from_dict(result.to_dict())
    assert from_check(saved) == w


async def test_a_fresh_check_is_drawn_from_its_events(full_session):
    result = CheckResult(
        "demo", "x", "starttls", True, 0, dt.datetime.now(dt.UTC), events=tuple(full_session)
    )
    assert from_check(result) == from_events(full_session)
    assert not from_check(result).sequential


def test_bars_put_each_segment_in_its_place():
    assert bar([Segment(0, 50)], 100, 10) == FULL * 5 + " " * 5
    assert bar([Segment(50, 50)], 100, 10) == " " * 5 + FULL * 5
    assert bar([Segment(0, 25)], 100, 10) == FULL * 2 + "▌" + " " * 7
    two = bar([Segment(0, 10), Segment(80, 10)], 100, 10)
    assert two == FULL + " " * 7 + FULL + " "
    assert len(bar([Segment(0, 1)], 10_000, 40)) == 40


def test_a_phase_too_short_to_see_still_shows():
    drawn = bar([Segment(500, 0.01)], 1000, 20)
    assert drawn.strip() and drawn.index(drawn.strip()) == 10


@pytest.mark.parametrize("total", [0, -1])
def test_nothing_to_draw_is_blank(total):
    assert bar([Segment(0, 1)], total, 5) == "     "


def test_ticks_are_round_numbers():
    assert nice_ticks(100) == [0, 50, 100]
    assert nice_ticks(30) == [0, 10, 20, 30]
    assert nice_ticks(3.7) == [0, 1, 2, 3]
    assert nice_ticks(0) == [0.0]
    for total in (0.3, 7, 42, 999, 12_345):
        ticks = nice_ticks(total)
        assert ticks[0] == 0 and ticks[-1] <= total and 2 <= len(ticks) <= 6


async def test_a_pause_before_the_next_command_is_left_out_of_the_axis(demo):
    """A learner reads the greeting and types EHLO 1.3 s later: the phases stay
    readable (the pause is not 90 % of the axis), the pause is reported, and
    the total still counts it."""
    import asyncio

    from smtptui.flow.waterfall import IDLE_BREAK_MS
    from smtptui.ui.widgets.waterfall_view import WaterfallView

    session, events = await demo()
    await session.connect()
    await asyncio.sleep(1.3)
    await session.raw("EHLO learner.example")
    await session.quit()
    w = from_events(events)
    assert len(w.idle) == 1 and w.idle[0].ms >= 1250
    assert w.axis_ms < IDLE_BREAK_MS  # the phases alone
    assert w.total_ms >= w.axis_ms + w.idle[0].ms - 1e-6
    banner, ehlo = w.row("banner"), w.row("ehlo")
    assert ehlo.start_ms - banner.end_ms < 5  # drawn next to each other
    assert w.idle[0].at_ms <= ehlo.start_ms
    for row in w.rows:
        assert row.end_ms <= w.axis_ms + 1e-6
    view = WaterfallView([("learner", w)], lang="en")
    assert view.axis_ms == w.axis_ms
