"""Reading received messages: decoded for display, with the mistakes a learner
makes when typing DATA by hand pointed out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from smtptui.message import DEFECT_TEXT, parse_received

GOOD = (
    b"From: a@demo.local\r\nTo: b@demo.local\r\nSubject: =?utf-8?b?SGkg5L2g5aW9?=\r\n"
    b"Date: Fri, 01 Mar 2024 12:30:00 +0000\r\nMessage-ID: <1@demo.local>\r\n"
    b"\r\nhello\r\n"
)


def codes(data: bytes, **kwargs: object) -> set[str]:
    return {d.code for d in parse_received(data, **kwargs).defects}  # type: ignore[arg-type]


def test_a_correct_message_has_no_defects() -> None:
    summary = parse_received(GOOD)
    assert summary.subject == "Hi 你好"
    assert summary.from_ == "a@demo.local" and summary.to == "b@demo.local"
    assert summary.date is not None and summary.date.year == 2024
    assert summary.message_id == "<1@demo.local>"
    assert summary.body == "hello\n"
    assert summary.defects == ()


def test_hand_typed_body_without_headers_is_flagged() -> None:
    summary = parse_received(b"hello bob, lunch?\r\n")
    assert summary.body == "hello bob, lunch?\n"
    assert {"missing-blank-line", "no-subject", "no-from", "no-date", "no-message-id"} <= {
        d.code for d in summary.defects
    }


def test_body_that_looks_like_headers_is_flagged() -> None:
    summary = parse_received(b"Subject: hi\r\nNote: the body became a header\r\n")
    assert summary.header("Note") == "the body became a header"
    assert summary.body == ""
    assert {"headers-only", "empty-body"} <= {d.code for d in summary.defects}


def test_missing_blank_line_after_subject_is_flagged() -> None:
    summary = parse_received(b"Subject: hi\r\nthis was meant as the body\r\n")
    assert summary.subject == "hi"
    assert "missing-blank-line" in {d.code for d in summary.defects}


def test_bare_lf_is_flagged() -> None:
    assert "bare-lf" in codes(GOOD.replace(b"hello\r\n", b"hello\nworld\r\n"))
    assert "bare-lf" not in codes(GOOD)


def test_eight_bit_body_without_mime_is_flagged() -> None:
    assert "8bit-without-mime" in codes(GOOD.replace(b"hello", "héllo".encode()))
    mime = GOOD.replace(
        b"\r\n\r\n",
        b"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n",
    ).replace(b"hello", "héllo".encode())
    assert "8bit-without-mime" not in codes(mime)
    assert parse_received(mime).body == "héllo\n"


def test_raw_utf8_header_needs_smtputf8() -> None:
    data = GOOD.replace(b"=?utf-8?b?SGkg5L2g5aW9?=", "Hi 你好".encode())
    assert parse_received(data).subject == "Hi 你好"
    assert "8bit-header" in codes(data, smtputf8=False)
    assert "8bit-header" not in codes(data, smtputf8=True)


def test_empty_subject_and_body_are_flagged() -> None:
    data = GOOD.replace(b"=?utf-8?b?SGkg5L2g5aW9?=", b"").replace(b"hello\r\n", b"")
    assert {"empty-subject", "empty-body"} <= codes(data)


def test_unparsable_date_is_flagged() -> None:
    assert "invalid-date" in codes(GOOD.replace(b"Fri, 01 Mar 2024 12:30:00 +0000", b"tomorrow"))


def test_html_only_body_is_shown_as_text() -> None:
    data = GOOD.replace(
        b"\r\n\r\nhello\r\n",
        b"\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><style>p{}</style><p>Hello &amp; <b>welcome</b></p></html>\r\n",
    )
    assert parse_received(data).body == "Hello & welcome\n"


def test_attachments_are_listed_not_shown() -> None:
    data = (
        b"Subject: files\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="XX"\r\n\r\n'
        b"--XX\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        b"--XX\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="a.pdf"\r\n\r\nJVBERi0=\r\n'
        b"--XX--\r\n"
    )
    summary = parse_received(data)
    assert summary.body == "see attached"  # the CRLF before a boundary belongs to it
    assert [(a.filename, a.content_type, a.size) for a in summary.attachments] == [
        ("a.pdf", "application/pdf", 5)
    ]


def test_every_defect_has_a_sentence() -> None:
    assert all(text.endswith(".") and text[0].isupper() for text in DEFECT_TEXT.values())


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_give_a_summary_never_an_exception(data: bytes) -> None:
    summary = parse_received(data)
    assert isinstance(summary.body, str)
    assert all(d.text for d in summary.defects)
