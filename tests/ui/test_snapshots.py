"""Snapshot tests of the main screens at fixed sizes (pytest-textual-snapshot).

The app runs for real against its built-in server, made deterministic the way
``screenshots/generate.py`` does it: fixed ports and certificate, a counter
for a clock.  ``pytest --snapshot-update`` accepts a deliberate change; look at
the report (``snapshot_report.html``) before you do.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "screenshot_generate", ROOT / "screenshots" / "generate.py"
)
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

PORT, TLS_PORT = 35251, 35252


@pytest.fixture
def demo_app(tmp_path, monkeypatch):
    if not (generate.port_free(PORT) and generate.port_free(TLS_PORT)):
        pytest.fail(
            f"snapshot tests need 127.0.0.1 ports {PORT} and {TLS_PORT} free (fixed, so pictures are stable)"
        )
    generate.freeze_time(monkeypatch.setattr)
    generate.fixed_local_port(monkeypatch.setattr)
    cert, key = generate.demo_certificate(tmp_path)

    def make(**kw):
        return generate.demo_app(tmp_path, cert, key, port=PORT, tls_port=TLS_PORT, **kw)

    return make


async def _ready(pilot) -> None:
    await generate.ready(pilot, message_id="<snapshot.1@demo.local>")


_settle = generate.settle
_connected = generate.connected


class TestDashboard:
    def test_start_120x40(self, snap_compare, demo_app):
        async def run_before(pilot):
            await _ready(pilot)
            await _settle(pilot)

        assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)

    def test_after_send_120x40(self, snap_compare, demo_app):
        async def run_before(pilot):
            await _ready(pilot)
            await pilot.press("enter")
            await _connected(pilot)
            await pilot.press("f5")
            await _settle(pilot)

        assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)

    def test_narrow_80x24(self, snap_compare, demo_app):
        async def run_before(pilot):
            await _ready(pilot)
            await pilot.press("enter")
            await _connected(pilot)
            await _settle(pilot)

        assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)


class TestReference:
    def test_refusal_in_chinese(self, snap_compare, demo_app):
        async def run_before(pilot):
            await _ready(pilot)
            pilot.app.workspace.settings.auto_handshake = False
            await pilot.press("enter")
            await _connected(pilot)
            controller = pilot.app.workspace.sessions["demo"]
            for line in (
                "EHLO learner.example",
                "MAIL FROM:<demo@demo.local>",
                "RCPT TO:<friend@example.com>",
            ):
                await controller.raw(line)
            await _settle(pilot)

        assert snap_compare(demo_app(lang="zh"), terminal_size=(120, 40), run_before=run_before)


class TestComposer:
    def test_data_preview(self, snap_compare, demo_app):
        async def run_before(pilot):

            await _ready(pilot)
            pilot.app.panes.composer.action_preview()
            await _settle(pilot)

        assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)


class TestScreens:
    def test_empty_demo_inbox(self, snap_compare, demo_app):
        async def run_before(pilot):
            await _ready(pilot)
            await pilot.press("i")
            await _settle(pilot)

        assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)

    def test_new_profile_form(self, snap_compare, demo_app):
        async def run_before(pilot):
            await _ready(pilot)
            await pilot.press("n")
            await _settle(pilot)

        assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)
