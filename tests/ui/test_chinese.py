"""The whole dashboard in Chinese: every screen a learner can open, read as it
is drawn, holds no English word of ours.

What may stay in Latin letters is listed in :data:`PROTOCOL` (SMTP verbs,
extension keywords, header names, units, key names, brand names) and, per
test, the data on screen: the profiles' names and hosts, what the server said
(its replies are protocol text), the AUTH lines computed.  The transcript and
the DATA bytes are the wire itself and are not read; neither is text a person
typed (an input's value), only the placeholder shown while it is empty.
Notifications are recorded as the app raises them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from rich.text import Text
from textual.content import Content
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from smtptui.i18n import t
from smtptui.profiles import Profile, ProfileStore
from smtptui.protocol import events as ev
from smtptui.protocol.capabilities import EXTENSIONS
from smtptui.ui.app import SmtpTuiApp
from smtptui.ui.screens.preview import DataView
from smtptui.ui.widgets.transcript_view import TranscriptView
from tests.ui.waiting import wait_until as _wait_until

SIZE = (160, 56)  # tall enough for the whole profile form

#: Tokens that are the same in every language, compared as written.
PROTOCOL = {
    # SMTP verbs and words of the protocol, upper case as on the wire
    *("HELO", "EHLO", "STARTTLS", "AUTH", "MAIL", "FROM", "RCPT", "TO", "DATA", "BDAT"),
    *("RSET", "NOOP", "VRFY", "EXPN", "HELP", "QUIT", "CONNECT", "ESMTP", "SMTP", "SIZE"),
    *("LIMITS", "BODY", "PLAIN", "LOGIN", "NUL", "CRLF", "CR", "LF"),
    *(e.keyword for e in EXTENSIONS),
    # header names, as a message carries them
    *("From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "Reply-To", "MIME-Version"),
    *("Content-Type", "Content-Transfer-Encoding", "X-Test"),
    # security, formats, networks, standards
    *("TLS", "SSL", "CA", "PEM", "DANE", "OCSP", "SNI", "ALPN", "RFC", "DNS", "MX", "IP"),
    *("MTA-STS", "TLS-RPT"),  # RFC 8461 and RFC 8460, named as they are
    *("TCP", "ASCII", "UTF", "HTML", "JSON", "Markdown", "OSC", "RSA", "EC", "DSA", "OpenSSL"),
    "base",  # "base64" is cut at its digits
    # AUTH LOGIN's challenges, as servers send them (base64 of these words)
    *("Username", "Password"),
    # units, key names, programs and brands
    *("ms", "KiB", "MiB", "GiB", "Esc", "Enter", "Tab", "PgUp", "PgDn", "Del", "Home", "End"),
    *(
        "smtptui",
        "swaks",
        "telnet",
        "SSH",
        "README",
        "Postfix",
        "Gmail",
        "QQ",
        "Outlook",
        "Mermaid",
        "sequenceDiagram",
        "GitHub",
        "GitLab",
    ),
    "English",  # the language's own name on the language key: English / 中文
}
#: The same, in any letter case (key names in the footer, lower-case verbs in examples).
ANY_CASE = {
    *("ehlo", "helo", "starttls", "auth", "rcpt", "rset", "noop", "vrfy", "expn", "bdat"),
    *("quit", "smtp", "esmtp", "tls", "dns"),
    *("escape", "esc", "enter", "space", "tab", "ctrl", "shift"),
}
#: Not UI words: TOML in Chinese sentences, table names (``[auth] 登录``) and
#: keys or snippets in backticks (`` `port = 2525` ``), written as in the file;
#: and an official English name after its translation in full-width brackets,
#: as Chinese references give them (``其他或未定义的安全状态（Other or undefined
#: security status）``, the IANA registry's words).
_TOML = re.compile(r"\[[a-z_]+\]|`[^`]*`|（[ -~]+）")
_SPLIT = re.compile(
    r"[\s\u2000-\u206f\u2190-\u21ff\u2500-\u27bf\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
    r",;()\[\]{}\"'!?|*«»✓✗⚠◆●○◌◐✉▲▼▁▂▃▄▅▆▇█▔▏▐▌]+"
)
#: Addresses, hosts, paths, versions, numbers, key combinations: data and tokens.
_NOT_A_WORD = re.compile(r"[@/~\\=_#<>+\d^$%&]|\w\.\w|:\w")
_LETTERS = re.compile(r"[A-Za-z]")


def words_in(text: str) -> set[str]:
    """Latin-letter words of ``text`` (a word cut out of an address, a path or
    a host is not a word)."""
    found = set()
    for chunk in _SPLIT.split(_TOML.sub(" ", text)):
        word = chunk.strip(".:…—-")
        if len(word) < 2 or not _LETTERS.search(word) or _NOT_A_WORD.search(word):
            continue
        found.add(word)
    return found


def english(text: str, data: set[str]) -> set[str]:
    """The words of ``text`` that are neither protocol tokens nor data."""
    return {
        w
        for w in words_in(text)
        if w not in PROTOCOL and w.lower() not in ANY_CASE and w not in data
    }


def data_words(values: Iterable[str | None]) -> set[str]:
    words: set[str] = set()
    for value in values:
        if value:
            words.update(_SPLIT.split(value))
    return {w.strip(".:…—-") for w in words}


def _shown(widget: Widget) -> bool:
    node: Widget | None = widget
    while isinstance(node, Widget) and not isinstance(node, Screen):
        if not node.display or not node.visible:
            return False
        node = node.parent  # type: ignore[assignment]
    return widget.outer_size.area > 0


def _user_text(widget: Widget) -> bool:
    if isinstance(widget, Input):
        return bool(widget.value)
    if isinstance(widget, TextArea):
        return bool(widget.text)
    return False


#: Widgets that show the wire, not the UI: the transcript (with its English
#: ``===`` notes, like swaks' output) and the DATA bytes; and the text of a
#: message received (headers, body, raw source) or exported.
WIRE = (TranscriptView, DataView)
WIRE_IDS = {"export-preview", "inbox-headers", "inbox-body", "inbox-raw", "inbox-attachments"}


def _text_of(widget: Widget) -> str:
    """What ``widget`` shows: a text widget's whole text (unwrapped, so a word
    folded at the edge is still one word), anything else as drawn."""
    if isinstance(widget, Static):
        shown = widget.render()
        if isinstance(shown, str | Text | Content):
            return str(shown) if not isinstance(shown, Text) else shown.plain
    size = widget.outer_size
    return "\n".join(s.text for s in widget.render_lines(Region(0, 0, size.width, size.height)))


#: English words a widget may still draw in Chinese, by widget class (or
#: class#id), while its owner translates them — none today.
PENDING: dict[str, set[str]] = {}


def screen_english(screen: Screen, data: set[str]) -> dict[str, set[str]]:
    """Every widget of ``screen`` that shows an English word: ``{widget: words}``."""
    problems: dict[str, set[str]] = {}
    for widget in screen.walk_children(Widget):
        if isinstance(widget, WIRE) or widget.id in WIRE_IDS or _user_text(widget):
            continue
        if not _shown(widget):
            continue
        text = _text_of(widget)
        if isinstance(widget.tooltip, str):
            text += "\n" + widget.tooltip
        name = f"{type(widget).__name__}#{widget.id}"
        found = english(text, data) - PENDING.get(type(widget).__name__, set())
        found -= PENDING.get(name, set())
        if found:
            problems[name] = found
    return problems


class RecordingApp(SmtpTuiApp):
    """The real app, keeping every notification it raises (tests run headless,
    where Textual draws no toasts)."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.notes: list[str] = []

    def notify(self, message, *, title="", **kw):  # type: ignore[override]
        self.notes.append(f"{title}: {message}" if title else str(message))
        return super().notify(message, title=title, **kw)


async def wait_until(pilot, predicate, timeout: float = 15.0) -> None:
    await _wait_until(pilot, predicate, timeout)


async def ready(pilot) -> None:
    app = pilot.app
    await wait_until(
        pilot, lambda: app.panes.composer is not None and app.panes.session is not None
    )
    await pilot.pause()


async def screen_of(pilot, name: str) -> Screen:
    await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == name)
    await pilot.pause()
    return pilot.app.screen


def server_words(app: SmtpTuiApp) -> set[str]:
    """What the servers said in every session so far (protocol text)."""
    said = [
        line
        for controller in app.workspace.sessions.values()
        for event in controller.transcript.events
        if isinstance(event, ev.Received)
        for line in event.reply.lines
    ]
    return data_words(said)


def profile_words(app: SmtpTuiApp) -> set[str]:
    return data_words(
        value
        for p in app.workspace.profiles
        for value in (p.name, p.host, *p.tags, p.auth.username)
    )


class Reader:
    """Reads each screen as it is opened and collects what is still English."""

    def __init__(self, app: RecordingApp) -> None:
        self.app = app
        self.found: dict[str, dict[str, set[str]]] = {}
        self.extra: set[str] = set()

    def read(self, label: str) -> None:
        data = profile_words(self.app) | server_words(self.app) | self.extra
        problems = screen_english(self.app.screen, data)
        notes = {w for note in self.app.notes for w in english(note, data)}
        if notes:
            problems["notifications"] = notes
        if problems:
            self.found[label] = problems

    def assert_all_chinese(self) -> None:
        report = "\n".join(
            f"{label}: {widget}: {sorted(words)}"
            for label, problems in self.found.items()
            for widget, words in problems.items()
        )
        assert not self.found, "English left on screen:\n" + report


def test_the_word_finder_finds_english_and_spares_protocol_and_data():
    """The test's own eyes: a sentence of ours is caught, protocol is not."""
    assert english("已连接 — press enter to connect", set()) == {"press", "to", "connect"}
    assert english("按回车连接press", set()) == {"press"}
    assert english("已接受 · built-in · starttls", set()) == {"built-in"}
    assert english("MAIL FROM:<a@example.com> 250 2.1.0 Ok", {"Ok"}) == set()
    assert english("~/report.pdf 12 KiB · TLSv1.3 · demo.local · f5 发送", set()) == set()
    assert english("[auth] 登录 · X-Test: 1 · Subject · `port` 必须是数字", set()) == set()
    assert english("from the server", set()) == {"from", "the", "server"}
    assert english("其他或未定义的安全状态（Other or undefined security status）", set()) == set()
    assert english("（未定义 undefined）", set()) == {"undefined"}


# ----------------------------------------------------------------- flows


def _save_asking_profile() -> None:
    """A profile on the built-in server whose password is asked for."""
    ProfileStore().save(
        Profile.from_toml(
            'name = "asks"\nhost = "127.0.0.1"\nbuiltin_server = true\nsecurity = "starttls"\n'
            '[auth]\nmechanism = "login"\nusername = "demo"\npassword = { source = "prompt" }\n'
            '[message]\nfrom = "demo@demo.local"\nto = ["friend@demo.local"]\n'
            'subject = "你好"\nbody = "这是一封测试邮件。"\n'
        )
    )


async def test_the_main_screen_forms_and_dialogs_are_chinese():
    _save_asking_profile()
    app = RecordingApp(lang="zh", profile_name="asks")
    reader = Reader(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        reader.read("main screen")

        await pilot.press("n")
        form = await screen_of(pilot, "ProfileFormScreen")
        reader.read("new profile form")
        form.query_one("#pf-auth-mechanism").value = "login"
        await pilot.pause()
        form.query_one("#pf-auth-password-source").value = "plain"
        await pilot.pause()
        reader.read("new profile form, plain password")
        await pilot.press("escape")
        await screen_of(pilot, "ConfirmScreen")
        reader.read("discard the new profile?")
        await pilot.press("y")

        await pilot.pause()
        await pilot.press("e")
        await screen_of(pilot, "ProfileFormScreen")
        reader.read("edit profile form")
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("delete")
        await screen_of(pilot, "ConfirmScreen")
        reader.read("delete profile?")
        await pilot.press("escape")

        await pilot.press("f1")
        await screen_of(pilot, "HelpScreen")
        reader.read("help")
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("enter")
        await screen_of(pilot, "PasswordScreen")
        reader.read("password prompt")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.workspace.sessions["asks"].status == "connected")
        await pilot.pause()
        reader.read("connected without AUTH")

        app.action_auth_helper()
        helper = await screen_of(pilot, "AuthHelperScreen")
        reader.extra = data_words(helper.lines.values())
        reader.read("AUTH helper")
        await pilot.press("escape")
    reader.assert_all_chinese()


async def test_sending_with_the_demo_and_its_screens_are_chinese():
    app = RecordingApp(lang="zh")
    reader = Reader(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("i")
        await screen_of(pilot, "InboxScreen")
        reader.read("inbox before the demo server runs")
        await pilot.press("escape")

        await pilot.press("enter")
        await wait_until(pilot, lambda: app.workspace.sessions["demo"].status == "connected")
        await pilot.pause()
        reader.read("connected to the demo")
        await pilot.press("i")
        await screen_of(pilot, "InboxScreen")
        reader.read("inbox, nothing received yet")
        await pilot.press("escape")

        composer = app.panes.composer
        composer.query_one("#composer-subject", Input).value = "你好"
        composer.query_one("#composer-body", TextArea).text = "这是一封测试邮件。\n.一行以点开头"
        composer.query_one("#composer-attachments", Input).value = "/no/such/file.pdf"
        composer.validate_now()
        await pilot.pause()
        reader.read("composer with a missing attachment")
        composer.query_one("#composer-attachments", Input).value = ""
        composer.validate_now()

        composer.action_preview()
        await screen_of(pilot, "PreviewScreen")
        reader.read("DATA preview")
        await pilot.press("y")
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("f5")
        await wait_until(pilot, lambda: bool(app.workspace.builtin.server.messages))
        await wait_until(pilot, lambda: app.workspace.sessions["demo"].status == "connected")
        await pilot.pause()
        reader.read("sent")

        await pilot.press("i")
        await screen_of(pilot, "InboxScreen")
        reader.read("inbox with the message")
        await pilot.press("r")
        await pilot.pause()
        reader.read("inbox, raw source")
        await pilot.press("y")
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("x")
        await screen_of(pilot, "ExportScreen")
        reader.read("export")
        await pilot.press("f3")
        await pilot.pause()
        reader.read("export copied")

        # The TLS view of the demo server's certificate (it opens from no key
        # yet: shown as any caller would show it).
        from smtptui.inspection.report import inspect_tls
        from smtptui.protocol.config import SessionConfig
        from smtptui.ui.screens.tls_view import TlsViewScreen

        port = app.workspace.builtin.server.port
        report = await inspect_tls(SessionConfig(host="127.0.0.1", port=port, timeout=10))
        reader.extra = data_words(
            value
            for cert in report.chain.certs
            for value in (cert.subject, cert.issuer, *cert.sans, report.verification.detail)
        )
        await app.push_screen(TlsViewScreen(report, lang="zh"))
        await screen_of(pilot, "TlsViewScreen")
        reader.read("TLS view")
    reader.assert_all_chinese()


PASSWORD_ENV = "CHINESE_TEST_PW"


@pytest.fixture
async def three_servers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A server that logs in, one that refuses at the greeting, one whose
    certificate has expired; a profile for each."""
    from tests.fleet.servers import Certificates, Servers, profile_for, server_config

    monkeypatch.setenv(PASSWORD_ENV, "demo")
    certs = Certificates(tmp_path)
    configs = {
        "mx-ok": server_config(certs.valid()),
        "mx-refusing": server_config(certs.valid(), refuse_greeting=True),
        "mx-expired": server_config(certs.expired()),
    }
    async with Servers(list(configs.values())) as servers:
        store = ProfileStore()
        for name, server in zip(configs, servers, strict=True):
            store.save(
                profile_for(
                    name,
                    server,
                    ca_file=certs.ca_file,
                    login=name == "mx-ok",
                    password_env=PASSWORD_ENV,
                )
            )
        yield list(configs)


async def test_the_fleet_view_and_the_comparison_are_chinese(three_servers):
    from smtptui.ui.screens.dashboard import DashboardScreen

    app = RecordingApp(lang="zh")
    reader = Reader(app)

    def result_words(screen: DashboardScreen) -> set[str]:
        """What the checks found: the servers' greetings and replies, the
        certificates' names, OpenSSL's verdict, and the engine's sentence for
        a failure (``smtptui.protocol`` imports nothing but itself, so it has no
        catalogue: its errors are English in every language, see the README)."""
        said = []
        for row in screen.rows.values():
            result = row.result
            if result is None:
                continue
            said += [result.greeting, result.error]
            if result.reply is not None:
                said.extend(result.reply.lines)
            if result.tls is not None:
                said += [result.tls.subject, result.tls.issuer, result.tls.verify_error]
        return data_words(said)

    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("h")
        screen = await screen_of(pilot, "DashboardScreen")
        assert isinstance(screen, DashboardScreen)
        await wait_until(pilot, lambda: not any(r.busy for r in screen.rows.values()))
        await pilot.pause()
        reader.extra = result_words(screen)
        for name in ("mx-ok", "mx-refusing", "mx-expired", "demo"):
            screen.table.move_cursor(row=screen.table.get_row_index(name))
            await pilot.pause()
            reader.read(f"fleet view, {name} highlighted")

        screen.table.move_cursor(row=screen.table.get_row_index("mx-ok"))
        await pilot.press("x")
        await screen_of(pilot, "SwaksScreen")
        reader.read("the same with swaks")
        await pilot.press("escape")
        await screen_of(pilot, "DashboardScreen")

        await pilot.press("s")  # sort by the next column
        await pilot.press("c")  # no earlier check of this row
        await pilot.pause()
        screen.table.move_cursor(row=screen.table.get_row_index("mx-ok"))
        await pilot.press("space")
        screen.table.move_cursor(row=screen.table.get_row_index("mx-expired"))
        await pilot.press("space")
        await pilot.press("c")
        await screen_of(pilot, "CompareScreen")
        reader.extra = result_words(screen)
        reader.read("two profiles compared")
        await pilot.press("d")
        await pilot.pause()
        reader.read("differences only")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r")
        await pilot.press("escape")  # cancels the check that runs
        await pilot.pause()
        reader.read("fleet view after a cancelled check")
    reader.assert_all_chinese()


async def test_pressing_l_turns_the_dashboard_and_the_fleet_view_chinese(three_servers):
    """A learner starts in English and presses ``l``: the dashboard, and the
    fleet view (opened before or after), are Chinese; ``l`` again, English."""
    from smtptui.ui.screens.dashboard import DashboardScreen

    app = RecordingApp(lang="en")
    reader = Reader(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("h")
        screen = await screen_of(pilot, "DashboardScreen")
        assert isinstance(screen, DashboardScreen)
        await wait_until(pilot, lambda: not any(r.busy for r in screen.rows.values()))
        assert screen.title == "Fleet health"
        app.notes.clear()
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "zh" and screen.title == t("fleet.title", "zh")
        reader.extra = data_words(
            r.result.error for r in screen.rows.values() if r.result is not None
        ) | data_words(
            value
            for r in screen.rows.values()
            if r.result is not None and r.result.tls is not None
            for value in (r.result.tls.subject, r.result.tls.issuer, r.result.tls.verify_error)
        )
        reader.read("fleet view after l")
        await pilot.press("escape")
        await pilot.pause()
        reader.read("the dashboard after l")
        assert app.profiles_pane.border_title == t("pane.profiles.title", "zh")
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "en"
        assert t("pane.composer.title", "en") == app.panes.composer.border_title
        assert app.profiles_pane.border_title == "Profiles"
    reader.assert_all_chinese()
