"""Whatever a server sends or a learner types, the reference answers — it never
raises anything but the documented ``InputError`` for unreadable input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from smtptui.protocol.reply import Reply
from smtptui.reference import ExplainContext, InputError, SessionState, State, explain, reply
from smtptui.reference.commands import command_names

codes = st.integers(min_value=100, max_value=599)
texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=80
)
commands = st.one_of(
    st.none(),
    st.sampled_from([*command_names(), ".", "*", "connect", "MAIL FROM:<a@b.c>", "AUTH LOGIN"]),
    texts,
)
langs = st.sampled_from(["en", "zh"])


def _reply(code: int, text: str) -> Reply:
    return reply(f"{code} {text}".rstrip())


@settings(max_examples=300, deadline=None)
@given(codes, texts, commands, st.sampled_from([None, "smtp.qq.com", "smtp.gmail.com"]), langs)
def test_explain_answers_every_reply(code, text, command, host, lang):
    e = explain(_reply(code, text), ExplainContext(command=command, host=host), lang)
    assert e.code == code and e.title and e.explanation and e.rfc
    assert len(e.structure) == 3
    e.to_dict()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_explain_input_is_either_understood_or_one_input_error(value):
    try:
        e = explain(value)
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert e.title


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(commands, codes, texts), max_size=25), langs)
def test_state_machine_follows_any_conversation(steps, lang):
    state = SessionState()
    for command, code, text in steps:
        if state.state is State.TLS_HANDSHAKE:
            state = state.after_tls()
        if command is not None:
            x = state.expect(command)
            assert x.message(lang) and x.label(lang)
        state = state.after(command, _reply(code, text))
        assert state.describe(lang)
        assert isinstance(state.legal_commands(), tuple)
        assert state.recipients >= 0
