"""The flow diagram of real conversations: one arrow per command and reply,
phases, TLS, AUTH decoded and masked, and every arrow on its transcript line."""

from __future__ import annotations

from smtptui.flow.conversation import Phase
from smtptui.flow.diagram import Arrow, FlowBuilder, Mark, build_flow, message_label
from smtptui.protocol import events as ev
from smtptui.transcript import event_lines
from tests.flow.conftest import PASSWORD, PASSWORD_B64, USER


def transcript_lines(events):
    start = events[0].at
    return [line for e in events for line in event_lines(e, start=start)]


def test_one_arrow_per_command_and_per_reply(full_session):
    flow = build_flow(full_session)
    sent = [e for e in full_session if isinstance(e, ev.Sent | ev.DataSent)]
    received = [e for e in full_session if isinstance(e, ev.Received)]
    arrows = flow.arrows
    assert len([a for a in arrows if a.from_client]) == len(sent)
    assert len([a for a in arrows if not a.from_client]) == len(received)
    ehlo_replies = [a for a in arrows if a.code == 250 and a.phase is Phase.EHLO]
    assert len(ehlo_replies) == 2  # before and after TLS, each one arrow
    assert all(len(a.more) >= 6 for a in ehlo_replies)
    assert any("AUTH" in line for line in ehlo_replies[1].more)


def test_phases_follow_the_conversation(full_session):
    phases = []
    for arrow in build_flow(full_session).arrows:
        if not phases or phases[-1] != arrow.phase:
            phases.append(arrow.phase)
    assert phases[:5] == [Phase.GREETING, Phase.EHLO, Phase.STARTTLS, Phase.EHLO, Phase.AUTH]
    assert Phase.ENVELOPE in phases and Phase.DATA in phases and phases[-1] is Phase.QUIT


def test_pipelined_replies_are_paired_with_their_commands(full_session):
    arrows = build_flow(full_session).arrows
    replies = [a for a in arrows if a.kind == "reply" and a.phase in (Phase.ENVELOPE, Phase.DATA)]
    assert [(a.phase, a.code) for a in replies] == [
        (Phase.ENVELOPE, 250),
        (Phase.ENVELOPE, 250),
        (Phase.DATA, 354),
        (Phase.DATA, 250),
    ]
    message = next(a for a in arrows if a.kind == "message")
    assert message.nbytes and message.ended and message.count >= 2


def test_the_message_size_shown_is_the_size_mail_from_declared(full_session):
    """Not the wire bytes (the final "." line and the doubled dot are the
    protocol's, not the message's): a learner compares it with SIZE=."""
    mail = next(
        e for e in full_session if isinstance(e, ev.Sent) and e.text.startswith("MAIL FROM")
    )
    declared = int(mail.text.split("SIZE=")[1].split()[0])
    message = next(a for a in build_flow(full_session).arrows if a.kind == "message")
    wire = next(e for e in full_session if isinstance(e, ev.DataSent))
    assert b"\r\n..two" in wire.payload  # the case that matters is really there
    assert message.nbytes == declared < wire.nbytes
    assert f"{declared:,} bytes" in message_label(message, "en")


def test_the_tls_boundary_is_the_handshake(full_session):
    items = build_flow(full_session).items
    handshake = next(
        i for i, item in enumerate(items) if isinstance(item, Mark) and item.kind == "tls"
    )
    assert "TLSv1" in items[handshake].text
    before = [i for i in items[:handshake] if isinstance(i, Arrow)]
    after = [i for i in items[handshake + 1 :] if isinstance(i, Arrow)]
    assert before and not any(a.tls for a in before)
    assert after and all(a.tls for a in after)
    assert before[-1].text.startswith("220") and before[-2].text == "STARTTLS"


def test_auth_is_decoded_and_the_secret_never_shown(full_session):
    for redact in (False, True):
        arrows = [
            a for a in build_flow(full_session, redact=redact).arrows if a.phase is Phase.AUTH
        ]
        shown = "\n".join(a.label() for a in arrows)
        assert "« Username: »" in shown and "« Password: »" in shown
        assert PASSWORD not in shown and PASSWORD_B64 not in shown
        assert (USER in shown) is (not redact)
        assert arrows[-1].code == 235 and arrows[-1].reply_class == "2xx"


def test_replies_carry_their_latency_and_class(full_session):
    replies = [a for a in build_flow(full_session).arrows if a.sender == "server"]
    assert all(a.latency_ms is not None and a.latency_ms >= 0 for a in replies)
    assert {a.reply_class for a in replies} == {"2xx", "3xx"}


def test_every_item_sits_on_its_transcript_line(full_session, typed_session):
    for events in (full_session, typed_session):
        lines = transcript_lines(events)
        flow = build_flow(events)
        for item in flow.items:
            line = lines[item.line]
            assert line.source is None or line.source is events[item.event]
            if isinstance(item, Arrow) and item.kind != "message":
                assert line.text == item.text, item
            assert flow.index_of_line(item.line) == flow.items.index(item)
        # a line inside a multi-line reply belongs to that reply's arrow
        ehlo = next(a for a in flow.arrows if a.code == 250 and a.more)
        assert flow.items[flow.index_of_line(ehlo.line + 3)] is ehlo


def test_a_message_typed_by_hand_is_one_arrow(typed_session):
    arrows = build_flow(typed_session).arrows
    (message,) = [a for a in arrows if a.kind == "message"]
    assert message.count == 3 and message.ended and message.more[-1] == "."
    assert "3" in message.label("en") and "3" in message.label("zh")
    after = arrows[arrows.index(message) + 1]
    assert after.code == 250 and after.phase is Phase.DATA


def test_an_out_of_sequence_command_is_flagged(typed_session):
    arrows = build_flow(typed_session).arrows
    flagged = [a for a in arrows if a.out_of_sequence]
    assert [a.code for a in flagged] == [503]
    assert arrows[arrows.index(flagged[0]) - 1].text == "RCPT TO:<b@demo.local>"


def test_feeding_live_gives_the_same_diagram_as_building_at_once(full_session):
    builder = FlowBuilder()
    for event in full_session:
        builder.feed(event)
    assert builder.flow.items == build_flow(full_session).items
    assert builder.lines == len(transcript_lines(full_session))
