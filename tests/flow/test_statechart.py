"""The state-machine diagram: its edges come from the reference state machine,
and a live conversation lights the current state, the legal edges, the last
transition and a command that has no edge."""

from __future__ import annotations

from smtptui.flow.conversation import Conversation
from smtptui.flow.statechart import Edge, chart, derive_edges
from smtptui.reference.states import SessionState, State

S = State


def test_the_rfc_5321_path_and_its_side_roads_are_edges():
    edges = {(e.source, e.token): e.target for e in derive_edges()}
    assert edges[(S.CONNECTED, "EHLO")] is S.GREETED
    assert edges[(S.CONNECTED, "HELO")] is S.GREETED
    assert edges[(S.GREETED, "MAIL")] is S.MAIL
    assert edges[(S.MAIL, "RCPT")] is S.RCPT
    assert edges[(S.RCPT, "RCPT")] is S.RCPT
    assert edges[(S.RCPT, "DATA")] is S.DATA
    assert edges[(S.DATA, ".")] is S.GREETED
    assert edges[(S.GREETED, "STARTTLS")] is S.TLS_HANDSHAKE
    assert edges[(S.TLS_HANDSHAKE, "handshake")] is S.CONNECTED  # EHLO again after TLS
    assert edges[(S.GREETED, "AUTH")] is S.AUTH
    assert edges[(S.AUTH, "235")] is S.GREETED
    for source in (S.MAIL, S.RCPT):
        assert edges[(source, "RSET")] is S.GREETED
    for source in (S.CONNECTED, S.GREETED, S.MAIL, S.RCPT):
        assert edges[(source, "QUIT")] is S.CLOSED
    # and what the protocol does not allow is not there
    assert (S.CONNECTED, "MAIL") not in edges and (S.GREETED, "RCPT") not in edges
    assert (S.MAIL, "DATA") not in edges and (S.DATA, "QUIT") not in edges


def test_edges_agree_with_the_state_machine():
    for edge in derive_edges():
        if edge.token in ("handshake", "235"):
            continue
        assert isinstance(edge, Edge)
        assert edge.token in _legal_in(edge.source)


def _legal_in(state: State) -> tuple[str, ...]:
    examples = {
        S.CONNECTED: SessionState(state=S.CONNECTED),
        S.GREETED: SessionState(state=S.GREETED, esmtp=True),
        S.AUTH: SessionState(state=S.AUTH, resume=S.GREETED),
        S.MAIL: SessionState(state=S.MAIL),
        S.RCPT: SessionState(state=S.RCPT),
        S.DATA: SessionState(state=S.DATA),
    }
    return examples[state].legal_commands()


def lit(events, upto: int | None = None):
    conversation = Conversation()
    for event in events[:upto]:
        conversation.feed(event)
    return chart(conversation.state, conversation.transitions, conversation.exchanges)


def test_a_live_session_lights_where_it_is(typed_session):
    # after the greeting: connected, EHLO/HELO/QUIT are the ways on
    first = lit(typed_session, 3)
    assert first.current is S.CONNECTED
    assert first.legal == {(S.CONNECTED, "EHLO"), (S.CONNECTED, "HELO"), (S.CONNECTED, "QUIT")}
    assert set(first.stays) == {"NOOP", "HELP"}
    assert first.missing is None


def test_an_out_of_sequence_command_is_an_edge_that_is_not_there(typed_session):
    # the typed session sends RCPT right after EHLO: the 503 lesson
    conversation = Conversation()
    charts = []
    for event in typed_session:
        if conversation.feed(event) is not None:
            charts.append(
                chart(conversation.state, conversation.transitions, conversation.exchanges)
            )
    after_ehlo, after_rcpt, after_mail = charts[1], charts[2], charts[3]
    assert after_ehlo.current is S.GREETED and after_ehlo.last == (S.CONNECTED, "EHLO")
    assert (S.GREETED, "MAIL") in after_ehlo.legal
    assert after_rcpt.current is S.GREETED
    assert after_rcpt.missing is not None
    assert (after_rcpt.missing.source, after_rcpt.missing.verb, after_rcpt.missing.code) == (
        S.GREETED,
        "RCPT",
        503,
    )
    assert after_mail.missing is None and after_mail.last == (S.GREETED, "MAIL")
    final = charts[-1]
    assert final.current is S.CLOSED and final.legal == frozenset()
    assert final.last == (S.GREETED, "QUIT")


def test_tls_handshake_and_auth_are_transitions(full_session):
    conversation = Conversation()
    tokens = []
    for event in full_session:
        conversation.feed(event)
        if conversation.transitions and (
            not tokens or tokens[-1] is not conversation.transitions[-1]
        ):
            tokens.append(conversation.transitions[-1])
    names = [(t.source, t.token, t.target) for t in tokens]
    assert (S.GREETED, "STARTTLS", S.TLS_HANDSHAKE) in names
    assert (S.TLS_HANDSHAKE, "handshake", S.CONNECTED) in names
    assert (S.GREETED, "AUTH", S.AUTH) in names
    assert (S.AUTH, "235", S.GREETED) in names
