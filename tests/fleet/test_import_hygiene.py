"""The fleet engine is domain code: no Textual or Rich, and importing it does
not load the server, certificate or config-folder libraries."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import smtptui.fleet
import smtptui.fleet.health, smtptui.fleet.history, smtptui.fleet.compare
import smtptui.fleet.load, smtptui.fleet.swaks, smtptui.fleet.results
import smtptui.fleet.transport, smtptui.fleet.transport_facts, smtptui.fleet.tls_scan
heavy = ("textual", "rich", "aiosmtpd", "cryptography", "platformdirs", "httpx")
print(",".join(m for m in heavy if m in sys.modules))
"""


def test_fleet_imports_neither_textual_nor_rich_nor_heavy_libraries():
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, timeout=30
    )
    assert done.stdout.strip() == ""


def test_the_fleet_commands_load_without_textual():
    code = (
        "import sys; from smtptui.cli import main; from click.testing import CliRunner\n"
        "for name in ('compare', 'load', 'swaks'):\n"
        "    assert CliRunner().invoke(main, [name, '--help']).exit_code == 0\n"
        "print(','.join(m for m in ('textual', 'rich') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert done.stdout.strip() == ""
