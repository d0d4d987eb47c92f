"""The message builder: what arrives is what was meant, and nothing can be injected."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes
from email import policy as email_policy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smtptui.message import (
    MessageDraft,
    MessageError,
    build_message,
    is_internationalised,
    parse_address_list,
    parse_header_line,
    parse_mailbox,
    parse_received,
    validate_address,
)

WHEN = datetime(2024, 3, 1, 12, 30, 0, tzinfo=UTC)


def draft(**fields: object) -> MessageDraft:
    base: dict[str, object] = {
        "from_": "a@demo.local",
        "to": ["b@demo.local"],
        "subject": "s",
        "body": "b",
        "date": WHEN,
        "message_id": "<fixed@demo.local>",
    }
    base.update(fields)
    return MessageDraft(**base)  # type: ignore[arg-type]


def header_block(data: bytes) -> bytes:
    return data.split(b"\r\n\r\n", 1)[0]


def test_utf8_subject_is_encoded_and_round_trips() -> None:
    built = build_message(draft(subject="Hi 你好"))
    assert b"Subject: Hi =?utf-8?b?5L2g5aW9?=\r\n" in built.data
    assert built.data.isascii() and not built.eight_bit and not built.needs_smtputf8
    assert parse_received(built.data).subject == "Hi 你好"


def test_lines_end_in_crlf_and_headers_fold_at_78() -> None:
    built = build_message(draft(subject="word " * 60 + "你好 " * 30, body="x\ny\n"))
    assert b"\n" not in built.data.replace(b"\r\n", b"")
    assert all(len(line) <= 78 for line in header_block(built.data).split(b"\r\n"))
    assert parse_received(built.data).subject == "word " * 60 + "你好 " * 30


def test_non_ascii_body_is_sent_7bit_safe() -> None:
    built = build_message(draft(body="Grüße aus 北京\n" * 3))
    assert built.data.isascii()
    assert re.search(rb"Content-Transfer-Encoding: (quoted-printable|base64)", built.data)
    assert parse_received(built.data).body == "Grüße aus 北京\n" * 3


def test_bcc_goes_into_the_envelope_only() -> None:
    built = build_message(draft(to=["b@demo.local"], cc=["c@demo.local"], bcc=["hidden@x.org"]))
    assert built.envelope.recipients == ("b@demo.local", "c@demo.local", "hidden@x.org")
    assert b"hidden" not in built.data
    assert b"Bcc" not in built.data


def test_recipients_are_deduplicated_in_order() -> None:
    built = build_message(
        draft(to=["b@demo.local", "B <b@DEMO.local>"], cc=["c@x.org"], bcc=["b@demo.local"])
    )
    assert built.envelope.recipients == ("b@demo.local", "c@x.org")
    assert built.envelope.sender == "a@demo.local"


def test_names_and_lists_are_accepted_in_address_fields() -> None:
    built = build_message(
        draft(
            from_='"Zoë Müller" <zoe@demo.local>',
            to='"Doe, J" <j@x.org>, k@x.org',
            reply_to="r@x.org",
        )
    )
    summary = parse_received(built.data)
    assert summary.from_ == "Zoë Müller <zoe@demo.local>"
    assert summary.to == '"Doe, J" <j@x.org>, k@x.org'
    assert summary.header("Reply-To") == "r@x.org"
    assert built.envelope == built.envelope.__class__("zoe@demo.local", ("j@x.org", "k@x.org"))


def test_missing_subject_and_body_are_filled_like_swaks() -> None:
    built = build_message(draft(subject=None, body=None))
    summary = parse_received(built.data)
    assert summary.subject == "smtptui test Fri, 01 Mar 2024 12:30:00 +0000"
    assert summary.body.strip()
    assert summary.defects == ()


def test_without_defaults_a_blank_message_is_possible() -> None:
    built = build_message(draft(subject=None, body=None), fill_defaults=False)
    codes = {d.code for d in parse_received(built.data).defects}
    assert codes == {"no-subject", "empty-body"}


def test_date_and_message_id_are_injectable() -> None:
    built = build_message(
        draft(
            date=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=8))),
            message_id="abc@demo.local",
        )
    )
    assert b"Date: Tue, 02 Jan 2024 03:04:05 +0800\r\n" in built.data
    assert b"Message-ID: <abc@demo.local>\r\n" in built.data
    assert build_message(draft()).data == build_message(draft()).data


def test_default_message_id_uses_the_sender_domain() -> None:
    built = build_message(draft(message_id=None, from_="a@mail.example.org"))
    assert re.fullmatch(r"<[^@]+@mail\.example\.org>", built.message_id)


def test_html_alternative_and_text_body() -> None:
    built = build_message(draft(body="plain", html="<p>Hello <b>world</b></p>"))
    message = message_from_bytes(built.data, policy=email_policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert parse_received(built.data).body == "plain\n"


def test_attachments_round_trip_with_guessed_types(tmp_path) -> None:
    text = tmp_path / "报告.txt"
    text.write_text("hello", encoding="utf-8")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)))
    archive = tmp_path / "logs.tar.gz"
    archive.write_bytes(b"\x1f\x8b" + b"\0" * 30)
    built = build_message(draft(body="see attached", attachments=[text, str(binary), archive]))
    assert built.attachments == ("报告.txt", "blob.bin", "logs.tar.gz")
    summary = parse_received(built.data)
    assert summary.body == "see attached\n"
    assert [(a.filename, a.content_type, a.size) for a in summary.attachments] == [
        ("报告.txt", "text/plain", 5),
        ("blob.bin", "application/octet-stream", 256),
        ("logs.tar.gz", "application/gzip", 32),
    ]
    assert built.data.count(b"MIME-Version") == 1
    assert built.data.isascii()


def test_missing_attachment_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(MessageError, match=r"^Attachment: cannot read .*nope\.pdf: No such file"):
        build_message(draft(attachments=[tmp_path / "nope.pdf"]))


def test_dot_leading_lines_are_left_for_the_client_to_stuff() -> None:
    body = ".\n..two\n. space\nend\n"
    built = build_message(draft(body=body))
    assert b"\r\n.\r\n..two\r\n. space\r\n" in built.data
    assert parse_received(built.data).body == body


def test_internationalised_address_needs_smtputf8() -> None:
    built = build_message(draft(from_="Zoë <用户@例子.广告>", to=["b@demo.local"], subject="你好"))
    assert built.needs_smtputf8 and built.eight_bit
    assert "From: Zoë <用户@例子.广告>\r\n".encode() in built.data
    assert "Subject: 你好\r\n".encode() in built.data
    summary = parse_received(built.data, smtputf8=True)
    assert summary.subject == "你好"
    assert summary.defects == ()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "hi\r\nBcc: victim@x.org"),
        ("subject", "hi\nX-Injected: 1"),
        ("from_", "a@demo.local\r\nBcc: v@x.org"),
        ("to", ["b@demo.local\nBcc: v@x.org"]),
        ("cc", ["c@x.org\r"]),
        ("message_id", "<a@b>\r\nX: y"),
    ],
)
def test_line_breaks_in_headers_are_refused(field: str, value: object) -> None:
    with pytest.raises(
        MessageError, match=r"contains a line break \(CR/LF\), which would let it inject"
    ):
        build_message(draft(**{field: value}))


def test_injection_error_names_the_field() -> None:
    with pytest.raises(MessageError) as info:
        build_message(draft(subject="a\r\nb"))
    assert str(info.value) == (
        "Subject: contains a line break (CR/LF), which would let it inject headers"
    )


def test_extra_headers_are_added_or_replace_generated_ones() -> None:
    built = build_message(
        draft(headers=[("X-Test", "1"), ("Subject", "override"), ("X-Test", "2")])
    )
    summary = parse_received(built.data)
    assert summary.subject == "override"
    assert [v for n, v in summary.headers if n == "X-Test"] == ["1", "2"]
    assert built.subject == "override"


@pytest.mark.parametrize(
    ("header", "match"),
    [
        (("Bcc", "x@y.org"), "^Bcc: is never written"),
        (("Content-Type", "text/html"), "^Content-Type: is set by the builder"),
        (("X-Evil", "a\r\nb"), "line break"),
        (("Bad Name", "v"), "field name"),
    ],
)
def test_unsafe_extra_headers_are_refused(header: tuple[str, str], match: str) -> None:
    with pytest.raises(MessageError, match=match):
        build_message(draft(headers=[header]))


def test_recipient_and_sender_are_required() -> None:
    with pytest.raises(MessageError, match=r"^To: at least one recipient"):
        build_message(draft(to=[]))
    with pytest.raises(MessageError, match=r"^From: give exactly one sender"):
        build_message(draft(from_=""))


def test_parse_header_line() -> None:
    assert parse_header_line("X-Foo:  bar baz ") == ("X-Foo", "bar baz")
    assert parse_header_line("X-Empty:") == ("X-Empty", "")
    with pytest.raises(MessageError, match="no colon"):
        parse_header_line("X-Foo bar")
    with pytest.raises(MessageError, match="field name"):
        parse_header_line("X Foo: bar")
    with pytest.raises(MessageError, match="line break"):
        parse_header_line("X-Foo: bar\r\nBcc: x@y")


@pytest.mark.parametrize(
    "addr",
    [
        "a@b.c",
        "<a@b.c>",
        "first.last+tag@sub.example.org",
        '"john doe"@example.org',
        "a@[127.0.0.1]",
        "a@[IPv6:::1]",
        "用户@例子.广告",
        "x@xn--fiqs8s.example",
    ],
)
def test_valid_addresses(addr: str) -> None:
    assert validate_address(addr) == addr.strip("<>")


@pytest.mark.parametrize(
    ("addr", "match"),
    [
        ("", "is empty"),
        ("no-at-sign", "has no @"),
        ("@b.c", "nothing before the @"),
        ("a@", "no domain"),
        ("a b@c.d", "before the @"),
        ("a..b@c.d", "before the @"),
        ("a@-bad-.com", "not a valid domain"),
        ("a@[999.1.1.1]", "not a valid domain"),
        ("x" * 65 + "@c.d", "longer than SMTP allows"),
    ],
)
def test_invalid_addresses_say_what_is_wrong(addr: str, match: str) -> None:
    with pytest.raises(MessageError, match=match):
        validate_address(addr, field="to")


def test_utf8_addresses_can_be_refused() -> None:
    assert is_internationalised("用户@例子.广告") and not is_internationalised("a@b.c")
    with pytest.raises(MessageError, match="SMTPUTF8"):
        validate_address("用户@例子.广告", allow_utf8=False)


def test_parse_mailbox_and_lists() -> None:
    assert parse_mailbox('"Doe, \\"JD\\"" <j@x.org>') == ('Doe, "JD"', "j@x.org")
    assert parse_mailbox("Zoë <z@x.org>") == ("Zoë", "z@x.org")
    assert parse_mailbox("z@x.org") == ("", "z@x.org")
    assert parse_address_list('a@x.org, "B, b" <b@x.org>,, c@x.org') == [
        ("", "a@x.org"),
        ("B, b", "b@x.org"),
        ("", "c@x.org"),
    ]


header_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=200
).filter(lambda s: s.strip() == s and s.strip())


@settings(max_examples=150, deadline=None)
@given(subject=header_text)
def test_any_subject_round_trips(subject: str) -> None:
    built = build_message(draft(subject=subject))
    assert parse_received(built.data).subject == subject
    assert all(len(line) <= 998 for line in built.data.split(b"\r\n"))


@settings(max_examples=150, deadline=None)
@given(
    body=st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=400
    )
)
def test_any_body_round_trips(body: str) -> None:
    built = build_message(draft(body=body), fill_defaults=False)
    received = parse_received(built.data).body
    expected = body if body.endswith("\n") else body + "\n"
    assert received == expected
    assert built.data.isascii()


def test_a_message_error_names_its_field_and_says_it_in_either_language() -> None:
    """The composer places an error by ``exc.field`` and shows ``exc.text(lang)``;
    ``str()`` stays the English sentence scripts and logs see."""
    with pytest.raises(MessageError) as info:
        build_message(draft(to=["friend-at-example.org"]))
    exc = info.value
    assert exc.field == "to"
    assert (
        str(exc)
        == exc.text("en")
        == ("To: 'friend-at-example.org' has no @; an address looks like name@example.com")
    )
    assert exc.text("zh") == (
        "收件人：“friend-at-example.org”没有 @；地址的格式类似 name@example.com"
    )
    with pytest.raises(MessageError) as info:
        build_message(draft(headers=[("Content-Type", "text/html")]))
    assert info.value.field == "headers"
    assert info.value.text("zh").startswith("Content-Type：")  # a header keeps its own name
