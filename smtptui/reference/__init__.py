"""The SMTP reference: reply codes, enhanced status codes, vendor replies,
commands, the session state machine and explanations — in English and Chinese.

Pure data and functions: no Textual, no Rich, no I/O (a test imports this
package in a subprocess and checks). The CLI (``smtptui explain``) and the TUI
(reference pane, session panel) are renderers of what lives here.
"""

from smtptui.reference.codes import BASIC_CODES, BasicCode, lookup_basic, structure
from smtptui.reference.commands import (
    COMMANDS,
    MECHANISMS,
    CommandInfo,
    MechanismInfo,
    command_names,
    completions,
    lookup_command,
    lookup_mechanism,
)
from smtptui.reference.enhanced import (
    DETAILS,
    EnhancedDetail,
    EnhancedInfo,
    Mismatch,
    check_mismatch,
    find_mismatch,
    lookup_enhanced,
)
from smtptui.reference.explain import (
    ExplainContext,
    Explanation,
    InputError,
    decode_auth_challenge,
    explain,
)
from smtptui.reference.i18n import LANGUAGE_NAMES, LANGUAGES, resolve_lang, t, tl
from smtptui.reference.sequencing import Expectation, Verdict
from smtptui.reference.states import SessionState, State
from smtptui.reference.table import TableRow, reference_table
from smtptui.reference.transcript import Surprise, parse_transcript, replay, reply, surprises
from smtptui.reference.vendors import VENDOR_CODES, VendorCode, match_vendor, vendor_for_host

__all__ = [
    "BASIC_CODES",
    "COMMANDS",
    "DETAILS",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "MECHANISMS",
    "VENDOR_CODES",
    "BasicCode",
    "CommandInfo",
    "EnhancedDetail",
    "EnhancedInfo",
    "Expectation",
    "ExplainContext",
    "Explanation",
    "InputError",
    "MechanismInfo",
    "Mismatch",
    "SessionState",
    "State",
    "Surprise",
    "TableRow",
    "VendorCode",
    "Verdict",
    "check_mismatch",
    "command_names",
    "completions",
    "decode_auth_challenge",
    "explain",
    "find_mismatch",
    "lookup_basic",
    "lookup_command",
    "lookup_enhanced",
    "lookup_mechanism",
    "match_vendor",
    "parse_transcript",
    "reference_table",
    "replay",
    "reply",
    "resolve_lang",
    "structure",
    "surprises",
    "t",
    "tl",
    "vendor_for_host",
]
