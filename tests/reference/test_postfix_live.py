"""The recorded Postfix transcripts still match what the live Postfix peer says,
and the state machine's predictions still hold against it."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("tests.peers.fixtures")
pytest_plugins = ["tests.peers.fixtures"]

from smtptui.reference import parse_transcript, replay, surprises  # noqa: E402
from tests.reference.scenarios import SCENARIOS, TRANSCRIPTS, run_postfix  # noqa: E402

pytestmark = pytest.mark.postfix

_QUEUE_ID = re.compile(r"queued as [0-9A-Za-z]+")


def _shape(steps):
    """What must stay the same between recordings: commands, codes, enhanced
    codes, and the text apart from queue IDs."""
    return [
        (c if c is None or not c.startswith("AUTH PLAIN") else "AUTH PLAIN …", r.code,
         str(r.enhanced), _QUEUE_ID.sub("queued as ID", r.text))
        for c, r in steps
    ]  # fmt: skip


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_live_postfix_matches_the_recorded_transcript(postfix, name):
    live = run_postfix(name, postfix)
    recorded = parse_transcript((TRANSCRIPTS / f"postfix_{name}.txt").read_text())
    live_steps = parse_transcript(live.transcript())
    assert _shape(live_steps) == _shape(recorded)
    assert [s.state for s in replay(live.steps)] == [s.state for s in replay(recorded)]
    expected = 2 if name == "plain_policy" else 0  # Postfix's documented leniency
    assert len(surprises(live.steps)) == expected
