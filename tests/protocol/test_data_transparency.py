from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from smtptui.protocol.data import data_payload, dot_stuff, normalise_line_ends


def test_leading_dots_are_doubled_and_final_dot_added():
    assert data_payload(b".hidden\r\nok\r\n.\r\n") == b"..hidden\r\nok\r\n..\r\n.\r\n"


def test_bare_lf_and_cr_become_crlf_and_last_line_is_terminated():
    assert normalise_line_ends(b"a\nb\rc") == b"a\r\nb\r\nc\r\n"


def test_empty_message_is_just_the_end_marker():
    assert data_payload(b"") == b".\r\n"


def _unstuff(payload: bytes) -> bytes:
    """What a receiving server does (RFC 5321 §4.5.2)."""
    assert payload.endswith(b"\r\n.\r\n") or payload == b".\r\n"
    body = payload[: -len(b".\r\n")]
    lines = body.split(b"\r\n")
    return b"\r\n".join(line[1:] if line.startswith(b".") else line for line in lines)


@given(st.lists(st.text(alphabet=".ab \t", max_size=10), max_size=10))
def test_dot_stuffing_round_trips(lines):
    message = "\r\n".join(lines).encode() + b"\r\n"
    payload = data_payload(message)
    assert b"\r\n.\r\n" not in payload[:-3]  # the end marker appears only at the end
    assert _unstuff(payload) == normalise_line_ends(message)


def test_dot_stuff_needs_no_copy_when_no_dots():
    assert dot_stuff(b"abc\r\n") == b"abc\r\n"
