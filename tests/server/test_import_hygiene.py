"""The server and the message builder are usable without the TUI's libraries,
and importing them stays cheap (aiosmtpd and cryptography load on start)."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return set(result.stdout.split())


def test_server_and_message_do_not_import_textual_or_rich() -> None:
    loaded = _modules_after(
        "import smtptui.message, smtptui.server, smtptui.server.smtp, smtptui.server.certs"
    )
    assert "smtptui.server.smtp" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("textual", "rich")}


def test_importing_the_server_package_defers_aiosmtpd_and_cryptography() -> None:
    loaded = _modules_after("from smtptui.server import DemoServer, ServerConfig, ReceivedMessage")
    assert "aiosmtpd" not in loaded
    assert "cryptography" not in loaded
