"""The Mermaid and plain-text exports, validated structurally: a header, two
participants, one message per arrow, a note per mark, the TLS band balanced,
and every character Mermaid would misread written as an entity code."""

from __future__ import annotations

import html
import re

import pytest

from smtptui.flow.diagram import build_flow
from smtptui.flow.export import export_mermaid, export_plain, mermaid, mermaid_text, plain_text
from smtptui.protocol import events as ev
from smtptui.reference.transcript import reply
from tests.flow.conftest import PASSWORD, PASSWORD_B64, USER

MESSAGE = re.compile(r"^ *(C->>S|S-->>C|S--xC): (.+)$")
NOTE = re.compile(r"^ *Note over C,S: (.+)$")
PARTICIPANT = re.compile(r"^    participant (C|S) as ([^#;\n]+)$")


def parse(diagram: str) -> dict:
    """A small reader of the subset of Mermaid the export writes; fails on
    anything else, so the export cannot drift into syntax it never meant."""
    lines = diagram.splitlines()
    assert lines[0] == "sequenceDiagram"
    out = {"participants": [], "messages": [], "notes": [], "rects": 0}
    depth = 0
    for line in lines[1:]:
        if m := PARTICIPANT.match(line):
            assert not out["messages"], "participants come first"
            out["participants"].append(m.group(1))
        elif m := MESSAGE.match(line):
            out["messages"].append((m.group(1), m.group(2)))
        elif m := NOTE.match(line):
            out["notes"].append(m.group(1))
        elif line.strip().startswith("rect rgba("):
            depth += 1
            out["rects"] += 1
            assert depth == 1
        elif line.strip() == "end":
            depth -= 1
            assert depth == 0
        else:
            raise AssertionError(f"unexpected line {line!r}")
    assert depth == 0
    for _, text in out["messages"] + [(None, n) for n in out["notes"]]:
        # what Mermaid's lexer would cut a message at, or read as HTML or a directive
        bare = re.sub(r"#\d+;", "", text)
        assert not set(bare) & set("#;<>&{}"), text
        assert "%%" not in bare and text.strip()
        assert not re.match(r"(?:no)?wrap:", text, re.I)
        assert not re.search(r"style.*:\S*#.*;", text) and "classDef" not in text
    return out


def decode(text: str) -> str:
    """What Mermaid draws for a message: its entity codes decoded."""
    return html.unescape(re.sub(r"#(\d+);", r"&#\1;", text))


def test_a_real_session_is_one_message_per_arrow(full_session):
    flow = build_flow(full_session, redact=True)
    parsed = parse(mermaid(flow))
    assert parsed["participants"] == ["C", "S"]
    assert len(parsed["messages"]) == len(flow.arrows)
    assert len(parsed["notes"]) == len(flow.items) - len(flow.arrows)
    assert parsed["rects"] == 1  # the TLS band, from the handshake on
    directions = [d for d, _ in parsed["messages"]]
    assert directions == [("C->>S" if a.from_client else "S-->>C") for a in flow.arrows]
    first = decode(parsed["messages"][0][1])
    assert first.startswith("220 ") and "ms)" in first
    assert decode(parsed["messages"][1][1]).startswith("EHLO ")


def test_addresses_survive_as_entities(full_session):
    parsed = parse(mermaid(build_flow(full_session)))
    mails = [decode(text) for _, text in parsed["messages"] if "MAIL FROM" in decode(text)]
    assert mails and mails[0].startswith("MAIL FROM:<a@demo.local>")


def test_a_refusal_is_a_crossed_arrow(typed_session):
    parsed = parse(mermaid(build_flow(typed_session)))
    crossed = [decode(text) for d, text in parsed["messages"] if d == "S--xC"]
    assert len(crossed) == 1 and crossed[0].startswith("503 ")


def test_exports_are_redacted_like_the_transcript_export(full_session):
    for text in (export_mermaid(full_session), export_plain(full_session)):
        assert USER not in text and PASSWORD not in text and PASSWORD_B64 not in text
        assert "Username:" in text
    unredacted = export_plain(full_session, redact=False)
    assert USER in unredacted and PASSWORD not in unredacted and PASSWORD_B64 not in unredacted


def hostile_events(text: str) -> list[ev.Event]:
    return [
        ev.Connecting(host="mx.example", port=25, security="plain", at=1.0),
        ev.Received(reply=reply("220 mx.example ESMTP"), at=1.1, elapsed_ms=1.0),
        ev.Sent(text=text, at=1.2),
        ev.Received(reply=reply(f"250 {text}"), at=1.3, elapsed_ms=2.0),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "NOOP a;b # c %%{init: {}}%% <b>bold</b> & more",
        "wrap: takes the prefix",
        "nowrap:too",
        "style: #59; stays",
        "classDef x: #ff0000;",
        "end",
        "participant X as Y",
        "中文 主题；＃",
        "\\x00 escaped control",
    ],
)
def test_text_mermaid_would_misread_is_escaped(text):
    parsed = parse(export_mermaid(hostile_events(text)))
    assert len(parsed["messages"]) == 3
    assert decode(parsed["messages"][1][1]) == " ".join(text.split())


def test_an_empty_line_is_still_a_message():
    assert mermaid_text("") == '""' and mermaid_text("   ") == '""'
    events = hostile_events("x")
    events[2] = ev.Sent(text="", kind="auth", at=1.2)
    parse(export_mermaid(events))


def test_participants_name_the_server_in_each_language(full_session):
    flow = build_flow(full_session)
    for lang, word in (("en", "Server"), ("zh", "服务器")):
        lines = mermaid(flow, lang=lang).splitlines()
        assert lines[2].startswith(f"    participant S as {word} 127.0.0.1:")


def test_plain_text_has_a_row_per_item_and_marks_tls(full_session):
    flow = build_flow(full_session)
    text = plain_text(flow, lang="en")
    rows = text.splitlines()[3:]
    assert len(rows) == len(flow.items)
    assert any("C ~~> S  EHLO" in row for row in rows)
    assert any("C --> S  STARTTLS" in row for row in rows)
    assert any(row.lstrip().startswith("======= TLS TLSv1") for row in rows)
    zh = plain_text(flow, lang="zh")
    assert "欢迎信息" in zh and "信封" in zh


def test_the_readme_example_is_what_the_export_writes():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```mermaid\n")[1].split("```")[0]
    parsed = parse(block)
    assert parsed["participants"] == ["C", "S"] and parsed["rects"] == 1
    assert "Username:" in block and "ZGVtbw==" not in block
