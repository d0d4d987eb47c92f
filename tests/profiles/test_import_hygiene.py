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


LOAD = """
import sys, pathlib
from smtptui.profiles import ProfileStore
folder = pathlib.Path(sys.argv[1])
(folder / "a.toml").write_text('host = "h.example"\\n[message]\\nfrom = "me@example.com"\\nto = ["you@example.com"]\\n')
result = ProfileStore(str(folder)).load()
assert [p.name for p in result.profiles] == ["a", "demo"], [p.name for p in result.profiles]
print(",".join(m for m in ("email.utils", "importlib.resources", "importlib.readers") if m in sys.modules))
"""


def test_reading_profiles_with_bare_addresses_and_the_demo_stays_light(tmp_path):
    """The dashboard reads every profile before its first frame: bare
    addresses and the bundled demo are read without the e-mail parser or
    importlib.resources (a few milliseconds of every start)."""
    done = subprocess.run(
        [sys.executable, "-c", LOAD, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""
