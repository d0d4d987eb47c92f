"""The reference is pure domain code: importing and using it must not load
Textual or Rich (docs/ARCHITECTURE.md, "Layers")."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_reference_and_explain_cli_never_import_textual_or_rich():
    code = textwrap.dedent(
        """
        import sys
        import smtptui.reference as ref
        from smtptui.i18n import catalogue
        from smtptui.reference.table import reference_table
        import smtptui.cli.explain_cmd
        for lang in ref.LANGUAGES:
            catalogue(lang)
            reference_table(lang)
            ref.explain("550 5.1.1 <x@y>: no such user", ref.ExplainContext(command="RCPT"), lang)
        ref.SessionState().after(None, ref.reply("220 hi")).expect("EHLO x").message("zh")
        bad = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
        print(",".join(bad))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "", f"loaded: {out.stdout.strip()}"
