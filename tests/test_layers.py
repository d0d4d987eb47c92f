"""The layering docs/ARCHITECTURE.md describes: everything outside ``smtptui/ui`` (and the
CLI, which may print with click) is importable without Textual or Rich, and the
protocol engine depends on nothing of smtptui's but itself."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import smtptui

DOMAIN = sorted(
    m.name
    for m in pkgutil.walk_packages(smtptui.__path__, "smtptui.")
    if not m.name.startswith(("smtptui.ui", "smtptui.cli", "smtptui.__main__", "smtptui.launch"))
)


def _loaded_after(imports: list[str]) -> set[str]:
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in imports)
        + "print('\\n'.join(sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(done.stdout.split())


def test_domain_modules_exist_to_check():
    assert "smtptui.protocol.session" in DOMAIN and "smtptui.reference.states" in DOMAIN
    assert "smtptui.server" in DOMAIN and "smtptui.transcript" in DOMAIN


def test_no_domain_module_loads_textual_or_rich():
    loaded = _loaded_after(DOMAIN)
    assert not {m for m in loaded if m.split(".")[0] in ("textual", "rich")}


def test_the_protocol_engine_imports_only_itself():
    engine = [m for m in DOMAIN if m.startswith("smtptui.protocol")]
    loaded = _loaded_after(engine)
    ours = {m for m in loaded if m.startswith("smtptui.")}
    assert all(m.startswith("smtptui.protocol") for m in ours), sorted(ours)
