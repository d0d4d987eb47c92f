"""Domain modules stay free of the TUI, and discovery stays cheap to import."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import smtptui.profiles, smtptui.discovery
heavy = [m for m in ("textual", "rich", "httpx", "dns", "dns.resolver", "platformdirs") if m in sys.modules]
print(",".join(heavy))
"""


def test_profiles_and_discovery_import_neither_textual_nor_rich_nor_network_libraries():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
