from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smtptui.protocol import EnhancedCode, ProtocolError, ReplyParser
from smtptui.protocol.reply import MAX_LINE_BYTES, MAX_REPLY_LINES


def parse(data: bytes):
    return ReplyParser().feed(data)


def test_single_line_reply_with_enhanced_code():
    (reply,) = parse(b"550 5.1.1 <x@y>: Recipient address rejected\r\n")
    assert reply.code == 550
    assert reply.enhanced == EnhancedCode(5, 1, 1)
    assert reply.message == "<x@y>: Recipient address rejected"
    assert reply.kind == "permanent"
    assert not reply.ok


def test_multiline_reply_keeps_every_line_and_raw_bytes():
    data = b"250-mail.example.com Hello\r\n250-SIZE 1000\r\n250 PIPELINING\r\n"
    (reply,) = parse(data)
    assert reply.lines == ("mail.example.com Hello", "SIZE 1000", "PIPELINING")
    assert reply.raw == data


def test_lf_only_line_ends_are_tolerated():
    (reply,) = parse(b"220 hi\n")
    assert reply.code == 220 and reply.lines == ("hi",)


def test_replies_split_across_reads_are_joined():
    p = ReplyParser()
    assert p.feed(b"250-a\r\n25") == []
    assert p.feed(b"0 b") == []
    (reply,) = p.feed(b"\r\n")
    assert reply.lines == ("a", "b")
    assert p.pending == 0


def test_non_utf8_is_kept_and_shown_escaped():
    (reply,) = parse(b"220 caf\xe9 \x1b[31mred\r\n")
    assert reply.raw == b"220 caf\xe9 \x1b[31mred\r\n"
    assert reply.display_lines() == ["220 caf\\xe9 \\x1b[31mred"]


def test_code_alone_is_a_reply():
    (reply,) = parse(b"250\r\n")
    assert reply.code == 250 and reply.lines == ("",)


def test_mixed_codes_in_one_reply_are_a_protocol_error():
    with pytest.raises(ProtocolError, match="mixed reply codes 250 and 251"):
        parse(b"250-a\r\n251 b\r\n")


@pytest.mark.parametrize(
    "line", [b"hello\r\n", b"25\r\n", b"2500 x\r\n", b"650 x\r\n", b"250_x\r\n"]
)
def test_malformed_lines_are_protocol_errors(line):
    with pytest.raises(ProtocolError, match="malformed"):
        parse(line)


def test_overlong_line_ends_with_protocol_error_without_newline():
    p = ReplyParser()
    with pytest.raises(ProtocolError, match="longer than 64 KiB"):
        for _ in range(100):
            p.feed(b"x" * 4096)


def test_overlong_line_with_newline_is_refused():
    with pytest.raises(ProtocolError, match="longer than 64 KiB"):
        parse(b"250 " + b"x" * (MAX_LINE_BYTES + 10) + b"\r\n")


def test_endless_reply_is_cut_at_1000_lines():
    p = ReplyParser()
    with pytest.raises(ProtocolError, match="more than 1000 lines"):
        for _ in range(MAX_REPLY_LINES + 5):
            p.feed(b"250-more\r\n")


def test_reply_over_one_mebibyte_is_refused():
    p = ReplyParser()
    line = b"250-" + b"y" * 60000 + b"\r\n"
    with pytest.raises(ProtocolError, match="larger than 1 MiB"):
        for _ in range(30):
            p.feed(line)


def test_enhanced_code_only_for_success_and_failure_classes():
    (reply,) = parse(b"334 2.0.0 this is not an enhanced code\r\n")
    assert reply.enhanced is None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=20))
def test_any_byte_stream_gives_replies_or_protocol_error(chunks):
    p = ReplyParser()
    try:
        for chunk in chunks:
            for reply in p.feed(chunk):
                assert 100 <= reply.code <= 599
                assert reply.raw
    except ProtocolError:
        pass
    assert p.pending <= MAX_LINE_BYTES + 1024 * 1024 + 300


@settings(max_examples=200, deadline=None)
@given(
    st.integers(200, 599),
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
        min_size=1,
        max_size=8,
    ),
    st.integers(1, 50),
)
def test_well_formed_replies_round_trip_in_any_chunking(code, texts, step):
    wire = b"".join(
        f"{code}{'-' if i < len(texts) - 1 else ' '}{t}\r\n".encode() for i, t in enumerate(texts)
    )
    p = ReplyParser()
    replies = []
    for i in range(0, len(wire), step):
        replies += p.feed(wire[i : i + step])
    assert len(replies) == 1
    assert replies[0].code == code
    assert replies[0].lines == tuple(texts)
