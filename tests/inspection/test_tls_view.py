"""The TUI's TLS view, driven with Textual's Pilot on a report gathered from
the built-in server: the chain and verdict shown, ``l`` switches to Chinese,
``p`` shows the PEM, ``escape`` closes."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Label

from smtptui.inspection.report import inspect_tls
from smtptui.inspection.scan import scan
from smtptui.protocol.config import SessionConfig, TlsConfig
from smtptui.ui.screens.tls_view import TlsViewScreen

from .conftest import MX_NAME


class _Host(App[None]):
    def __init__(self, screen: TlsViewScreen) -> None:
        super().__init__()
        self._view = screen

    def on_mount(self) -> None:
        self.push_screen(self._view)


def _body(app: App) -> str:
    return str(app.screen.query_one("#tls-body").render())


async def _valid_server(chains, serve) -> SessionConfig:
    """A STARTTLS server with a valid chain, and how to reach it."""
    server = await serve(*chains.leaf("valid"))
    return SessionConfig(
        host="127.0.0.1",
        port=server.port,
        security="starttls",
        timeout=10,
        tls=TlsConfig(ca_file=chains.ca_file(), server_hostname=MX_NAME),
    )


async def test_the_tls_view_shows_chain_verdict_and_scan_in_two_languages(chains, serve):
    cfg = await _valid_server(chains, serve)
    report = await inspect_tls(cfg)
    scanned = await scan(cfg)
    app = _Host(TlsViewScreen(report, lang="en", scan=scanned))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TlsViewScreen)
        body = _body(app)
        assert f"TLS of 127.0.0.1:{cfg.port}" in str(
            app.screen.query_one("#tls-title", Label).render()
        )
        assert "verified: the chain leads to" in body and "#2 " in body
        assert "TLSv1.1  not offered" in body
        await pilot.press("l")
        await pilot.pause()
        body = _body(app)
        assert "已验证" in body and "协议版本" in body
        await pilot.press("p")
        await pilot.pause()
        assert _body(app).count("BEGIN CERTIFICATE") == 2
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TlsViewScreen)


async def test_long_lines_of_the_tls_view_wrap_under_their_own_indentation(chains, serve):
    """In a narrow terminal a wrapped line continues under itself: nothing
    but the start of a top-level item is drawn at the first column."""
    from smtptui.ui.screens.tls_view import report_text

    cfg = await _valid_server(chains, serve)
    report = await inspect_tls(cfg)
    app = _Host(TlsViewScreen(report, lang="en"))
    async with app.run_test(size=(64, 40)) as pilot:
        await pilot.pause()
        drawn = _body(app).splitlines()
    source = report_text(report, None, "en", pem=False).plain.splitlines()
    assert len(drawn) > len(source)  # the narrow view did wrap
    top_level = [line for line in source if line and not line.startswith(" ")]
    for line in drawn:
        if line and not line.startswith(" "):
            assert any(item.startswith(line.rstrip()) for item in top_level), "\n".join(drawn)
    assert all(len(line) <= 64 for line in drawn)
