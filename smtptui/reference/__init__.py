"""The SMTP reference: reply codes, enhanced status codes, vendor replies,
commands, the session state machine and explanations — in English and Chinese.

Pure data and functions: no Textual, no Rich, no I/O (a test imports this
package in a subprocess and checks). The CLI (``smtptui explain``) and the TUI
(reference pane, session panel) are renderers of what lives here.
"""

from __future__ import annotations

from smtptui.protocol.lazy import lazy_exports

#: name -> module that defines it (loaded on first access: the TUI's first paint
#: needs only ``i18n``, not every code table).
_EXPORTS: dict[str, str] = {
    "BASIC_CODES": "smtptui.reference.codes",
    "BasicCode": "smtptui.reference.codes",
    "COMMANDS": "smtptui.reference.commands",
    "CommandInfo": "smtptui.reference.commands",
    "DETAILS": "smtptui.reference.enhanced",
    "EnhancedDetail": "smtptui.reference.enhanced",
    "EnhancedInfo": "smtptui.reference.enhanced",
    "Expectation": "smtptui.reference.sequencing",
    "ExplainContext": "smtptui.reference.explanation",
    "Explanation": "smtptui.reference.explanation",
    "InputError": "smtptui.reference.explanation",
    "LANGUAGES": "smtptui.i18n",
    "LANGUAGE_NAMES": "smtptui.i18n",
    "MECHANISMS": "smtptui.reference.commands",
    "MechanismInfo": "smtptui.reference.commands",
    "Mismatch": "smtptui.reference.enhanced",
    "SessionState": "smtptui.reference.states",
    "State": "smtptui.reference.states",
    "Surprise": "smtptui.reference.transcript",
    "TableRow": "smtptui.reference.table",
    "VENDOR_CODES": "smtptui.reference.vendors",
    "VendorCode": "smtptui.reference.vendors",
    "Verdict": "smtptui.reference.sequencing",
    "check_mismatch": "smtptui.reference.enhanced",
    "command_names": "smtptui.reference.commands",
    "completions": "smtptui.reference.commands",
    "decode_auth_challenge": "smtptui.reference.explanation",
    "explain": "smtptui.reference.explanation",
    "find_mismatch": "smtptui.reference.enhanced",
    "lookup_basic": "smtptui.reference.codes",
    "lookup_command": "smtptui.reference.commands",
    "lookup_enhanced": "smtptui.reference.enhanced",
    "lookup_mechanism": "smtptui.reference.commands",
    "match_vendor": "smtptui.reference.vendors",
    "parse_transcript": "smtptui.reference.transcript",
    "reference_table": "smtptui.reference.table",
    "replay": "smtptui.reference.transcript",
    "reply": "smtptui.reference.transcript",
    "resolve_lang": "smtptui.i18n",
    "structure": "smtptui.reference.codes",
    "surprises": "smtptui.reference.transcript",
    "t": "smtptui.i18n",
    "tl": "smtptui.i18n",
    "vendor_for_host": "smtptui.reference.vendors",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
