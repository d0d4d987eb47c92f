"""The inspector loads its heavy libraries only when it inspects: importing
it (or the TUI's TLS view, or ``smtptui tls --help``) loads neither
pyOpenSSL, cryptography nor dnspython."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("OpenSSL", "cryptography", "dns")


def _loaded(code: str) -> set[str]:
    probe = code + f"\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", "import sys\n" + probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return {m for m in done.stdout.strip().split(",") if m}


def test_importing_the_inspector_loads_no_heavy_library():
    modules = (
        "mx",
        "routing",
        "handshake",
        "chain",
        "dane",
        "ciphers",
        "findings",
        "scan",
        "report",
    )
    assert _loaded("".join(f"import smtptui.inspection.{m}\n" for m in modules)) == set()


def test_the_tls_view_and_the_tls_help_load_no_heavy_library():
    assert _loaded("import smtptui.ui.screens.tls_view") == set()
    code = (
        "from click.testing import CliRunner\nfrom smtptui.cli import main\n"
        "assert CliRunner().invoke(main, ['tls', '--help']).exit_code == 0"
    )
    assert _loaded(code) == set()
